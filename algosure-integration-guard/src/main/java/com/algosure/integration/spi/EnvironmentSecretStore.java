package com.algosure.integration.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Secrets from environment variables; see {@link SecretStore#environment(Duration)}. Thread-safe. */
final class EnvironmentSecretStore implements SecretStore {

  private final String prefix;
  private final Map<String, String> environment;
  private final Duration lease;

  EnvironmentSecretStore(String prefix, Map<String, String> environment, Duration lease) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.lease = Leases.require(lease);
  }

  static String variable(String prefix, SecretRef ref) {
    String name = ref.name();
    StringBuilder s = new StringBuilder(prefix.length() + name.length()).append(prefix);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      s.append((c >= 'a' && c <= 'z') ? (char) (c - 32) : ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_');
    }
    return s.toString();
  }

  @Override
  public Optional<SecretLease> resolve(SecretRef ref, Instant now) {
    String value = environment.get(variable(prefix, ref));
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
