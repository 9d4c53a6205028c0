package com.algosure.integration;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A provider's retry budget: retries may be at most {@code ratio} of the calls made in the last
 * {@code window}, with {@code minimum} retries per window always allowed. Failsafe bounds one call's
 * retries; the budget bounds all calls' retries together, so a provider that is down is not hit by a retry
 * storm (the idea of Finagle's and gRPC's retry budgets).
 *
 * <p>Counts live in ten buckets over the window, read with the injected clock. Thread-safe. Counting a call
 * (every call does) takes no lock: one atomic increment of the current bucket. The lock is taken only to
 * start a new bucket (once per tenth of the window) and to grant a retry (a failure path), so two retries
 * never both take the last one the budget allows. A call counted while its bucket is being started may land
 * in the new bucket or be lost; the budget is an approximation over its window either way.
 */
final class RetryBudget {

  private static final int BUCKETS = 10;

  private final double ratio;
  private final int minimum;
  private final long bucketMillis;
  private final Clock clock;
  private final AtomicLongArray calls = new AtomicLongArray(BUCKETS);
  private final AtomicLongArray retries = new AtomicLongArray(BUCKETS);
  /** The epoch (clock millis / bucket millis) each bucket counts; written last when a bucket starts. */
  private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);

  RetryBudget(double ratio, int minimum, Duration window, Clock clock) {
    this.ratio = ratio;
    this.minimum = minimum;
    this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
    this.clock = clock;
    for (int i = 0; i < BUCKETS; i++) {
      epochs.set(i, Long.MIN_VALUE); // no bucket counts any epoch yet
    }
  }

  private static int index(long epoch) {
    return (int) Math.floorMod(epoch, (long) BUCKETS);
  }

  /** @return the bucket of the epoch, started (zeroed) first if it still counts an older epoch */
  private int bucket(long epoch) {
    int i = index(epoch);
    if (epochs.get(i) != epoch) {
      synchronized (this) {
        if (epochs.get(i) != epoch) {
          calls.set(i, 0);
          retries.set(i, 0);
          epochs.set(i, epoch);
        }
      }
    }
    return i;
  }

  void recordCall() {
    calls.incrementAndGet(bucket(clock.millis() / bucketMillis));
  }

  /** @return whether a retry may be made now; if so, it is counted */
  synchronized boolean tryRetry() {
    long epoch = clock.millis() / bucketMillis;
    int current = bucket(epoch);
    long c = 0;
    long r = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long e = epochs.get(i);
      if (e != Long.MIN_VALUE && epoch - e < BUCKETS) {
        c += calls.get(i);
        r += retries.get(i);
      }
    }
    long allowed = Math.max(minimum, (long) Math.floor(ratio * c));
    if (r >= allowed) {
      return false;
    }
    retries.incrementAndGet(current);
    return true;
  }
}
