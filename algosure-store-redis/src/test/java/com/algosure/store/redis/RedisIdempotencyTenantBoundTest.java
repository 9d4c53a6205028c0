package com.algosure.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStoreFullException;
import com.algosure.integration.spi.IdempotencyTenantFullException;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.testing.MutableClock;
import com.algosure.testing.Race;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis idempotency store is shared by every tenant, and Redis (with {@code noeviction}) refuses every claim
 * once its memory is full: one tenant's keys (a flood of fresh keys, or heavy use within the time to live) must
 * not fill it for the others. Each tenant holds at most its own bound of live keys, counted exactly, atomically
 * across instances, as records are claimed, released, completed and expire.
 */
class RedisIdempotencyTenantBoundTest {

  static final Duration TTL = Duration.ofHours(1);
  static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static RedisFixture fixture;
  private static RedisStoreConnection redis;
  private static RedisStoreConnection otherInstance;

  final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");

  @BeforeAll
  static void connect() {
    fixture = new RedisFixture(RedisIdempotencyTenantBoundTest.class);
    redis = fixture.connect();
    otherInstance = fixture.connect();
  }

  @AfterAll
  static void cleanUp() {
    redis.close();
    otherInstance.close();
    fixture.close();
  }

  /** Tenant names unique to one test, so tests sharing the class's prefix never count each other's keys. */
  private static String tenant(String name) {
    return name + "-" + Long.toHexString(System.nanoTime());
  }

  private static IdempotencyKey key(String tenant, String k) {
    return new IdempotencyKey(TenantId.of(tenant), ProviderId.of("p"), "mail:send", k);
  }

  private RedisIdempotencyStore store(RedisStoreConnection connection, long maximumKeysPerTenant) {
    return RedisIdempotencyStore.builder(connection).clock(clock).maximumKeysPerTenant(maximumKeysPerTenant).build();
  }

  /** @return how many keys of the tenant the bound counts now (live members of its set) */
  private long counted(RedisIdempotencyStore store, String tenant) {
    return fixture.redis().zcount(store.tenantKey(TenantId.of(tenant)),
        Range.create(clock.millis() + 1, Double.POSITIVE_INFINITY));
  }

  /** @return how many members the tenant's set holds, live or not yet pruned */
  private long members(RedisIdempotencyStore store, String tenant) {
    return fixture.redis().zcard(store.tenantKey(TenantId.of(tenant)));
  }

  /**
   * Attack: tenant A floods the shared Redis with fresh keys through two service instances; before, nothing stopped
   * it short of Redis's maxmemory, and then every tenant's claim failed (OOM) with it.
   */
  @Test
  void claimWhenOneTenantFloodsThroughTwoInstancesThenItIsStoppedAtItsBoundAndAnotherTenantStillClaims() {
    String a = tenant("tenant-a");
    String b = tenant("tenant-b");
    RedisIdempotencyStore one = store(redis, 50);
    RedisIdempotencyStore two = store(otherInstance, 50);
    int claimedByA = 0;
    IdempotencyStoreFullException refused = null;
    for (int i = 0; i < 200 && refused == null; i++) {
      try {
        (i % 2 == 0 ? one : two).claim(key(a, "flood-" + i), SHA, "attacker", TTL);
        claimedByA++;
      } catch (IdempotencyStoreFullException e) {
        refused = e;
      }
    }

    assertThat(refused).as("tenant A is stopped").isInstanceOf(IdempotencyTenantFullException.class);
    assertThat(claimedByA).as("tenant A holds its bound, across both instances").isEqualTo(50);
    assertThat(counted(one, a)).isEqualTo(50);
    for (int i = 0; i < 50; i++) {
      assertThat((i % 2 == 0 ? two : one).claim(key(b, "legit-" + i), SHA, "owner-" + i, TTL))
          .as("tenant B's key %d", i).isSameAs(ClaimResult.claimed());
    }
    assertThat(one.claim(key(a, "flood-0"), SHA, "someone", TTL)).as("A's live keys are kept")
        .isSameAs(ClaimResult.inFlight());
  }

  @Test
  void claimWhenTwoInstancesRaceForOneTenantsLastRoomThenExactlyTheBoundIsClaimed() throws Exception {
    String a = tenant("tenant-a");
    RedisIdempotencyStore one = store(redis, 100);
    RedisIdempotencyStore two = store(otherInstance, 100);

    List<String> claimed = Race.gather(8, thread -> {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String k = "t" + thread + "-" + i;
        try {
          (thread % 2 == 0 ? one : two).claim(key(a, k), SHA, "owner", TTL);
          mine.add(k);
        } catch (IdempotencyTenantFullException e) {
          // refused at the bound
        }
      }
      return mine;
    });

    assertThat(claimed).hasSize(100);
    assertThat(counted(one, a)).isEqualTo(100);
  }

  @Test
  void claimWhenATenantHoldsItsBoundThenTheExceptionNamesTheTenantAndTheRedisStoresBound() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 2);
    store.claim(key(a, "1"), SHA, "o", TTL);
    store.claim(key(a, "2"), SHA, "o", TTL);

    assertThatThrownBy(() -> store.claim(key(a, "3"), SHA, "o", TTL))
        .isInstanceOfSatisfying(IdempotencyTenantFullException.class, e -> {
          assertThat(e.tenant()).isEqualTo(a);
          assertThat(e.maximumKeysPerTenant()).isEqualTo(2);
          assertThat(e.maximumKeys()).as("no key count bounds the whole Redis store").isEqualTo(Long.MAX_VALUE);
        })
        .hasMessage("tenant '" + a + "' holds its maximum of 2 live keys in the Redis idempotency store (in flight or"
            + " completed within their time to live), so its new key is refused rather than letting one tenant fill"
            + " Redis for every other; other tenants are still served: raise maximumKeysPerTenant"
            + " (RedisIdempotencyStore.builder(redis).maximumKeysPerTenant(n)), or shorten the time to live"
            + " (ProviderPolicy idempotencyTtl, CallbackGuard dedupeTtl)");
    assertThat(counted(store, a)).as("the refused key is not counted").isEqualTo(2);
    assertThat(fixture.redis().exists(store.recordKey(key(a, "3")))).as("nor written").isZero();
  }

  @Test
  void claimWhenATenantHoldsItsBoundThenItsHeldKeysStillAnswerAsBefore() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 2);
    store.claim(key(a, "held"), SHA, "owner-1", TTL);
    store.claim(key(a, "done"), SHA, "owner-1", TTL);
    store.complete(key(a, "done"), "owner-1", "outcome", TTL);

    assertThat(store.claim(key(a, "held"), SHA, "owner-1", TTL)).as("its owner again").isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key(a, "held"), SHA, "owner-2", TTL)).isSameAs(ClaimResult.inFlight());
    assertThat(store.claim(key(a, "held"), "sha256:other", "owner-2", TTL)).isSameAs(ClaimResult.fingerprintMismatch());
    assertThat(store.claim(key(a, "done"), SHA, "owner-2", TTL)).isInstanceOf(ClaimResult.Completed.class);
    assertThat(counted(store, a)).isEqualTo(2);
  }

  @Test
  void claimWhenTheTenantsKeysExpireThenTheyLeaveItsCountAndTheSetIsPruned() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 3);
    for (int i = 0; i < 3; i++) {
      store.claim(key(a, "short-" + i), SHA, "o", Duration.ofSeconds(10));
    }
    assertThatThrownBy(() -> store.claim(key(a, "new"), SHA, "o", TTL)).isInstanceOf(IdempotencyTenantFullException.class);

    clock.advance(Duration.ofSeconds(10));

    assertThat(counted(store, a)).isZero();
    assertThat(store.claim(key(a, "new"), SHA, "o", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(members(store, a)).as("expired members pruned by the claim").isEqualTo(1);
    assertThat(store.claim(key(a, "short-0"), SHA, "o2", TTL)).as("an expired key claimed again is counted once")
        .isSameAs(ClaimResult.claimed());
    assertThat(counted(store, a)).isEqualTo(2);
    assertThat(members(store, a)).isEqualTo(2);
  }

  @Test
  void claimWhenATenantAtItsBoundClaimsAKeyWhoseRecordWasDeletedByHandThenItIsCountedOnceNotRefused() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 2);
    store.claim(key(a, "1"), SHA, "o", TTL);
    store.claim(key(a, "2"), SHA, "o", TTL);
    fixture.redis().del(store.recordKey(key(a, "1"))); // its member in the tenant's set stays, still live

    assertThat(store.claim(key(a, "1"), SHA, "o2", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(counted(store, a)).isEqualTo(2);
    assertThatThrownBy(() -> store.claim(key(a, "3"), SHA, "o", TTL)).isInstanceOf(IdempotencyTenantFullException.class);
  }

  @Test
  void releaseWhenTheOwnerReleasesThenTheKeyLeavesItsTenantsCountAndMakesRoom() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 2);
    store.claim(key(a, "1"), SHA, "owner-1", TTL);
    store.claim(key(a, "2"), SHA, "owner-2", TTL);

    assertThat(store.release(key(a, "1"), "someone-else")).isFalse();
    assertThat(counted(store, a)).as("a refused release changes nothing").isEqualTo(2);
    assertThat(store.release(key(a, "1"), "owner-1")).isTrue();

    assertThat(counted(store, a)).isEqualTo(1);
    assertThat(members(store, a)).isEqualTo(1);
    assertThat(store.claim(key(a, "3"), SHA, "owner-3", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.release(key(a, "2"), "owner-2")).isTrue();
    assertThat(store.release(key(a, "3"), "owner-3")).isTrue();
    assertThat(fixture.redis().exists(store.tenantKey(TenantId.of(a)))).as("the last release removes the set").isZero();
  }

  @Test
  void completeWhenTheKeyIsCompletedThenItStaysCountedForItsNewTimeToLiveLongerOrShorter() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 2);
    store.claim(key(a, "longer"), SHA, "o", Duration.ofMinutes(1));
    store.claim(key(a, "shorter"), SHA, "o", Duration.ofMinutes(10));
    assertThat(store.complete(key(a, "longer"), "o", "outcome", Duration.ofMinutes(30))).isTrue();
    assertThat(store.complete(key(a, "shorter"), "o", "outcome", Duration.ofMinutes(5))).isTrue();
    assertThat(counted(store, a)).as("a completion adds no key").isEqualTo(2);

    clock.advance(Duration.ofMinutes(5));
    assertThat(counted(store, a)).as("the shorter completion's key expired with its record").isEqualTo(1);
    assertThat(store.claim(key(a, "new"), SHA, "o", Duration.ofMinutes(30))).isSameAs(ClaimResult.claimed());

    clock.advance(Duration.ofMinutes(20)); // past the first claim's minute: its completed record still holds the key
    assertThat(store.claim(key(a, "longer"), SHA, "o2", TTL)).isInstanceOf(ClaimResult.Completed.class);
    assertThatThrownBy(() -> store.claim(key(a, "another"), SHA, "o", TTL))
        .as("the longer completion's key still counts").isInstanceOf(IdempotencyTenantFullException.class);
  }

  @Test
  void tenantSetWhenWrittenThenItLivesExactlyAsLongAsItsLongestLivedRecord() {
    String a = tenant("tenant-a");
    RedisIdempotencyStore store = store(redis, 10);
    String set = store.tenantKey(TenantId.of(a));
    store.claim(key(a, "1"), SHA, "o", Duration.ofSeconds(30));
    store.claim(key(a, "2"), SHA, "o", Duration.ofMinutes(10));
    assertThat(fixture.redis().pttl(set)).as("the 10-minute record's 11 minutes in Redis").isBetween(655_000L, 660_000L)
        .isGreaterThanOrEqualTo(fixture.redis().pttl(store.recordKey(key(a, "2"))));

    store.complete(key(a, "2"), "o", "outcome", Duration.ofSeconds(5)); // the longest now the 30 s claim

    assertThat(fixture.redis().pttl(set)).as("shortened to the 30-second record's 90 seconds").isBetween(85_000L, 90_000L)
        .isGreaterThanOrEqualTo(fixture.redis().pttl(store.recordKey(key(a, "1"))));
  }

  @Test
  void keysWhenOneScriptTouchesTheRecordAndTheTenantsSetThenTheyShareARedisClusterSlot() {
    RedisIdempotencyStore store = store(redis, 10);
    IdempotencyKey k = key("tenant-a", "slot");

    assertThat(SlotHash.getSlot(store.recordKey(k))).isEqualTo(SlotHash.getSlot(store.tenantKey(k.tenant())));
    assertThat(store.recordKey(k)).doesNotContain("tenant-a").doesNotContain("slot");
  }

  @Test
  void builderWhenMaximumKeysPerTenantIsInvalidOrSetTwiceThenRefusedAndTheDefaultIsTheInMemoryStoresBound() {
    assertThatThrownBy(() -> RedisIdempotencyStore.builder(redis).maximumKeysPerTenant(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("maximumKeysPerTenant must be at least 1, was 0");
    RedisIdempotencyStore.Builder b = RedisIdempotencyStore.builder(redis).maximumKeysPerTenant(5);
    assertThatThrownBy(() -> b.maximumKeysPerTenant(6)).isInstanceOf(IllegalStateException.class)
        .hasMessage("maximumKeysPerTenant was already set");

    assertThat(b.build().maximumKeysPerTenant()).isEqualTo(5);
    assertThat(RedisIdempotencyStore.builder(redis).build().maximumKeysPerTenant()).isEqualTo(100_000)
        .isEqualTo(RedisIdempotencyStore.DEFAULT_MAXIMUM_KEYS_PER_TENANT)
        .isEqualTo(InMemoryIdempotencyStore.DEFAULT_MAXIMUM_KEYS_PER_TENANT);
  }
}
