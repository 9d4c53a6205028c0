package com.algosure.store.jdbc;

import java.time.Duration;

/**
 * Bounds single-statement look-ups without an extra round trip: JDBC's {@code setQueryTimeout}, which
 * counts whole seconds (a duration is rounded up).
 */
final class QueryTimeout {

  private QueryTimeout() {}

  static int seconds(Duration timeout) {
    long s = (timeout.toMillis() + 999) / 1000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
  }

  static Duration check(String option, Duration timeout) {
    java.util.Objects.requireNonNull(timeout, option);
    if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(option + " must be between 1 second and 5 minutes (JDBC counts whole seconds), was " + timeout);
    }
    return timeout;
  }
}
