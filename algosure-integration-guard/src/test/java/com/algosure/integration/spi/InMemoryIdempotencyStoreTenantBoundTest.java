package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.testing.MutableClock;
import com.algosure.testing.Race;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The in-memory idempotency store is shared by every tenant: one tenant's keys (a flood of fresh keys, or heavy
 * use within the time to live) must not fill it for the others. Each tenant holds at most its own bound of live
 * keys, counted exactly as records are claimed, released, completed and expire.
 */
class InMemoryIdempotencyStoreTenantBoundTest {

  static final Duration TTL = Duration.ofHours(1);
  static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");

  static IdempotencyKey key(String tenant, String k) {
    return new IdempotencyKey(TenantId.of(tenant), ProviderId.of("p"), "mail:send", k);
  }

  /** Attack: tenant A floods the shared store with fresh keys; before, it filled the store and B's calls failed too. */
  @Test
  void claimWhenOneTenantFloodsTheStoreThenItIsStoppedAtItsOwnBoundAndAnotherTenantStillClaims() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 1_000);
    int claimedByA = 0;
    IdempotencyStoreFullException refused = null;
    for (int i = 0; i < 1_000 && refused == null; i++) {
      try {
        store.claim(key("tenant-a", "flood-" + i), SHA, "attacker", TTL);
        claimedByA++;
      } catch (IdempotencyStoreFullException e) {
        refused = e;
      }
    }

    assertThat(refused).as("tenant A is stopped").isNotNull();
    assertThat(claimedByA).as("by default a tenant holds at most half of the store").isEqualTo(500);
    for (int i = 0; i < 500; i++) {
      assertThat(store.claim(key("tenant-b", "legit-" + i), SHA, "owner-" + i, TTL)).as("tenant B's key %d", i)
          .isSameAs(ClaimResult.claimed());
    }
  }

  @Test
  void claimWhenATenantHoldsItsBoundThenTheExceptionNamesTheTenantsBoundNotTheStores() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 2);
    store.claim(key("tenant-a", "1"), SHA, "o", TTL);
    store.claim(key("tenant-a", "2"), SHA, "o", TTL);

    assertThatThrownBy(() -> store.claim(key("tenant-a", "3"), SHA, "o", TTL))
        .isInstanceOfSatisfying(IdempotencyTenantFullException.class, e -> {
          assertThat(e.tenant()).isEqualTo("tenant-a");
          assertThat(e.maximumKeysPerTenant()).isEqualTo(2);
          assertThat(e.maximumKeys()).isEqualTo(10);
        })
        .hasMessage("tenant 'tenant-a' holds its maximum of 2 live keys in the in-memory idempotency store (in flight"
            + " or completed within their time to live), so its new key is refused rather than evicting a live one,"
            + " which could let a duplicate run twice; other tenants are still served: raise maximumKeysPerTenant"
            + " (IdempotencyStore.inMemory(clock, maximumKeys, maximumKeysPerTenant), in Spring"
            + " algosure.idempotency.maximum-keys-per-tenant), shorten the time to live (ProviderPolicy"
            + " idempotencyTtl, CallbackGuard dedupeTtl), or use a distributed store");
    assertThat(store.size(TenantId.of("tenant-a"))).isEqualTo(2);
    assertThat(store.claim(key("tenant-a", "1"), SHA, "someone", TTL)).as("its live keys are kept")
        .isSameAs(ClaimResult.inFlight());
  }

  @Test
  void claimWhenTheStoreIsFullBeforeTheTenantsBoundThenTheStoresBoundIsNamed() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 3, 2);
    store.claim(key("tenant-a", "1"), SHA, "o", TTL);
    store.claim(key("tenant-b", "1"), SHA, "o", TTL);
    store.claim(key("tenant-c", "1"), SHA, "o", TTL);

    assertThatThrownBy(() -> store.claim(key("tenant-d", "1"), SHA, "o", TTL))
        .isExactlyInstanceOf(IdempotencyStoreFullException.class)
        .hasMessageContaining("maximum of 3 live keys");
  }

  @Test
  void aTenantsCountDropsWhenItsRecordsAreReleasedOrExpireAndNotWhenTheyComplete() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 2);
    TenantId a = TenantId.of("tenant-a");
    store.claim(key("tenant-a", "released"), SHA, "o", TTL);
    store.claim(key("tenant-a", "short"), SHA, "o", Duration.ofSeconds(10));
    assertThat(store.size(a)).isEqualTo(2);

    assertThat(store.release(key("tenant-a", "released"), "o")).isTrue();
    assertThat(store.size(a)).isEqualTo(1);
    assertThat(store.release(key("tenant-a", "released"), "o")).as("released once, counted once").isFalse();
    assertThat(store.size(a)).isEqualTo(1);

    assertThat(store.claim(key("tenant-a", "long"), SHA, "o", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.complete(key("tenant-a", "long"), "o", "outcome", TTL)).isTrue();
    assertThat(store.size(a)).as("a completed record is still live").isEqualTo(2);
    assertThatThrownBy(() -> store.claim(key("tenant-a", "new"), SHA, "o", TTL)).isInstanceOf(IdempotencyTenantFullException.class);

    clock.advance(Duration.ofSeconds(15));

    assertThat(store.claim(key("tenant-a", "new"), SHA, "o", TTL)).as("the short record expired").isSameAs(ClaimResult.claimed());
    assertThat(store.size(a)).isEqualTo(2);
    assertThatThrownBy(() -> store.claim(key("tenant-a", "short"), SHA, "o", TTL)).as("expired, and the tenant is at its bound again")
        .isInstanceOf(IdempotencyTenantFullException.class);
  }

  @Test
  void aTenantsCountIsUnchangedWhenAnExpiredKeyIsClaimedAgain() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 2);
    store.claim(key("tenant-a", "k"), SHA, "o", Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(15));

    assertThat(store.claim(key("tenant-a", "k"), SHA, "o2", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key("tenant-a", "k2"), SHA, "o2", TTL)).isSameAs(ClaimResult.claimed());

    assertThat(store.size(TenantId.of("tenant-a"))).isEqualTo(2);
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void claimWhenThreadsOfOneTenantRaceForItsLastRoomThenExactlyItsBoundIsClaimedAndOthersAreServed() throws Exception {
    int threads = 8;
    int keysEach = 1_000;
    int perTenant = 2_000;
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 100_000, perTenant);
    List<String> claimed = Race.gather(threads, thread -> {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < keysEach; i++) {
        String k = "t" + thread + "-" + i;
        // every thread also claims and releases, and claims and completes, keys of tenants of its own
        IdempotencyKey other = key("other-" + thread, k);
        if (!(store.claim(other, SHA, "o", TTL) instanceof ClaimResult.Claimed)) {
          throw new AssertionError("another tenant was refused: " + other);
        }
        if (i % 2 == 0) {
          store.release(other, "o");
        } else {
          store.complete(other, "o", "done", TTL);
        }
        try {
          if (store.claim(key("flood", k), SHA, "owner-" + k, TTL) instanceof ClaimResult.Claimed) {
            mine.add(k);
          }
        } catch (IdempotencyTenantFullException full) {
          // refused: the tenant is at its bound
        }
      }
      return mine;
    });

    assertThat(claimed).as("the tenant's bound is exact under concurrency").hasSize(perTenant);
    assertThat(store.size(TenantId.of("flood"))).isEqualTo(perTenant);
    for (int t = 0; t < threads; t++) {
      assertThat(store.size(TenantId.of("other-" + t))).as("completed keys of other-%d", t).isEqualTo(keysEach / 2);
    }
    assertThat(store.size()).isEqualTo(perTenant + threads * keysEach / 2L);
    for (String k : claimed) {
      assertThat(store.claim(key("flood", k), SHA, "someone-else", TTL)).as(k).isSameAs(ClaimResult.inFlight());
    }
  }

  @Test
  void aTenantsCountStaysExactWhenItsRecordsExpireWhileThreadsClaimAndRelease() throws Exception {
    int threads = 4;
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 100_000, 100_000);
    // records that expire while the threads run: their removal (Caffeine's, on any thread) counts as well
    for (int i = 0; i < 5_000; i++) {
      store.claim(key("tenant-a", "old-" + i), SHA, "o", Duration.ofSeconds(5));
    }
    clock.advance(Duration.ofSeconds(10));
    List<String> kept = Race.gather(threads, thread -> {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String k = "new-" + thread + "-" + i;
        store.claim(key("tenant-a", k), SHA, "o", TTL);
        if (i % 3 == 0) {
          store.release(key("tenant-a", k), "o");
        } else {
          mine.add(k);
        }
        // half of the old keys are claimed again meanwhile: an expired record taken over counts once
        if (thread == 0 && i < 2_500) {
          store.claim(key("tenant-a", "old-" + (2 * i)), SHA, "o", TTL);
          mine.add("old-" + (2 * i));
        }
      }
      return mine;
    });

    assertThat(store.size(TenantId.of("tenant-a"))).isEqualTo(kept.size()).isEqualTo(store.size());
  }

  @Test
  void inMemoryWhenTheBoundsAreInvalidThenFailsFastNamingThem() {
    assertThatThrownBy(() -> IdempotencyStore.inMemory(clock, 10, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumKeysPerTenant must be at least 1, was 0");
    assertThatThrownBy(() -> IdempotencyStore.inMemory(clock, 10, 11)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumKeysPerTenant must be at most maximumKeys (10), was 11");
    assertThatThrownBy(() -> IdempotencyStore.inMemory(clock, 0, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumKeys must be at least 1, was 0");
  }

  @Test
  void inMemoryDefaultsKeepASingleTenantsRoomAndHalveTheStoreForOneTenant() {
    InMemoryIdempotencyStore defaults = IdempotencyStore.inMemory(clock);
    assertThat(defaults.maximumKeys()).isEqualTo(200_000);
    assertThat(defaults.maximumKeysPerTenant()).isEqualTo(100_000);
    assertThat(IdempotencyStore.inMemory(clock, 7).maximumKeysPerTenant()).isEqualTo(4);
    assertThat(IdempotencyStore.inMemory(clock, 1).maximumKeysPerTenant()).isEqualTo(1);
    assertThat(IdempotencyStore.inMemory(clock, 10, 10).maximumKeysPerTenant()).isEqualTo(10);
  }
}
