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

/**
 * A {@link RateLimitStore} in memory: each key's permits are a bursty Failsafe {@link RateLimiter}, built
 * once per key and limit; pauses are kept per key. Thread-safe; not shared between processes.
 *
 * <p>A key's limiter is dropped only once the key has gone unused (no {@code acquire}) for the longer of its
 * limit's period and an hour: by then a new period has begun with all its permits, so a new limiter for the key
 * grants no more than the dropped one would have. Beyond 100,000 keys, limiters are evicted by size.
 *
 * <p>Failsafe's limiter measures its periods with {@code System.nanoTime}, not with the guard's clock; pauses use
 * the guard's clock.
 *
 * @since 0.1.0
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

  /** The shortest time a limiter is kept unused, whatever its period. */
  private static final Duration MINIMUM_IDLE = Duration.ofHours(1);
  private static final long MINIMUM_IDLE_NANOS = MINIMUM_IDLE.toNanos();

  private final Cache<RateLimitKey, Limiter> limiters;
  private final ConcurrentHashMap<RateLimitKey, Instant> pauses = new ConcurrentHashMap<>();

  InMemoryRateLimitStore() {
    this(Ticker.systemTicker());
  }

  /**
   * @param ticker when limiters are dropped for being unused (tests move it); the limiters themselves still count
   *     their periods on {@code System.nanoTime}, so moving it never frees a permit
   */
  InMemoryRateLimitStore(Ticker ticker) {
    this.limiters = Caffeine.newBuilder()
        .maximumSize(100_000)
        .executor(Runnable::run)
        .ticker(Objects.requireNonNull(ticker, "ticker"))
        .expireAfter(new Expiry<RateLimitKey, Limiter>() {
          @Override
          public long expireAfterCreate(RateLimitKey key, Limiter l, long currentTime) {
            return idleNanos(l.limit);
          }

          @Override
          public long expireAfterUpdate(RateLimitKey key, Limiter l, long currentTime, long currentDuration) {
            return idleNanos(l.limit);
          }

          @Override
          public long expireAfterRead(RateLimitKey key, Limiter l, long currentTime, long currentDuration) {
            return idleNanos(l.limit);
          }
        })
        .build();
  }

  /**
   * @return how long a limiter of this limit is kept unused: the longer of its period and an hour. A bursty
   *     limiter unused for a whole period is in a later period with all its permits, so a new limiter in its place
   *     grants as many now and refills no sooner: equivalent or stricter, never a second burst within a period
   */
  private static long idleNanos(RateLimit limit) {
    Duration period = limit.period();
    if (period.compareTo(MINIMUM_IDLE) <= 0) {
      return MINIMUM_IDLE_NANOS;
    }
    try {
      return period.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // about 292 years or more: kept as long as Caffeine keeps anything
    }
  }

  @Override
  public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
    Optional<Instant> paused = pausedUntil(key, now);
    if (paused.isPresent()) {
      return new RateLimitDecision.Paused(paused.get());
    }
    Limiter l = limiters.getIfPresent(key);
    if (l == null || !l.limit.equals(limit)) {
      l = limiters.asMap().compute(key, (k, existing) ->
          existing != null && existing.limit.equals(limit) ? existing : new Limiter(limit));
    }
    return l.limiter.tryAcquirePermit() ? RateLimitDecision.granted()
        : new RateLimitDecision.Exhausted(now.plus(limit.interval()));
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

  @Override
  public String toString() {
    return "InMemoryRateLimitStore[" + limiters.estimatedSize() + " limiters, " + pauses.size() + " pauses]";
  }

  private static final class Limiter {
    final RateLimit limit;
    final RateLimiter<Object> limiter;

    Limiter(RateLimit limit) {
      this.limit = limit;
      this.limiter = RateLimiter.burstyBuilder(limit.permits(), limit.period()).build();
    }
  }
}
