package com.algosure.store.redis;

import com.algosure.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RedisRateLimitStoreTest {

  private static final ProviderId PROVIDER = ProviderId.of("acme-mail");
  private static final RateLimit FIVE_PER_SECOND = RateLimit.of(5, Duration.ofSeconds(1));
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  /** The guard's clock; the store uses it to bound how long Redis keeps a pause. */
  private static final MutableClock CLOCK = MutableClock.at(T0);

  private static RedisFixture fixture;
  private static RedisStoreConnection redis;
  private static RedisStoreConnection otherInstance;

  @BeforeAll
  static void connect() {
    fixture = new RedisFixture(RedisRateLimitStoreTest.class);
    redis = fixture.connect();
    otherInstance = fixture.connect();
  }

  @AfterAll
  static void cleanUp() {
    redis.close();
    otherInstance.close();
    fixture.close();
  }

  private static RateLimitKey key(String tenant) {
    return RateLimitKey.of(PROVIDER, TenantId.of(tenant));
  }

  /** Moves every permit of the key's window back in time, as if that much time had passed (Redis's clock cannot be moved). */
  private static void age(RedisRateLimitStore store, RateLimitKey key, long millis) {
    String window = store.windowKey(key);
    for (var member : fixture.redis().zrangeWithScores(window, 0, -1)) {
      fixture.redis().zadd(window, member.getScore() - millis, member.getValue());
    }
  }

  private static long oldestPermit(RedisRateLimitStore store, RateLimitKey key) {
    return (long) fixture.redis().zrangeWithScores(store.windowKey(key), 0, 0).get(0).getScore();
  }

  @Test
  void acquireWhenUnderLimitThenGrantedUpToPermitsThenExhaustedUntilTheOldestLeaves() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    for (int i = 0; i < 5; i++) {
      assertThat(store.acquire(key("t-under"), FIVE_PER_SECOND, T0)).isEqualTo(RateLimitDecision.granted());
    }

    assertThat(store.acquire(key("t-under"), FIVE_PER_SECOND, T0))
        .isEqualTo(new RateLimitDecision.Exhausted(Instant.ofEpochMilli(oldestPermit(store, key("t-under")) + 1000)));
    assertThat(fixture.redis().zcard(store.windowKey(key("t-under")))).isEqualTo(5);
  }

  @Test
  void acquireWhenWindowSlidesThenPermitsFreeOneByOne() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    RateLimit fivePerTenSeconds = RateLimit.of(5, Duration.ofSeconds(10));
    // second-sized steps: the real time the test itself takes (milliseconds) never decides an outcome
    for (int i = 0; i < 5; i++) {
      store.acquire(key("t-slide"), fivePerTenSeconds, T0);
      age(store, key("t-slide"), 1_000); // the permits end up 5, 4, 3, 2 and 1 s old
    }

    age(store, key("t-slide"), 4_000); // now 9 ... 5 s old: all still in the window
    assertThat(store.acquire(key("t-slide"), fivePerTenSeconds, T0)).isInstanceOf(RateLimitDecision.Exhausted.class);
    age(store, key("t-slide"), 1_500); // the oldest is 10.5 s old: it left the window, one permit is free
    assertThat(store.acquire(key("t-slide"), fivePerTenSeconds, T0)).isEqualTo(RateLimitDecision.granted());
    // the next oldest is 9.5 s old: still in the window
    assertThat(store.acquire(key("t-slide"), fivePerTenSeconds, T0)).isInstanceOf(RateLimitDecision.Exhausted.class);
  }

  @Test
  void acquireWhenTwoInstancesShareTheKeyThenTheLimitIsShared() {
    RedisRateLimitStore a = RedisRateLimitStore.create(redis, CLOCK);
    RedisRateLimitStore b = RedisRateLimitStore.create(otherInstance, CLOCK);
    for (int i = 0; i < 5; i++) {
      (i % 2 == 0 ? a : b).acquire(key("t-shared"), FIVE_PER_SECOND, T0);
    }

    assertThat(a.acquire(key("t-shared"), FIVE_PER_SECOND, T0)).isInstanceOf(RateLimitDecision.Exhausted.class);
    assertThat(b.acquire(key("t-shared"), FIVE_PER_SECOND, T0)).isInstanceOf(RateLimitDecision.Exhausted.class);
  }

  @Test
  void acquireWhenThePeriodHasAFractionOfAMillisecondThenNeverMorePermitsThanInAnyWindowOfThatPeriod() throws Exception {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    RateLimit onePer1999Micros = RateLimit.of(1, Duration.ofNanos(1_999_000));
    List<Long> grantedAt = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
      List<Future<?>> callers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        callers.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            RedisRateLimitStore.Acquired a = store.acquireTimed(key("t-fraction"), onePer1999Micros, T0);
            if (a.decision().equals(RateLimitDecision.granted())) {
              grantedAt.add(a.at().toEpochMilli());
            }
          }
        }));
      }
      for (Future<?> f : callers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    // Redis grants at whole milliseconds of its clock; one permit per 1.999 ms leaves at most this many in the span
    long span = Collections.max(grantedAt) - Collections.min(grantedAt) + 1;
    assertThat(grantedAt).hasSizeGreaterThan(10).hasSizeLessThanOrEqualTo((int) (span * 1000 / 1999) + 1);
  }

  @Test
  void acquireWhenOtherTenantExhaustedThenThisTenantUnaffected() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    for (int i = 0; i < 6; i++) {
      store.acquire(key("t-busy"), FIVE_PER_SECOND, T0);
    }

    assertThat(store.acquire(key("t-quiet"), FIVE_PER_SECOND, T0)).isEqualTo(RateLimitDecision.granted());
    assertThat(store.acquire(RateLimitKey.providerWide(PROVIDER), FIVE_PER_SECOND, T0)).isEqualTo(RateLimitDecision.granted());
  }

  @Test
  void acquireWhenPausedThenPausedWithoutTakingAPermit() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    store.pause(key("t-paused"), T0.plusSeconds(30));

    assertThat(store.acquire(key("t-paused"), FIVE_PER_SECOND, T0.plusSeconds(1)))
        .isEqualTo(new RateLimitDecision.Paused(T0.plusSeconds(30)));
    assertThat(fixture.redis().zcard(store.windowKey(key("t-paused")))).isZero();
    assertThat(store.acquire(key("t-paused"), FIVE_PER_SECOND, T0.plusSeconds(30))).isEqualTo(RateLimitDecision.granted());
  }

  @Test
  void pauseWhenSetByOneInstanceThenEveryInstanceSeesIt() {
    RedisRateLimitStore a = RedisRateLimitStore.create(redis, CLOCK);
    RedisRateLimitStore b = RedisRateLimitStore.create(otherInstance, CLOCK);

    a.pause(key("t-429"), T0.plusSeconds(2));

    assertThat(b.pausedUntil(key("t-429"), T0)).contains(T0.plusSeconds(2));
    assertThat(b.pausedUntil(key("t-429"), T0.plusSeconds(2))).isEmpty();
  }

  @Test
  void pauseWhenShorterThanCurrentThenKeepsTheLongerOne() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    store.pause(key("t-extend"), T0.plusSeconds(60));
    store.pause(key("t-extend"), T0.plusSeconds(5));

    assertThat(store.pausedUntil(key("t-extend"), T0)).contains(T0.plusSeconds(60));

    store.pause(key("t-extend"), T0.plusSeconds(90));
    assertThat(store.pausedUntil(key("t-extend"), T0)).contains(T0.plusSeconds(90));
  }

  @Test
  void pausedUntilWhenNeverPausedThenEmpty() {
    assertThat(RedisRateLimitStore.create(redis, CLOCK).pausedUntil(key("t-never"), T0)).isEmpty();
  }

  @Test
  void acquireWhenScriptsFlushedFromRedisThenReloadedTransparently() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    fixture.redis().scriptFlush();

    assertThat(store.acquire(key("t-noscript"), FIVE_PER_SECOND, T0)).isEqualTo(RateLimitDecision.granted());
  }

  @Test
  void keysWhenWrittenThenCarryThePrefixAndNoCallerText() {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis, CLOCK);
    store.acquire(key("tenant-with-a-name"), FIVE_PER_SECOND, T0);

    assertThat(store.windowKey(key("tenant-with-a-name")))
        .startsWith(fixture.prefix + "rl:{")
        .endsWith("}:window")
        .doesNotContain("tenant-with-a-name")
        .doesNotContain("acme-mail");
  }
}
