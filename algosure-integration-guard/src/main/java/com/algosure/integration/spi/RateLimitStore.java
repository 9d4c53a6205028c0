package com.algosure.integration.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * The state behind rate limiting: permits per key, and pauses a provider asked for. Every attempt of a
 * call (retries included) takes a permit; a pause ({@code 429} with {@code Retry-After}) stops every call
 * for that key until it ends.
 *
 * <p>Implementations must be thread-safe, and each method is one atomic operation (in Redis: one script
 * that checks the pause and takes a token). Throwing or returning null fails the call closed.
 *
 * @since 0.1.0
 */
public interface RateLimitStore {

  /**
   * Checks the key's pause and, if not paused, takes one permit under the limit.
   *
   * @param key the key
   * @param limit the key's limit (the same for a key on every call)
   * @param now the guard's current time, for the pause
   * @return granted, paused (no permit taken) or exhausted (no permit taken)
   */
  RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now);

  /**
   * @param key the key
   * @param now the guard's current time
   * @return when the key's pause ends, if it is paused at that time
   */
  Optional<Instant> pausedUntil(RateLimitKey key, Instant now);

  /**
   * Pauses a key until a time; a pause is only ever extended, never shortened.
   *
   * @param key the key
   * @param until when the pause ends
   */
  void pause(RateLimitKey key, Instant until);

  /**
   * @return an in-memory store whose permits are Failsafe {@code RateLimiter}s, one per key, holding at most
   *     100,000 live keys; at that bound a new key is refused ({@link RateLimitStoreFullException}) until limiters
   *     go unused long enough to be dropped, since no live limiter is ever evicted
   */
  static InMemoryRateLimitStore inMemory() {
    return new InMemoryRateLimitStore(InMemoryRateLimitStore.DEFAULT_MAXIMUM_KEYS);
  }

  /**
   * @param maximumKeys how many live keys (each used within the longer of its limit's period and an hour) it
   *     holds at most; at that bound a new key is refused ({@link RateLimitStoreFullException}) until limiters go
   *     unused long enough to be dropped, since a live limiter is never evicted (a dropped limiter would start
   *     again with its full permits)
   * @return an in-memory store whose permits are Failsafe {@code RateLimiter}s, one per key
   * @throws IllegalArgumentException if {@code maximumKeys} is below 1
   */
  static InMemoryRateLimitStore inMemory(long maximumKeys) {
    return new InMemoryRateLimitStore(maximumKeys);
  }
}
