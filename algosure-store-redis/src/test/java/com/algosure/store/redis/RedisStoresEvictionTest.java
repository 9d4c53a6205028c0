package com.algosure.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis that evicts keys under memory pressure forgets claimed and completed keys before their time to live (a
 * duplicate is then sent again), and rate-limit windows and pauses (calls pass the limit): the stores refuse it.
 */
class RedisStoresEvictionTest {

  private static final Duration TTL = Duration.ofHours(1);

  private RedisServerProcess server;
  private RedisClient admin;
  private StatefulRedisConnection<String, String> adminConnection;

  @BeforeEach
  void start() throws Exception {
    server = RedisServerProcess.start();
    admin = RedisClient.create(server.uri());
    adminConnection = admin.connect();
  }

  @AfterEach
  void stop() throws Exception {
    adminConnection.close();
    admin.shutdown();
    server.close();
  }

  private static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of("acme"), ProviderId.of("authority"), "submit", k);
  }

  private void limitMemory(String policy) {
    adminConnection.sync().configSet("maxmemory", "4mb");
    adminConnection.sync().configSet("maxmemory-policy", policy);
  }

  @Test
  void buildWhenRedisEvictsKeysWithATimeToLiveThenRefusedNamingThePolicy() {
    limitMemory("volatile-lru");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      assertThatThrownBy(() -> RedisIdempotencyStore.builder(redis).build())
          .isInstanceOf(RedisStoreException.class)
          .hasMessage("Redis at 127.0.0.1:" + server.port + " evicts keys when it reaches maxmemory (maxmemory-policy "
              + "volatile-lru): an evicted idempotency record lets a duplicate be sent again; set maxmemory-policy to "
              + "noeviction, or maxmemory to 0");
    }
  }

  @Test
  void buildWhenRedisEvictsAnyKeyThenRefused() {
    limitMemory("allkeys-lru");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      assertThatThrownBy(() -> RedisIdempotencyStore.builder(redis).build())
          .isInstanceOf(RedisStoreException.class).hasMessageContaining("maxmemory-policy allkeys-lru");
    }
  }

  @Test
  void createWhenRedisEvictsThenTheRateLimitStoreIsRefusedToo() {
    limitMemory("allkeys-lfu");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      assertThatThrownBy(() -> RedisRateLimitStore.create(redis))
          .isInstanceOf(RedisStoreException.class)
          .hasMessage("Redis at 127.0.0.1:" + server.port + " evicts keys when it reaches maxmemory (maxmemory-policy "
              + "allkeys-lfu): an evicted window or pause lets calls past the rate limit; set maxmemory-policy to "
              + "noeviction, or maxmemory to 0");
    }
  }

  @Test
  void buildWhenEvictingButWithoutMaxmemoryThenBuilt() {
    adminConnection.sync().configSet("maxmemory-policy", "allkeys-lru"); // maxmemory 0: Redis never evicts
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      assertThat(RedisIdempotencyStore.builder(redis).build().claim(key("k"), "fp", "owner-1", TTL))
          .isInstanceOf(ClaimResult.Claimed.class);
    }
  }

  @Test
  void buildWhenRedisRefusesConfigGetThenBuiltAnyway() {
    limitMemory("noeviction");
    adminConnection.sync().aclSetuser("app", AclSetuserArgs.Builder.on().addPassword("app-pw")
        .allKeys().allCommands().removeCommand(CommandType.CONFIG));
    try (RedisStoreConnection redis = RedisStoreConnection.builder("redis://app:app-pw@127.0.0.1:" + server.port).build()) {
      assertThat(RedisIdempotencyStore.builder(redis).build().claim(key("k"), "fp", "owner-1", TTL))
          .isInstanceOf(ClaimResult.Claimed.class);
      assertThat(RedisRateLimitStore.create(redis).acquire(RateLimitKey.of(ProviderId.of("acme-mail"), TenantId.of("acme")),
          RateLimit.of(5, Duration.ofSeconds(1)), Instant.parse("2026-11-23T10:00:00Z")))
          .isEqualTo(RateLimitDecision.granted());
    }
  }

  @Test
  void claimWhenRedisIsPastMaxmemoryAndDoesNotEvictThenEveryEarlierClaimStillHolds() {
    limitMemory("noeviction");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      RedisIdempotencyStore store = RedisIdempotencyStore.builder(redis).build();
      assertThat(store.claim(key("first"), "fp", "owner-1", TTL)).isInstanceOf(ClaimResult.Claimed.class);
      String padding = "x".repeat(16 * 1024);

      for (int i = 0; i < 500; i++) { // 8 MB of records, twice maxmemory
        try {
          store.claim(key("k-" + i), padding, "owner-1", TTL);
        } catch (RedisStoreException e) {
          // refused for want of memory (OOM): the claim failed closed
        }
      }

      assertThat(store.claim(key("first"), "fp", "owner-2", TTL)).isInstanceOf(ClaimResult.InFlight.class);
    }
  }

  /**
   * Past maxmemory, a claim of a new key must be refused (OOM), or records pile up past the limit until the operating
   * system kills Redis and every record is lost. Redis checks a script's memory only up to its first write, and the
   * claim script's first write was a DEL (even of no key), so its HSET was never checked: claims kept being recorded.
   */
  @Test
  void claimWhenRedisIsPastMaxmemoryAndDoesNotEvictThenNewKeysAreRefusedAndMemoryStaysNearTheLimit() {
    limitMemory("noeviction");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      RedisIdempotencyStore store = RedisIdempotencyStore.builder(redis).build();
      String padding = "x".repeat(16 * 1024);
      int refused = 0;

      for (int i = 0; i < 500; i++) { // 8 MB of records, twice maxmemory
        try {
          store.claim(key("k-" + i), padding, "owner-1", TTL);
        } catch (RedisStoreException e) {
          refused++;
        }
      }

      assertThat(refused).as("claims refused past maxmemory").isGreaterThan(0);
      assertThat(usedMemory()).as("used memory, maxmemory being 4 MB").isLessThan(5L * 1024 * 1024);
    }
  }

  @Test
  void acquireWhenRedisIsPastMaxmemoryAndDoesNotEvictThenNewWindowsAreRefusedAndMemoryStaysNearTheLimit() {
    limitMemory("noeviction");
    try (RedisStoreConnection redis = RedisStoreConnection.builder(server.uri()).build()) {
      RedisRateLimitStore store = RedisRateLimitStore.create(redis);
      RateLimit many = RateLimit.of(1_000_000, Duration.ofHours(1));
      int refused = 0;

      for (int i = 0; i < 100_000; i++) { // about 10 MB of permits, over twice maxmemory
        try {
          store.acquire(RateLimitKey.providerWide(ProviderId.of("authority")), many, Instant.now());
        } catch (RedisStoreException e) {
          refused++;
        }
      }

      assertThat(refused).as("permits refused past maxmemory").isGreaterThan(0);
      assertThat(usedMemory()).as("used memory, maxmemory being 4 MB").isLessThan(5L * 1024 * 1024);
    }
  }

  private long usedMemory() {
    String info = adminConnection.sync().info("memory");
    return info.lines().filter(l -> l.startsWith("used_memory:")).mapToLong(l -> Long.parseLong(l.substring(12).trim()))
        .findFirst().orElseThrow();
  }
}
