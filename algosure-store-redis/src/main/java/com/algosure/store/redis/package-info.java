/**
 * Redis-backed state for the integration guard, over Lettuce: {@link com.algosure.store.redis.RedisRateLimitStore}
 * (a sliding-window limit per tenant × provider shared by every instance, and provider pauses) and
 * {@link com.algosure.store.redis.RedisIdempotencyStore} (atomic claims with an owner token and a time to
 * live, stored outcomes). Every operation is one atomic round trip: a Lua script, loaded once and run with
 * {@code EVALSHA}, or a single read. Both share one {@link com.algosure.store.redis.RedisStoreConnection}.
 *
 * <p>Depends on the integration guard's SPIs ({@code com.algosure.integration.spi}) and Lettuce.
 */
@NullMarked
package com.algosure.store.redis;

import org.jspecify.annotations.NullMarked;
