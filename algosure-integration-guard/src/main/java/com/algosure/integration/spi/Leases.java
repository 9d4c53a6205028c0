package com.algosure.integration.spi;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** Shared checks of lease durations; internal. */
final class Leases {

  private Leases() {}

  /**
   * @return when a lease taken at {@code now} ends: {@code now + lease}, or {@link Instant#MAX} for a lease longer than
   *     any instant holds (one meant as "never re-read", such as {@code ChronoUnit.FOREVER.getDuration()}), which
   *     otherwise failed every resolution and so every call
   */
  static Instant expiry(Instant now, Duration lease) {
    try {
      return now.plus(lease);
    } catch (DateTimeException | ArithmeticException e) {
      return Instant.MAX;
    }
  }

  static Duration require(Duration lease) {
    Objects.requireNonNull(lease, "lease");
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
    return lease;
  }
}
