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
 * in the new bucket or be lost; the budget is an approximation over its window either way. A bucket never moves
 * back to an older tenth (a call whose thread read the time a window ago, or a clock stepped back): what was spent
 * in the window stays spent.
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

  /**
   * @return the bucket of the epoch, started (zeroed) first if it still counts an older epoch; -1 if it already
   *     counts a newer one (the epoch was read by a thread that stalled a whole window since, or before the clock was
   *     stepped back): a bucket is never started again for an older epoch, which would wipe the calls and the retries
   *     counted in it since
   */
  private int bucket(long epoch) {
    int i = index(epoch);
    long counted = epochs.get(i);
    if (counted != epoch) {
      if (counted > epoch) { // Long.MIN_VALUE (never started) is older than any epoch
        return -1;
      }
      synchronized (this) {
        counted = epochs.get(i);
        if (counted > epoch) { // Long.MIN_VALUE (never started) is older than any epoch
          return -1;
        }
        if (counted != epoch) {
          calls.set(i, 0);
          retries.set(i, 0);
          epochs.set(i, epoch);
        }
      }
    }
    return i;
  }

  void recordCall() {
    int i = bucket(clock.millis() / bucketMillis);
    if (i >= 0) { // a call read a window ago (or before the clock stepped back) is not counted: fewer retries, never more
      calls.incrementAndGet(i);
    }
  }

  /** What {@link #acquireRetry()} answers when the budget refuses a retry. */
  static final long REFUSED = Long.MIN_VALUE;

  /** @return whether a retry may be made now; if so, it is counted */
  boolean tryRetry() {
    return acquireRetry() != REFUSED;
  }

  /**
   * Gives back a retry {@link #acquireRetry()} counted that was then not sent (the guard refused it before its
   * exchange: its rate limit, the breaker, its idempotency claim), so that only retries that reach the provider spend
   * the budget. A retry counted in a bucket that has since started a newer tenth has aged out already: nothing to give.
   *
   * @param epoch what {@link #acquireRetry()} answered
   */
  synchronized void refund(long epoch) {
    if (epoch == REFUSED) {
      return;
    }
    int i = index(epoch);
    if (epochs.get(i) == epoch && retries.get(i) > 0) {
      retries.decrementAndGet(i);
    }
  }

  /** @return the tenth of the window the retry was counted in, to {@link #refund} it with; {@link #REFUSED} if refused */
  synchronized long acquireRetry() {
    // the latest tenth any bucket counts, if the clock now reads earlier (stepped back): the window never moves back,
    // so the retries spent in it stay spent
    long epoch = clock.millis() / bucketMillis;
    for (int i = 0; i < BUCKETS; i++) {
      epoch = Math.max(epoch, epochs.get(i));
    }
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
      return REFUSED;
    }
    retries.incrementAndGet(current);
    return epoch;
  }
}
