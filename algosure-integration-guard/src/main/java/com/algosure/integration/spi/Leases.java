package com.algosure.integration.spi;

import java.time.Duration;
import java.util.Objects;

/** Shared checks of lease durations; internal. */
final class Leases {

  private Leases() {}

  static Duration require(Duration lease) {
    Objects.requireNonNull(lease, "lease");
    if (lease.isZero() || lease.isNegative()) {
      throw new IllegalArgumentException("lease must be positive, was " + lease);
    }
    return lease;
  }
}
