package com.algosure.integration.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Reserves idempotency keys so that a call, its retries and its duplicates never cause a second effect.
 *
 * <p>Each method is one atomic operation (in Redis: one script; in SQL: one statement), so concurrent
 * callers with the same key see exactly one {@link ClaimResult.Claimed}. A record lives until its time to
 * live ends; an expired record is as good as absent.
 *
 * <p>Implementations must be thread-safe. Throwing or returning null fails the call closed
 * ({@code IDEMPOTENCY_UNAVAILABLE}) before anything is sent.
 *
 * @since 0.1.0
 */
public interface IdempotencyStore {

  /**
   * Claims a key for one call.
   *
   * @param key the scoped key
   * @param fingerprint the request's fingerprint ({@code IntegrationRequest#fingerprint()}: payload, content type, endpoint override)
   * @param owner an id unique to the claiming call; only it may complete or release the key
   * @param ttl how long the reservation holds if its owner never completes it
   * @return {@code Claimed} if the key was free or expired, or is held by this owner with this fingerprint (a
   *     claim retried after its reply was lost; the reservation's expiry is left as it was);
   *     {@code FingerprintMismatch} if it is held or completed with another fingerprint; {@code InFlight} if
   *     another owner holds it; {@code Completed} with the first outcome otherwise
   */
  ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl);

  /**
   * Completes a claimed key with the call's outcome, which later duplicates receive.
   *
   * @param key the key
   * @param owner the owner that claimed it
   * @param outcome the outcome: from the {@code IntegrationGuard} a {@link com.algosure.integration.StoredOutcome}
   *     (the first outcome without its request and payload), from the {@code CallbackGuard} a
   *     {@code CallbackOutcome}
   * @param ttl how long the completed record is kept
   * @return false if the key is not held by that owner (expired or taken over), so nothing changed
   */
  boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl);

  /**
   * Releases a claimed key whose call had no effect (denied, rate limited, failed before or without an
   * effect), so that the caller can resubmit with the same key.
   *
   * @param key the key
   * @param owner the owner that claimed it
   * @return false if the key is not held by that owner, so nothing changed
   */
  boolean release(IdempotencyKey key, String owner);

  /**
   * Waits, at most {@code maxWait}, for an in-flight key to complete. The default waits not at all: a store
   * that cannot be notified (or polled cheaply) keeps it. The guard uses it only to wait, then claims the key again
   * for the answer: the outcome returned here compares no fingerprint, so it may be another request's where the
   * first claim expired meanwhile and another request took the key.
   *
   * @param key the key
   * @param maxWait the longest wait
   * @return the first outcome, or empty if the key did not complete in time (or was released)
   * @throws InterruptedException if the waiting thread is interrupted
   */
  default Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
    return Optional.empty();
  }

  /**
   * @param clock the clock for time to live
   * @return an in-memory store on Caffeine holding at most 200,000 live keys, at most 100,000 of them of one tenant
   *     (what the whole store held before tenants were bounded, so a single tenant keeps that room); at a bound a
   *     new key is refused ({@link IdempotencyStoreFullException}, or {@link IdempotencyTenantFullException} for
   *     the tenant's) until records expire, since no live record is ever evicted
   * @throws NullPointerException if {@code clock} is null
   */
  static InMemoryIdempotencyStore inMemory(Clock clock) {
    return new InMemoryIdempotencyStore(clock, InMemoryIdempotencyStore.DEFAULT_MAXIMUM_KEYS,
        InMemoryIdempotencyStore.DEFAULT_MAXIMUM_KEYS_PER_TENANT);
  }

  /**
   * @param clock the clock for time to live
   * @param maximumKeys how many live keys (in flight, or completed within their time to live) it holds at most; at
   *     that bound a new key is refused ({@link IdempotencyStoreFullException}) until records expire, since a
   *     live record is never evicted (a forgotten key would let a duplicate run twice). A tenant holds at most half
   *     of them, rounded up ({@link IdempotencyTenantFullException}), so one tenant never fills the store for the
   *     others; a store that serves one tenant only sets its per-tenant bound to {@code maximumKeys} with
   *     {@link #inMemory(Clock, long, long)}
   * @return an in-memory store on Caffeine
   * @throws IllegalArgumentException if {@code maximumKeys} is below 1
   * @throws NullPointerException if {@code clock} is null
   */
  static InMemoryIdempotencyStore inMemory(Clock clock, long maximumKeys) {
    return new InMemoryIdempotencyStore(clock, maximumKeys, maximumKeys - maximumKeys / 2);
  }

  /**
   * @param clock the clock for time to live
   * @param maximumKeys how many live keys (in flight, or completed within their time to live) it holds at most, all
   *     tenants together; at that bound a new key is refused ({@link IdempotencyStoreFullException}) until records
   *     expire, since a live record is never evicted (a forgotten key would let a duplicate run twice)
   * @param maximumKeysPerTenant how many live keys one tenant holds at most; at that bound a new key of the tenant
   *     is refused ({@link IdempotencyTenantFullException}) while other tenants' keys are still taken. Below
   *     {@code maximumKeys}, so one tenant's flood leaves room for the others; equal to it only where the store
   *     serves one tenant
   * @return an in-memory store on Caffeine
   * @throws IllegalArgumentException if {@code maximumKeys} or {@code maximumKeysPerTenant} is below 1, or
   *     {@code maximumKeysPerTenant} is above {@code maximumKeys}
   * @throws NullPointerException if {@code clock} is null
   * @since 0.1.0
   */
  static InMemoryIdempotencyStore inMemory(Clock clock, long maximumKeys, long maximumKeysPerTenant) {
    return new InMemoryIdempotencyStore(clock, maximumKeys, maximumKeysPerTenant);
  }
}
