package com.algosure.integration.spi;

import java.util.Objects;

/**
 * The answer of {@link IdempotencyStore#claim}: exactly one of these, decided atomically.
 *
 * @since 0.1.0
 */
public sealed interface ClaimResult
    permits ClaimResult.Claimed, ClaimResult.InFlight, ClaimResult.Completed, ClaimResult.FingerprintMismatch {

  /** @return the answer "the key is yours: run the call" */
  static ClaimResult claimed() {
    return Claimed.INSTANCE;
  }

  /** @return the answer "another call with this key and fingerprint is running" */
  static ClaimResult inFlight() {
    return InFlight.INSTANCE;
  }

  /** @return the answer "this key was used for another request" */
  static ClaimResult fingerprintMismatch() {
    return FingerprintMismatch.INSTANCE;
  }

  /** The key was free (or expired) and is now reserved for the caller's owner id. */
  final class Claimed implements ClaimResult {
    static final Claimed INSTANCE = new Claimed();

    private Claimed() {}

    @Override
    public String toString() {
      return "CLAIMED";
    }
  }

  /** Another owner holds the key and has not completed it. */
  final class InFlight implements ClaimResult {
    static final InFlight INSTANCE = new InFlight();

    private InFlight() {}

    @Override
    public String toString() {
      return "IN_FLIGHT";
    }
  }

  /** The key was reused with another request fingerprint. */
  final class FingerprintMismatch implements ClaimResult {
    static final FingerprintMismatch INSTANCE = new FingerprintMismatch();

    private FingerprintMismatch() {}

    @Override
    public String toString() {
      return "FINGERPRINT_MISMATCH";
    }
  }

  /**
   * The key was completed; the first call's outcome.
   *
   * @param outcome what the owner completed the key with (the guard's {@code StoredOutcome} or the callback
   *     guard's {@code CallbackOutcome}); a distributed store serializes it with a codec of its own
   */
  record Completed(Object outcome) implements ClaimResult {
    /** @throws NullPointerException if the outcome is null */
    public Completed {
      Objects.requireNonNull(outcome, "outcome");
    }
  }
}
