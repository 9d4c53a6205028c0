package com.algosure.integration.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Where secrets come from: the host's approved secrets management. The guard resolves the secrets a
 * provider declares by reference for each call, caches them no longer than their lease, hands them to the
 * provider call only, and audits each use by reference.
 *
 * <p>Implementations must be thread-safe. Returning empty, returning null or throwing all make the call
 * fail with {@code SECRET_UNAVAILABLE} before anything is sent. An implementation never puts a value into
 * an exception message or a log line.
 *
 * <p>Built-in stores: {@link #inMemory()}, {@link #environment(Duration)} and {@link #directory(Path, Duration)}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface SecretStore {

  /**
   * Resolves a secret.
   *
   * @param ref the reference
   * @param now the guard's current time, for the lease
   * @return the lease, or empty if there is no such secret
   */
  Optional<SecretLease> resolve(SecretRef ref, Instant now);

  /** @return a builder for secrets held in memory, for tests and examples */
  static InMemorySecretStore.Builder inMemory() {
    return InMemorySecretStore.builder();
  }

  /**
   * Secrets from this process's environment variables: reference {@code acme-mail/api-key} is variable
   * {@code ALGOSURE_SECRET_ACME_MAIL__API_KEY}, and {@code acme-mail/acme/api-key} (template
   * {@code acme-mail/{tenant}/api-key} for tenant {@code acme}) is {@code ALGOSURE_SECRET_ACME_MAIL__ACME__API_KEY}:
   * letters in upper case, each {@code -} an underscore and each {@code /} two.
   *
   * <p>Every reference this store resolves has a variable no other reference has. So it resolves only references
   * of lower-case letters, digits, {@code -} and {@code /}, without {@code --}, {@code -/} or {@code /-}; any other
   * (such as one naming tenant {@code acme.eu}, {@code acme_eu} or {@code ACME-EU}, whose variable would be
   * {@code acme-eu}'s) is not available, with a warning naming it: keep such secrets in a
   * {@link #directory(Path, Duration) directory} or a vault.
   *
   * @param lease how long a resolved value may be used
   * @return the store
   */
  static SecretStore environment(Duration lease) {
    return new EnvironmentSecretStore("ALGOSURE_SECRET_", System.getenv(), lease);
  }

  /**
   * Secrets from a given environment, such as {@code System.getenv()}, named as {@link #environment(Duration)}
   * names them after the prefix.
   *
   * @param prefix the variable name prefix, such as {@code ALGOSURE_SECRET_}: not empty (every variable of the
   *     process, {@code PATH} or a cloud credential, would be a secret), and only letters, digits and {@code _}
   * @param environment the variables (copied)
   * @param lease how long a resolved value may be used
   * @return the store
   * @throws IllegalArgumentException if the prefix is empty or has a character no variable name has
   */
  static SecretStore environment(String prefix, Map<String, String> environment, Duration lease) {
    return new EnvironmentSecretStore(prefix, environment, lease);
  }

  /**
   * Secrets in files of a directory, one file per secret, such as a mounted Kubernetes secret: reference
   * {@code acme-mail/api-key} is file {@code <directory>/acme-mail/api-key}. One trailing line break is
   * removed. Files are read at each resolution, so a rotated file is picked up when the lease ends. Only regular
   * files (or links to them) of at most 1 MiB are read; anything else (a directory, a pipe, a device, a larger
   * file) is not available, with a warning naming the reference.
   *
   * @param directory the directory
   * @param lease how long a resolved value may be used
   * @return the store
   */
  static SecretStore directory(Path directory, Duration lease) {
    return new DirectorySecretStore(directory, lease);
  }

  /** @return a store without secrets: every provider that declares one fails with {@code SECRET_UNAVAILABLE} */
  static SecretStore none() {
    return (ref, now) -> Optional.empty();
  }
}
