package com.algosure.integration.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Secrets from environment variables; see {@link SecretStore#environment(Duration)}. Thread-safe. */
final class EnvironmentSecretStore implements SecretStore {

  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentSecretStore.class);

  private final String prefix;
  private final Map<String, String> environment;
  private final Duration lease;

  EnvironmentSecretStore(String prefix, Map<String, String> environment, Duration lease) {
    this.prefix = requirePrefix(prefix);
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.lease = Leases.require(lease);
  }

  /**
   * The prefix is what keeps the process's other variables (its {@code PATH}, a cloud credential, a database password)
   * from being secrets any reference could name: it may not be empty, and has only the characters of a variable name.
   */
  private static String requirePrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("environment secret store: prefix is empty, so every environment variable of "
          + "the process would be a secret; give the prefix only the store's variables have, such as ALGOSURE_SECRET_");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        throw new IllegalArgumentException("environment secret store: prefix '" + prefix + "' is not an environment "
            + "variable name's start: use letters, digits and '_' only, such as ALGOSURE_SECRET_");
      }
    }
    return prefix;
  }

  /**
   * The variable of a reference: its letters in upper case, its digits as they are, each {@code -} an underscore
   * and each {@code /} two. No other reference has that variable: a reference is named only if it has nothing but
   * lower-case letters, digits, {@code -} and {@code /}, and no {@code -} next to another {@code -} or a
   * {@code /} (SecretRef has no {@code //}), so each run of underscores is one {@code -} or one {@code /}.
   *
   * @return the variable, or null if the reference has anything else: a variable would also name another
   *     reference (upper case folded, {@code . _ : @} would be underscores), such as another tenant's
   */
  static @Nullable String variable(String prefix, SecretRef ref) {
    String name = ref.name();
    StringBuilder s = new StringBuilder(prefix.length() + name.length() + 8).append(prefix);
    char previous = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'a' && c <= 'z') {
        s.append((char) (c - 32));
      } else if (c >= '0' && c <= '9') {
        s.append(c);
      } else if (c == '-' && previous != '-' && previous != '/') {
        s.append('_');
      } else if (c == '/' && previous != '-') {
        s.append("__");
      } else {
        return null;
      }
      previous = c;
    }
    return s.toString();
  }

  @Override
  public Optional<SecretLease> resolve(SecretRef ref, Instant now) {
    String variable = variable(prefix, ref);
    if (variable == null) {
      // the reference is valid (a tenant's id may have capitals, '.', '_', ':' or '@'), but no variable names it alone
      LOG.warn("secret '{}' cannot be an environment variable: the variable would also name other references (of "
          + "another tenant, say), so the environment store takes only lower-case letters, digits, '-' and '/' "
          + "without '--', '-/' or '/-'; rename the secret, or keep it in a directory store (SecretStore.directory) "
          + "or a vault", ref);
      return Optional.empty();
    }
    String value = environment.get(variable);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SecretLease(Secret.of(ref, value), Leases.expiry(now, lease)));
  }

  @Override
  public String toString() {
    return "EnvironmentSecretStore[prefix=" + prefix + ", lease " + lease + "]";
  }
}
