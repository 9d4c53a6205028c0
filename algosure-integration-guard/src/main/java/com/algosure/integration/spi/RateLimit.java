package com.algosure.integration.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A limit of {@code permits} calls per {@code period} (a burst of up to {@code permits} is allowed at the
 * start of each period).
 *
 * <p>Immutable and thread-safe.
 *
 * @param permits how many calls, at least 1
 * @param period per how long, at least one millisecond
 * @since 0.1.0
 */
public record RateLimit(long permits, Duration period) {

  /** @throws IllegalArgumentException if permits is below 1 or the period below one millisecond */
  public RateLimit {
    if (permits < 1) {
      throw new IllegalArgumentException("rate limit permits must be at least 1, was " + permits);
    }
    Objects.requireNonNull(period, "period");
    if (period.toMillis() < 1) {
      throw new IllegalArgumentException("rate limit period must be at least 1 millisecond, was " + period);
    }
  }

  /**
   * @param permits how many calls
   * @param period per how long
   * @return the limit
   */
  public static RateLimit of(long permits, Duration period) {
    return new RateLimit(permits, period);
  }

  /** @return the average time between two permits, the earliest a denied caller should try again */
  public Duration interval() {
    return period.dividedBy(permits);
  }
}
