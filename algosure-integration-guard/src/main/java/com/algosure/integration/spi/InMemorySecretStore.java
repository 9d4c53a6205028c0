package com.algosure.integration.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Secrets held in memory, for tests and examples. Values can be replaced ({@link #rotate}) and removed
 * ({@link #remove}) at run time, as a secrets manager would. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemorySecretStore implements SecretStore {

  private final Map<SecretRef, Secret> secrets;
  private final Duration lease;

  private InMemorySecretStore(Builder b) {
    this.secrets = new ConcurrentHashMap<>(b.secrets);
    this.lease = b.lease == null ? Duration.ofMinutes(5) : b.lease;
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public Optional<SecretLease> resolve(SecretRef ref, Instant now) {
    Secret s = secrets.get(ref);
    return s == null ? Optional.empty() : Optional.of(new SecretLease(s, Leases.expiry(now, lease)));
  }

  /**
   * Replaces (or adds) a secret's value.
   *
   * @param ref the reference
   * @param value the new value
   */
  public void rotate(SecretRef ref, String value) {
    secrets.put(ref, Secret.of(ref, value));
  }

  /** @param ref the reference of a secret to remove */
  public void remove(SecretRef ref) {
    secrets.remove(ref);
  }

  @Override
  public String toString() {
    return "InMemorySecretStore[" + secrets.size() + " secrets, lease " + lease + "]";
  }

  /** Builds an {@link InMemorySecretStore}; not thread-safe. */
  public static final class Builder {
    private final Map<SecretRef, Secret> secrets = new java.util.HashMap<>();
    private @Nullable Duration lease;

    private Builder() {}

    /**
     * Adds a secret.
     *
     * @param ref the reference name
     * @param value the value
     * @return this builder
     * @throws IllegalStateException if the reference was already added
     */
    public Builder secret(String ref, String value) {
      SecretRef r = SecretRef.of(ref);
      if (secrets.putIfAbsent(r, Secret.of(r, value)) != null) {
        throw new IllegalStateException("secret '" + r + "' was already added");
      }
      return this;
    }

    /**
     * @param lease how long a resolved value may be used (default 5 minutes)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder lease(Duration lease) {
      if (this.lease != null) {
        throw new IllegalStateException("lease was already set");
      }
      this.lease = Leases.require(lease);
      return this;
    }

    /** @return the store */
    public InMemorySecretStore build() {
      Objects.requireNonNull(secrets);
      return new InMemorySecretStore(this);
    }
  }
}
