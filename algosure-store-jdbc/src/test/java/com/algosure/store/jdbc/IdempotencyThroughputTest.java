package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Throughput and latency of the JDBC idempotency store: eight threads, claim + complete, for two seconds. */
class IdempotencyThroughputTest {

  private static final Logger FIGURES = LoggerFactory.getLogger("com.algosure.store.figures");
  private static final Duration RUN = Duration.ofSeconds(2);

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(IdempotencyThroughputTest.class);
    pg.idempotency(Clock.systemUTC()).build().initialize();
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  @Test
  void claimAndCompleteFromEightThreadsThenEveryKeyClaimedOnceAndFiguresAreRecorded() throws Exception {
    JdbcIdempotencyStore store = pg.idempotency(Clock.systemUTC()).build();
    ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Boolean> done = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long end = System.nanoTime() + RUN.toNanos();
    List<Future<?>> threads = new ArrayList<>();
    try {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(pool.submit(() -> {
          for (int i = 0; System.nanoTime() < end; i++) {
            IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send",
                "k-" + thread + "-" + i);
            long s = System.nanoTime();
            ClaimResult r = store.claim(key, "sha256:fp", "owner", Duration.ofMinutes(1));
            long m = System.nanoTime();
            boolean completed = store.complete(key, "owner", "done", Duration.ofMinutes(1));
            long e = System.nanoTime();
            nanos.add(m - s);
            nanos.add(e - m);
            done.add(r instanceof ClaimResult.Claimed && completed);
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
    List<Long> sorted = new ArrayList<>(nanos);
    sorted.sort(null);
    long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1_000;
    FIGURES.info("JDBC idempotency store, claim + complete (unique keys): {} ops in {} s by 8 threads (pool of 8) = {} "
        + "ops/s, p99 {} us", nanos.size(), RUN.toSeconds(), nanos.size() / RUN.toSeconds(), p99);

    assertThat(done).isNotEmpty().doesNotContain(false);
  }
}
