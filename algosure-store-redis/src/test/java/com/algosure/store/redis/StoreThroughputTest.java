package com.algosure.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Throughput and latency of the store operations themselves: eight threads on one connection for two seconds. */
class StoreThroughputTest {

  private static final Logger FIGURES = LoggerFactory.getLogger("com.algosure.store.figures");
  private static final Duration RUN = Duration.ofSeconds(2);

  private static RedisFixture fixture;
  private static RedisStoreConnection redis;

  @BeforeAll
  static void connect() {
    fixture = new RedisFixture(StoreThroughputTest.class);
    redis = fixture.connect();
  }

  @AfterAll
  static void cleanUp() {
    redis.close();
    fixture.close();
  }

  /** Runs the operation from eight threads for the run's length; returns each operation's duration. */
  private static ConcurrentLinkedQueue<Long> hammer(String name, IntConsumer operation) throws Exception {
    ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long end = System.nanoTime() + RUN.toNanos();
    List<Future<?>> threads = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(pool.submit(() -> {
          for (int i = 0; System.nanoTime() < end; i++) {
            long s = System.nanoTime();
            operation.accept(thread * 10_000_000 + i);
            nanos.add(System.nanoTime() - s);
          }
          return null;
        }));
      }
      for (Future<?> f : threads) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    FIGURES.info("Redis store, {}: {} ops in {} s by 8 threads on one connection = {} ops/s, p99 {} us", name, nanos.size(),
        RUN.toSeconds(), nanos.size() / RUN.toSeconds(), GuardWorld.p99Micros(nanos));
    return nanos;
  }

  @Test
  void acquireOnOneHotKeyFromEightThreadsThenEveryCallAnswersAndFiguresAreRecorded() throws Exception {
    RedisRateLimitStore store = RedisRateLimitStore.create(redis);
    RateLimitKey hot = RateLimitKey.of(ProviderId.of("acme-mail"), TenantId.of("hot"));
    RateLimit limit = RateLimit.of(1_000, Duration.ofSeconds(1));
    ConcurrentLinkedQueue<RateLimitDecision> decisions = new ConcurrentLinkedQueue<>();

    ConcurrentLinkedQueue<Long> nanos = hammer("rate-limit acquire (hot key, 1000/s)", i ->
        decisions.add(store.acquire(hot, limit, Instant.now())));

    assertThat(decisions).hasSize(nanos.size());
    long granted = decisions.stream().filter(d -> d instanceof RateLimitDecision.Granted).count();
    assertThat(granted).isBetween(1L, (RUN.toSeconds() + 1) * 1_000);
  }

  @Test
  void claimAndCompleteFromEightThreadsThenEveryKeyClaimedOnceAndFiguresAreRecorded() throws Exception {
    // one tenant's keys: its bound (counted on every claim as usual) set above what a fast machine claims in the run
    RedisIdempotencyStore store = RedisIdempotencyStore.builder(redis).maximumKeysPerTenant(10_000_000).build();
    ConcurrentLinkedQueue<Boolean> done = new ConcurrentLinkedQueue<>();

    hammer("idempotency claim + complete (unique keys)", i -> {
      IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", "k-" + i);
      ClaimResult r = store.claim(key, "sha256:fp", "owner-" + i, Duration.ofMinutes(1));
      done.add(r instanceof ClaimResult.Claimed && store.complete(key, "owner-" + i, "done", Duration.ofMinutes(1)));
    });

    assertThat(done).isNotEmpty().doesNotContain(false);
  }
}
