package com.algosure.integration.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer of {@link RateLimitStore#acquire}.
 *
 * @since 0.1.0
 */
public sealed interface RateLimitDecision
    permits RateLimitDecision.Granted, RateLimitDecision.Paused, RateLimitDecision.Exhausted {

  /** @return the answer "a permit was taken: go ahead" */
  static RateLimitDecision granted() {
    return Granted.INSTANCE;
  }

  /** A permit was taken. */
  final class Granted implements RateLimitDecision {
    static final Granted INSTANCE = new Granted();

    private Granted() {}

    @Override
    public String toString() {
      return "GRANTED";
    }
  }

  /**
   * The provider asked us to back off (429, {@code Retry-After}) and the key is paused; no permit was taken.
   *
   * @param until when the pause ends
   */
  record Paused(Instant until) implements RateLimitDecision {
    /** @throws NullPointerException if until is null */
    public Paused {
      Objects.requireNonNull(until, "until");
    }
  }

  /**
   * Our own limit is used up for now; no permit was taken.
   *
   * @param retryAt the earliest time a permit may be free again
   */
  record Exhausted(Instant retryAt) implements RateLimitDecision {
    /** @throws NullPointerException if retryAt is null */
    public Exhausted {
      Objects.requireNonNull(retryAt, "retryAt");
    }
  }
}
