package com.algosure.integration.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.failsafe.RateLimiter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link RateLimitStore} in memory: each key's permits are a bursty Failsafe {@link RateLimiter}, built
 * once per key and limit; pauses are kept per key. Limiters of keys unused for an hour are dropped.
 * Thread-safe; not shared between processes.
 *
 * <p>Failsafe's limiter measures its periods with {@code System.nanoTime}, not with the guard's clock;
 * pauses use the guard's clock.
 *
 * @since 0.1.0
 */
public final class InMemoryRateLimitStore implements RateLimitStore {

  private final Cache<RateLimitKey, Limiter> limiters =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofHours(1)).maximumSize(100_000).executor(Runnable::run).build();
  private final ConcurrentHashMap<RateLimitKey, Instant> pauses = new ConcurrentHashMap<>();

  InMemoryRateLimitStore() {}

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
