package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Many threads and several sink instances (as several processes would) append to the same tenants' chains. */
class JdbcAuditSinkConcurrencyTest {

  private static final Logger FIGURES = LoggerFactory.getLogger("com.algosure.store.figures");

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcAuditSinkConcurrencyTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  /**
   * Writes {@code perThread} events from each of {@code threads} threads, spread over {@code sinks} sink instances
   * (each with its own writer thread and connections) and the given tenants; returns every event id written.
   */
  private static Set<String> hammer(int sinks, int threads, int perThread, List<String> tenants,
      AuditAcknowledgement ack) throws Exception {
    List<JdbcAuditSink> instances = new ArrayList<>();
    for (int i = 0; i < sinks; i++) {
      instances.add(pg.sink().acknowledgement(ack).capacity(200_000).writeTimeout(java.time.Duration.ofSeconds(30)).build());
    }
    Set<String> ids = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    long began;
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        JdbcAuditSink sink = instances.get(t % sinks);
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            AuditEvent e = Events.decision(tenants.get((thread + i) % tenants.size()), i);
            sink.record(e);
            ids.add(e.id());
          }
          return null;
        }));
      }
      began = System.nanoTime();
      start.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      for (JdbcAuditSink sink : instances) {
        sink.flush();
      }
    } finally {
      pool.shutdownNow();
      instances.forEach(JdbcAuditSink::close);
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    FIGURES.info("JDBC audit sink, {}: {} events by {} threads through {} sink instances over {} tenants in {} s = {} events/s",
        ack, ids.size(), threads, sinks, tenants.size(), String.format("%.2f", seconds), Math.round(ids.size() / seconds));
    return ids;
  }

  @Test
  void recordWhen100kEventsFromEightThreadsAndTwoInstancesThenAllPresentAndEveryChainVerifies() throws Exception {
    List<String> tenants = List.of("tenant-c1", "tenant-c2", "tenant-c3", "tenant-c4");

    Set<String> ids = hammer(2, 8, 12_500, tenants, AuditAcknowledgement.ON_QUEUE);

    assertThat(ids).hasSize(100_000);
    assertThat(pg.count("SELECT count(DISTINCT event_id) FROM algosure_audit_event WHERE tenant LIKE 'tenant-c_'"))
        .isEqualTo(100_000);
    try (JdbcAuditSink sink = pg.sink().build()) {
      long total = 0;
      for (String tenant : tenants) {
        AuditChainVerification v = sink.verifyChain(tenant);
        assertThat(v.valid()).as("chain of %s: %s", tenant, v.firstBreak()).isTrue();
        assertThat(v.head().sequence()).isEqualTo(v.rowsChecked());
        total += v.rowsChecked();
      }
      assertThat(total).isEqualTo(100_000);
    }
  }

  @Test
  void recordWhenAcknowledgedOnCommitByEightThreadsThenEveryCallerSawItsOwnCommit() throws Exception {
    List<String> tenants = List.of("tenant-g1", "tenant-g2");

    Set<String> ids = hammer(2, 8, 1_000, tenants, AuditAcknowledgement.ON_COMMIT);

    // each record() returned after its commit; nothing was left to flush
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant LIKE 'tenant-g_'")).isEqualTo(ids.size());
    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThat(sink.verifyChain("tenant-g1").valid()).isTrue();
      assertThat(sink.verifyChain("tenant-g2").valid()).isTrue();
    }
  }

  @Test
  void recordWhenFourInstancesShareOneTenantThenOneGaplessChain() throws Exception {
    Set<String> ids = hammer(4, 8, 1_000, List.of("tenant-shared"), AuditAcknowledgement.ON_QUEUE);

    try (JdbcAuditSink sink = pg.sink().build()) {
      AuditChainVerification v = sink.verifyChain("tenant-shared");
      assertThat(v.valid()).as("%s", v.firstBreak()).isTrue();
      assertThat(v.rowsChecked()).isEqualTo(8_000);
    }
    assertThat(ids).hasSize(8_000);
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-shared'")).isEqualTo(8_000);
  }

  /**
   * Instances whose pools run REPEATABLE READ (HikariCP's {@code transactionIsolation}, or the database's default):
   * a writer locking a chain head another instance had moved since its transaction began failed with a serialization
   * failure (40001), on every retry while the others kept writing, and its callers were told their events were lost.
   */
  @Test
  void recordWhenFourInstancesOnRepeatableReadPoolsShareOneTenantThenEveryEventIsWrittenInOneChain() throws Exception {
    List<Postgres.Pool> pools = new ArrayList<>();
    List<JdbcAuditSink> sinks = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 4; i++) {
        Postgres.Pool pool = new Postgres.Pool(pg.direct, 2);
        pools.add(pool);
        javax.sql.DataSource repeatableRead = new DataSourceWrapper(pool) {
          @Override
          public java.sql.Connection getConnection() throws java.sql.SQLException {
            java.sql.Connection c = super.getConnection();
            c.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
            return c;
          }
        };
        sinks.add(JdbcAuditSink.builder(repeatableRead).schema(pg.schema).build());
      }
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        JdbcAuditSink sink = sinks.get(t % 4);
        int first = 1_000_000 + t * 1_000;
        done.add(callers.submit(() -> {
          for (int n = first; n < first + 200; n++) {
            try {
              sink.record(Events.decision("tenant-rr", n));
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      callers.shutdownNow();
      sinks.forEach(JdbcAuditSink::close);
      pools.forEach(Postgres.Pool::close);
    }

    assertThat(failures).isEmpty();
    try (JdbcAuditSink sink = pg.sink().build()) {
      AuditChainVerification v = sink.verifyChain("tenant-rr");
      assertThat(v.valid()).as("%s", v.firstBreak()).isTrue();
      assertThat(v.rowsChecked()).isEqualTo(3_200);
    }
  }
}
