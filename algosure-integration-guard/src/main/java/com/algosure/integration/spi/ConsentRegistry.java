package com.algosure.integration.spi;

import java.time.Clock;
import java.time.Instant;

/**
 * The host's record of approved consents. Asked once per call whose provider action declares a consent
 * scope; a revocation must take effect on the next call, so answers are not cached by the guard.
 *
 * <p>Implementations must be thread-safe; one call should be one look-up (one round trip). Throwing or
 * returning null denies the call ({@code CONSENT_UNAVAILABLE}).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ConsentRegistry {

  /**
   * @param query what the call needs consent for
   * @param now the guard's current time
   * @return whether a valid consent covers it
   */
  ConsentCheck check(ConsentQuery query, Instant now);

  /**
   * @param clock the clock for revocation times
   * @return an empty in-memory registry, for tests and examples
   */
  static InMemoryConsentRegistry inMemory(Clock clock) {
    return new InMemoryConsentRegistry(clock);
  }

  /** @return a registry with no consents: every action that needs one is denied */
  static ConsentRegistry none() {
    return (query, now) -> ConsentCheck.missing();
  }
}
