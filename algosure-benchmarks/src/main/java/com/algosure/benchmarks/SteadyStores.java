package com.algosure.benchmarks;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import java.time.Duration;

/**
 * Brings a fresh in-memory idempotency store to the shape of one that has been running: its hash table grown
 * for the keys it will hold, and empty. A store serving calls for a while keeps its table at that size (records
 * expire as new ones arrive); a store built for a benchmark's few thousand calls would grow its table during
 * the timed calls instead, several times over, which no long-running store does.
 */
public final class SteadyStores {

  private static final IdempotencyKey SCOPE = new IdempotencyKey(TenantId.of("warm-up"), ProviderId.of("warm-up"),
      "warm:up", "0");

  private SteadyStores() {}

  /**
   * Claims and releases {@code keys} keys of a scope no benchmark uses, outside the timed part.
   *
   * @param store a fresh store
   * @param keys how many keys it will hold at most while measured
   * @return the store, holding nothing, its table grown for {@code keys} keys
   */
  public static InMemoryIdempotencyStore grown(InMemoryIdempotencyStore store, int keys) {
    Duration ttl = Duration.ofMinutes(1);
    IdempotencyKey[] claimed = new IdempotencyKey[keys];
    for (int i = 0; i < keys; i++) {
      claimed[i] = new IdempotencyKey(SCOPE.tenant(), SCOPE.provider(), SCOPE.action(), Integer.toString(i));
      if (!(store.claim(claimed[i], "warm-up", "warm-up", ttl) instanceof ClaimResult.Claimed)) {
        throw new IllegalStateException("the store did not take warm-up key " + i);
      }
    }
    for (IdempotencyKey k : claimed) {
      store.release(k, "warm-up");
    }
    if (store.size() != 0) {
      throw new IllegalStateException("the store still holds " + store.size() + " keys after the warm-up");
    }
    return store;
  }
}
