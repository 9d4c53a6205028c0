package com.algosure.integration.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A secret and how long it may be used (and cached) before it must be resolved again.
 *
 * <p>Immutable and thread-safe; {@link #toString()} never shows the value.
 *
 * @param secret the secret
 * @param expiresAt when the lease ends
 * @since 0.1.0
 */
public record SecretLease(Secret secret, Instant expiresAt) {

  /** @throws NullPointerException if a component is null */
  public SecretLease {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /**
   * @param now the current time
   * @return whether the lease is still valid at that time
   */
  public boolean validAt(Instant now) {
    return now.isBefore(expiresAt);
  }
}
