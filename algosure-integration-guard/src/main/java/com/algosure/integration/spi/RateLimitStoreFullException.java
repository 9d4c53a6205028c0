package com.algosure.integration.spi;

import com.algosure.integration.IntegrationException;

/**
 * A bounded rate-limit store holds as many live limiters (keys used within their idle time) as it may, so it
 * refuses a new key rather than evict a live limiter: an evicted limiter would start again with its full
 * permits, letting that key make more calls than its limit allows. The guard turns this into
 * {@code FAILED (RATE_LIMIT_UNAVAILABLE)} before anything is sent. Keys the store already holds keep working.
 *
 * <p>What to do: raise the store's maximum, or use a distributed store (Redis).
 *
 * @since 0.1.0
 */
public class RateLimitStoreFullException extends IntegrationException {

  private static final long serialVersionUID = 1L;

  private final long maximumKeys;

  /** @param maximumKeys the store's maximum number of live keys */
  public RateLimitStoreFullException(long maximumKeys) {
    super("the in-memory rate-limit store holds its maximum of " + maximumKeys + " live keys (each used within the"
        + " longer of its limit's period and an hour), so a new key is refused rather than evicting a live limiter,"
        + " which would reset that key's count and permit more calls than its limit: raise maximumKeys"
        + " (RateLimitStore.inMemory(maximumKeys), in Spring algosure.rate-limit.maximum-keys) or use the Redis store");
    this.maximumKeys = maximumKeys;
  }

  /** @return the store's maximum number of live keys */
  public long maximumKeys() {
    return maximumKeys;
  }
}
