package com.algosure.integration.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.failsafe.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RateLimitStore} in memory: each key's permits are a bursty Failsafe {@link RateLimiter}, built
 * once per key and limit; pauses are kept per key. Thread-safe; not shared between processes.
 *
 * <p>A key's limiter is dropped only once the key has gone unused (no {@code acquire}) for the longer of its
 * limit's period and an hour: by then a new period has begun with all its permits, so a new limiter for the key
 * grants no more than the dropped one would have. It stops counting toward the bound when Caffeine next removes
 * expired entries, at most about a second later.
 *
 * <p>The store is bounded, and it never evicts a live limiter to make room: a limiter dropped early would start
 * again with its full permits, so that key could make more calls than its limit. When it holds
 * {@code maximumKeys} live limiters, an {@code acquire} for a new key throws {@link RateLimitStoreFullException}
 * (the guard fails that call closed, before anything is sent) until limiters are dropped. Keys already held are
 * granted and exhausted as usual.
 *
 * <p>Failsafe's limiter measures its periods with {@code System.nanoTime}, not with the guard's clock; pauses use
 * the guard's clock. An exhausted key's retry time is when its next period starts, which is when the bursty
 * limiter gives its permits back.
 *
 * @since 0.1.0
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

  /** How many live keys a store holds at most unless told otherwise ({@link RateLimitStore#inMemory()}). */
  public static final long DEFAULT_MAXIMUM_KEYS = 100_000;

  /** The shortest time a limiter is kept unused, whatever its period. */
  private static final long MINIMUM_IDLE_NANOS = Duration.ofHours(1).toNanos();

  private final long maximumKeys;
  private final Cache<RateLimitKey, Limiter> limiters;
  private final ConcurrentHashMap<RateLimitKey, Instant> pauses = new ConcurrentHashMap<>();

  InMemoryRateLimitStore(long maximumKeys) {
    this(maximumKeys, Ticker.systemTicker());
  }

  /**
   * @param ticker when limiters are dropped for being unused (tests move it); the limiters themselves still count
   *     their periods on {@code System.nanoTime}, so moving it never frees a permit
   */
  InMemoryRateLimitStore(long maximumKeys, Ticker ticker) {
    if (maximumKeys < 1) {
      throw new IllegalArgumentException("maximumKeys must be at least 1, was " + maximumKeys);
    }
    this.maximumKeys = maximumKeys;
    // no maximumSize: Caffeine would evict live limiters to make room; the bound is checked on acquire instead,
    // and limiters leave only once unused for their idle time
    this.limiters = Caffeine.newBuilder()
        .executor(Runnable::run)
        .ticker(Objects.requireNonNull(ticker, "ticker"))
        .expireAfter(new Expiry<RateLimitKey, Limiter>() {
          @Override
          public long expireAfterCreate(RateLimitKey key, Limiter l, long currentTime) {
            return l.idleNanos;
          }

          @Override
          public long expireAfterUpdate(RateLimitKey key, Limiter l, long currentTime, long currentDuration) {
            return l.idleNanos;
          }

          @Override
          public long expireAfterRead(RateLimitKey key, Limiter l, long currentTime, long currentDuration) {
            return l.idleNanos;
          }
        })
        .build();
  }

  /**
   * @throws RateLimitStoreFullException if the key is new and the store holds {@code maximumKeys} live keys
   */
  @Override
  public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
    Optional<Instant> paused = pausedUntil(key, now);
    if (paused.isPresent()) {
      return new RateLimitDecision.Paused(paused.get());
    }
    Limiter l = limiters.getIfPresent(key);
    if (l == null || !l.limit.equals(limit)) {
      l = limiterOrNull(key, limit);
      if (l == null) {
        limiters.cleanUp(); // at the bound: drop the limiters unused for their idle time (a live one is never dropped)
        l = limiterOrNull(key, limit);
        if (l == null) {
          throw new RateLimitStoreFullException(maximumKeys);
        }
      }
    }
    // exhausted: the permits come back when the next period starts, not after one permit's share of the period
    return l.limiter.tryAcquirePermit() ? RateLimitDecision.granted()
        : new RateLimitDecision.Exhausted(now.plusNanos(l.nanosToNextPeriod()));
  }

  /**
   * @return the key's limiter for the limit (a new one if the key was not held or had another limit), or null if
   *     the key is new and the store holds its maximum (concurrent acquires may pass the bound by at most one key
   *     each)
   */
  private @Nullable Limiter limiterOrNull(RateLimitKey key, RateLimit limit) {
    return limiters.asMap().compute(key, (k, existing) -> {
      if (existing != null) {
        return existing.limit.equals(limit) ? existing : new Limiter(limit);
      }
      return limiters.estimatedSize() >= maximumKeys ? null : new Limiter(limit);
    });
  }

  @Override
  public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
    Instant until = pauses.get(key);
    if (until == null) {
      return Optional.empty();
    }
    if (!now.isBefore(until)) {
      pauses.remove(key, until);
      return Optional.empty();
    }
    return Optional.of(until);
  }

  @Override
  public void pause(RateLimitKey key, Instant until) {
    pauses.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** @return how many live keys the store holds at most before it refuses new ones */
  public long maximumKeys() {
    return maximumKeys;
  }

  @Override
  public String toString() {
    return "InMemoryRateLimitStore[" + limiters.estimatedSize() + " limiters, " + pauses.size() + " pauses]";
  }

  private static final class Limiter {
    final RateLimit limit;
    final RateLimiter<Object> limiter;
    /**
     * {@code System.nanoTime} read just after the limiter was built. Failsafe's bursty limiter gives back all its
     * permits at the start of each period, counted from when it was built, so its periods start at or a little
     * before {@code startedNanos + k * periodNanos}: a retry time from here is never early.
     */
    final long startedNanos;
    final long periodNanos;
    /**
     * How long the limiter is kept unused: the longer of its period and an hour. A bursty limiter unused for a
     * whole period is in a later period with all its permits, so a new limiter in its place grants as many now and
     * refills no sooner: equivalent or stricter, never a second burst within a period.
     */
    final long idleNanos;

    Limiter(RateLimit limit) {
      this.limit = limit;
      this.limiter = RateLimiter.burstyBuilder(limit.permits(), limit.period()).build();
      this.startedNanos = System.nanoTime();
      long nanos;
      try {
        nanos = limit.period().toNanos();
      } catch (ArithmeticException e) {
        nanos = Long.MAX_VALUE; // about 292 years or more
      }
      this.periodNanos = nanos;
      this.idleNanos = Math.max(nanos, MINIMUM_IDLE_NANOS);
    }

    /** @return the nanoseconds until the next period starts, with all its permits: in (0, the period] */
    long nanosToNextPeriod() {
      return periodNanos - Math.floorMod(System.nanoTime() - startedNanos, periodNanos);
    }
  }
}
