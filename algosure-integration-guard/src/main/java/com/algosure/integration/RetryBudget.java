package com.algosure.integration;

import java.time.Clock;
import java.time.Duration;

/**
 * A provider's retry budget: retries may be at most {@code ratio} of the calls made in the last
 * {@code window}, with {@code minimum} retries per window always allowed. Failsafe bounds one call's
 * retries; the budget bounds all calls' retries together, so a provider that is down is not hit by a retry
 * storm (the idea of Finagle's and gRPC's retry budgets).
 *
 * <p>Counts live in ten buckets over the window, read with the injected clock. Thread-safe; the lock is
 * held for a few array operations.
 */
final class RetryBudget {

  private static final int BUCKETS = 10;

  private final double ratio;
  private final int minimum;
  private final long bucketMillis;
  private final Clock clock;
  private final long[] calls = new long[BUCKETS];
  private final long[] retries = new long[BUCKETS];
  private final long[] epochs = new long[BUCKETS];

  RetryBudget(double ratio, int minimum, Duration window, Clock clock) {
    this.ratio = ratio;
    this.minimum = minimum;
    this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
    this.clock = clock;
  }

  private int bucket(long epoch) {
    int i = (int) (epoch % BUCKETS);
    if (epochs[i] != epoch) {
      epochs[i] = epoch;
      calls[i] = 0;
      retries[i] = 0;
    }
    return i;
  }

  synchronized void recordCall() {
    calls[bucket(clock.millis() / bucketMillis)]++;
  }

  /** @return whether a retry may be made now; if so, it is counted */
  synchronized boolean tryRetry() {
    long epoch = clock.millis() / bucketMillis;
    long c = 0;
    long r = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (epoch - epochs[i] < BUCKETS) {
        c += calls[i];
        r += retries[i];
      }
    }
    long allowed = Math.max(minimum, (long) Math.floor(ratio * c));
    if (r >= allowed) {
      return false;
    }
    retries[bucket(epoch)]++;
    return true;
  }
}
