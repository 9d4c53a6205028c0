package com.algosure.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.testing.DistributedIdempotencyStoreContract;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The idempotency store contract on a real Redis, two connections as two service instances; then Redis's own. */
class RedisIdempotencyStoreTest extends DistributedIdempotencyStoreContract {

  private static RedisFixture fixture;
  private static RedisStoreConnection redis;
  private static RedisStoreConnection otherInstance;

  @BeforeAll
  static void connect() {
    fixture = new RedisFixture(RedisIdempotencyStoreTest.class);
    redis = fixture.connect();
    otherInstance = fixture.connect();
  }

  @AfterAll
  static void cleanUp() {
    redis.close();
    otherInstance.close();
    fixture.close();
  }

  private RedisIdempotencyStore store(RedisStoreConnection connection) {
    return RedisIdempotencyStore.builder(connection).clock(clock).build();
  }

  @Override
  protected RedisIdempotencyStore store() {
    return store(redis);
  }

  @Override
  protected IdempotencyStore otherInstance() {
    return store(otherInstance);
  }

  @Override
  protected String storedOutcome(IdempotencyKey key) {
    return fixture.redis().hget(store().recordKey(key), "o");
  }

  @Override
  protected void corruptStoredOutcome(IdempotencyKey key) {
    fixture.redis().hset(store().recordKey(key), "o", "not json");
  }

  @Override
  protected Class<? extends RuntimeException> storeException() {
    return RedisStoreException.class;
  }

  @Override
  protected IdempotencyStore storeWithCodec(Function<Object, String> encode, Function<String, Object> decode) {
    return RedisIdempotencyStore.builder(redis).clock(clock).outcomeCodec(encode, decode).build();
  }

  @Test
  void recordWhenWrittenThenRedisDropsItAMinuteAfterItsTtl() {
    RedisIdempotencyStore store = store();
    store.claim(key("pexpire"), FP, "owner-1", Duration.ofSeconds(30));

    assertThat(fixture.redis().pttl(store.recordKey(key("pexpire")))).isBetween(85_000L, 90_000L);
  }

  @Test
  void claimWhenTheTtlHasAFractionOfAMillisecondThenTheClaimHoldsForAllOfIt() {
    RedisIdempotencyStore store = store();
    store.claim(key("ttl-fraction"), FP, "owner-1", Duration.ofNanos(1_500_000));
    clock.advance(Duration.ofMillis(1)); // 1 ms of a 1.5 ms claim: still held

    assertThat(otherInstance().claim(key("ttl-fraction"), FP, "owner-2", Duration.ofMinutes(1)))
        .isInstanceOf(ClaimResult.InFlight.class);
    assertThat(store.complete(key("ttl-fraction"), "owner-1", "done", Duration.ofNanos(1_500_000))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(otherInstance().claim(key("ttl-fraction"), FP, "owner-2", Duration.ofMinutes(1)))
        .isInstanceOf(ClaimResult.Completed.class);
  }

  @Test
  void builderWhenOptionSetTwiceThenRefused() {
    RedisIdempotencyStore.Builder b = RedisIdempotencyStore.builder(redis).pollInterval(Duration.ofMillis(5));

    assertThatThrownBy(() -> b.pollInterval(Duration.ofMillis(5))).isInstanceOf(IllegalStateException.class)
        .hasMessage("pollInterval was already set");
    assertThatThrownBy(() -> RedisIdempotencyStore.builder(redis).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("pollInterval must be between 1 ms and 1 second, was PT0S");
  }

}
