package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.testing.DistributedIdempotencyStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The idempotency store contract on a real PostgreSQL, two pools as two service instances; then JDBC's own. */
class JdbcIdempotencyStoreTest extends DistributedIdempotencyStoreContract {

  private static Postgres pg;
  /** A second pool: another instance of the service, with its own connections. */
  private static Postgres.Pool otherInstance;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcIdempotencyStoreTest.class);
    otherInstance = new Postgres.Pool(pg.direct, 8);
    pg.idempotency(Clock.systemUTC()).build().initialize();
  }

  @AfterAll
  static void drop() {
    otherInstance.close();
    pg.close();
  }

  private JdbcIdempotencyStore store(DataSource instance) {
    return JdbcIdempotencyStore.builder(instance).schema(pg.schema).clock(clock).build();
  }

  @Override
  protected JdbcIdempotencyStore store() {
    return store(pg.pool);
  }

  @Override
  protected IdempotencyStore otherInstance() {
    return store(otherInstance);
  }

  private static String where(IdempotencyKey key) {
    return " FROM algosure_idempotency WHERE key_hash = '" + JdbcIdempotencyStore.hash(key) + "'";
  }

  @Override
  protected String storedOutcome(IdempotencyKey key) {
    return pg.text("SELECT outcome" + where(key));
  }

  @Override
  protected void corruptStoredOutcome(IdempotencyKey key) {
    pg.sql("UPDATE algosure_idempotency SET outcome = 'not json' WHERE key_hash = '" + JdbcIdempotencyStore.hash(key) + "'");
  }

  @Override
  protected Class<? extends RuntimeException> storeException() {
    return JdbcStoreException.class;
  }

  @Override
  protected IdempotencyStore storeWithCodec(Function<Object, String> encode, Function<String, Object> decode) {
    return JdbcIdempotencyStore.builder(pg.pool).schema(pg.schema).clock(clock).outcomeCodec(encode, decode).build();
  }

  @Test
  void purgeExpiredWhenRecordsExpiredThenOnlyThoseAreDeleted() {
    JdbcIdempotencyStore store = store();
    store.claim(key("purge-old"), FP, "owner-1", Duration.ofSeconds(30));
    store.claim(key("purge-new"), FP, "owner-1", Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(1);
    assertThat(pg.count("SELECT count(*)" + where(key("purge-new")))).isEqualTo(1);
    assertThat(pg.count("SELECT count(*)" + where(key("purge-old")))).isZero();
  }

  /**
   * Regression: purgeExpired() was one DELETE of every expired row, bounded by queryTimeout; on a big or slow table it
   * timed out on every run, deleted nothing and the table grew without bound. It now deletes in bounded batches, each
   * its own statement within the timeout, and returns the total. (A trigger makes each deleted row cost 250 µs: the
   * 8,000 rows take 2 s in one statement, over the 1 s timeout.)
   */
  @Test
  void purgeExpiredWhenOneStatementWouldOutlastTheQueryTimeoutThenItDeletesInBatchesAndCompletes() {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pg.pool).schema(pg.schema).clock(clock)
        .queryTimeout(Duration.ofSeconds(1)).build();
    store.purgeExpired(); // what other tests left
    pg.sql("INSERT INTO algosure_idempotency (key_hash, tenant, provider, action, state, fingerprint, owner, expires_at)"
        + " SELECT 'slow-purge-' || i, 'acme', 'authority', 'submit', 'I', 'fp', 'owner', timestamptz '2000-01-01'"
        + " FROM generate_series(1, 8000) i");
    pg.sql("CREATE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE t timestamptz := clock_timestamp();"
        + " BEGIN WHILE clock_timestamp() < t + interval '250 microseconds' LOOP END LOOP; RETURN OLD; END $$");
    pg.sql("CREATE TRIGGER slow_delete BEFORE DELETE ON algosure_idempotency FOR EACH ROW EXECUTE FUNCTION slow_delete()");
    try {
      assertThat(store.purgeExpired()).isEqualTo(8000);
      assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash LIKE 'slow-purge-%'")).isZero();
    } finally {
      pg.sql("DROP TRIGGER slow_delete ON algosure_idempotency");
      pg.sql("DROP FUNCTION slow_delete()");
    }
  }

  @Test
  void recordWhenWrittenThenCallerKeyIsStoredOnlyHashed() {
    store().claim(key("secret-looking-key-123"), FP, "owner-1", TTL);

    assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash LIKE '%secret-looking%' OR tenant LIKE"
        + " '%secret-looking%' OR action LIKE '%secret-looking%'")).isZero();
  }

  @Test
  void builderWhenOptionSetTwiceThenRefused() {
    JdbcIdempotencyStore.Builder b = JdbcIdempotencyStore.builder(pg.pool).pollInterval(Duration.ofMillis(5));

    assertThatThrownBy(() -> b.pollInterval(Duration.ofMillis(5))).isInstanceOf(IllegalStateException.class)
        .hasMessage("pollInterval was already set");
    assertThatThrownBy(() -> JdbcIdempotencyStore.builder(pg.pool).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("pollInterval must be between 1 ms and 1 second, was PT0S");
  }

  @Test
  void claimWhenThePoolDoesNotAutoCommitThenTheClaimHoldsAndASecondOwnerFindsItInFlight() {
    JdbcIdempotencyStore manual = store(DataSourceWrapper.notAutoCommitting(pg.pool));
    IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("authority"), "submit", "k-manual-commit");

    ClaimResult first = manual.claim(key, "fp", "owner-1", Duration.ofMinutes(5));
    ClaimResult second = manual.claim(key, "fp", "owner-2", Duration.ofMinutes(5));

    assertThat(first).isInstanceOf(ClaimResult.Claimed.class);
    assertThat(second).isInstanceOf(ClaimResult.InFlight.class);
  }


  /**
   * A pool whose connections run REPEATABLE READ (HikariCP's {@code transactionIsolation}, or the database's
   * {@code default_transaction_isolation}): a duplicate's claim rewrites the live row to itself, and the owner's
   * completion waiting on that row lock then failed with a serialization failure (40001) once the claim committed.
   */
  @Test
  void completeAndReleaseWhenThePoolRunsRepeatableReadAndADuplicateClaimTouchesTheRowMeanwhileThenTheyStillSucceed()
      throws Exception {
    Postgres.Pool repeatableRead = new Postgres.Pool(pg.direct, 2);
    DataSource isolated = new DataSourceWrapper(repeatableRead) {
      @Override
      public java.sql.Connection getConnection() throws java.sql.SQLException {
        java.sql.Connection c = super.getConnection();
        c.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
        return c;
      }
    };
    ExecutorService owner = Executors.newSingleThreadExecutor();
    try {
      JdbcIdempotencyStore store = store(isolated);
      IdempotencyKey completed = key("rr-complete");
      IdempotencyKey released = key("rr-release");
      store.claim(completed, FP, "owner-1", Duration.ofMinutes(5));
      store.claim(released, FP, "owner-1", Duration.ofMinutes(5));

      assertThat(whileADuplicateClaimHoldsTheRow(completed, "UPDATE",
          owner, () -> store.complete(completed, "owner-1", "done", Duration.ofHours(1)))).isTrue();
      assertThat(whileADuplicateClaimHoldsTheRow(released, "DELETE",
          owner, () -> store.release(released, "owner-1"))).isTrue();
      assertThat(store().claim(completed, FP, "owner-2", TTL)).isInstanceOf(ClaimResult.Completed.class);
      assertThat(store().claim(released, FP, "owner-2", TTL)).isInstanceOf(ClaimResult.Claimed.class);
    } finally {
      owner.shutdownNow();
      repeatableRead.close();
    }
  }

  /**
   * The same pool under a storm of duplicates: a serialization failure met again on every retry, so claims failed
   * (IDEMPOTENCY_UNAVAILABLE) and, worse, the owner's completion did, leaving the key to expire and be sent again.
   */
  @Test
  void claimAndCompleteWhenThePoolRunsRepeatableReadAndDuplicatesKeepClaimingTheKeyThenEveryCallSucceeds()
      throws Exception {
    Postgres.Pool repeatableRead = new Postgres.Pool(pg.direct, 14);
    DataSource isolated = new DataSourceWrapper(repeatableRead) {
      @Override
      public java.sql.Connection getConnection() throws java.sql.SQLException {
        java.sql.Connection c = super.getConnection();
        c.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
        return c;
      }
    };
    JdbcIdempotencyStore store = store(isolated);
    IdempotencyKey key = key("rr-storm");
    store.claim(key, FP, "owner-1", Duration.ofMinutes(5));
    java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    ExecutorService duplicates = Executors.newFixedThreadPool(12);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < 12; t++) {
        String owner = "duplicate-" + t;
        callers.add(duplicates.submit(() -> {
          while (System.nanoTime() < end) {
            try {
              store.claim(key, FP, owner, Duration.ofMinutes(5));
              answered.incrementAndGet();
            } catch (RuntimeException e) {
              failures.add(e);
            }
          }
        }));
      }
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(300).toNanos()); // the storm is on
      completed.set(store.complete(key, "owner-1", "done", Duration.ofHours(1)));
      for (Future<?> f : callers) {
        f.get();
      }
    } finally {
      duplicates.shutdownNow();
      repeatableRead.close();
    }

    assertThat(failures).isEmpty();
    assertThat(completed.get()).isTrue();
    assertThat(answered.get()).isGreaterThan(12);
    assertThat(store().claim(key, FP, "owner-2", TTL)).isInstanceOf(ClaimResult.Completed.class);
  }

  /**
   * Holds the key's row as a duplicate's claim does (the claim statement rewrites a live row to itself), until the
   * store's statement {@code call} makes (starting with {@code verb}) waits for it, then commits.
   */
  private static <T> T whileADuplicateClaimHoldsTheRow(IdempotencyKey key, String verb, ExecutorService thread,
      java.util.concurrent.Callable<T> call)
      throws Exception {
    Future<T> waiting;
    try (java.sql.Connection c = pg.direct.getConnection(); java.sql.Statement s = c.createStatement()) {
      s.execute("SET search_path TO \"" + pg.schema + '"');
      c.setAutoCommit(false);
      s.execute("UPDATE algosure_idempotency SET state = state, owner = owner WHERE key_hash = '"
          + JdbcIdempotencyStore.hash(key) + "'");
      waiting = thread.submit(call);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (pg.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '"
          + verb + " %" + pg.schema + "%'") == 0) {
        assertThat(System.nanoTime()).as("the store's statement waits for the row").isLessThan(deadline);
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      }
      c.commit();
    }
    return waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void claimWhenSixteenThreadsOfTwoInstancesClaimAndReleaseOneKeyInALoopThenEveryClaimIsAnsweredAndOneHoldsAtATime()
      throws Exception {
    IdempotencyStore[] instances = {store(), otherInstance()};
    IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("authority"), "submit", "k-churn");
    AtomicInteger holding = new AtomicInteger();
    AtomicInteger mostHolding = new AtomicInteger();
    AtomicInteger claimed = new AtomicInteger();
    List<Throwable> failures = raceFor3s(instances, instance -> {
      String owner = UUID.randomUUID().toString();
      // a call that had no effect releases its key at once: the busiest a key gets
      if (instance.claim(key, FP, owner, Duration.ofMinutes(5)) instanceof ClaimResult.Claimed) {
        claimed.incrementAndGet();
        mostHolding.accumulateAndGet(holding.incrementAndGet(), Math::max);
        holding.decrementAndGet();
        instance.release(key, owner);
      }
    });

    assertThat(failures).isEmpty();
    assertThat(claimed.get()).isGreaterThan(10);
    assertThat(mostHolding.get()).isEqualTo(1);
  }

  @Test
  void claimWhenSixteenThreadsOfTwoInstancesRaceForAKeyWhoseClaimsKeepExpiringThenEveryClaimIsAnswered() throws Exception {
    // the system clock and a 2 ms claim: each claim expires while the others race to take the key over
    IdempotencyStore[] instances = {JdbcIdempotencyStore.builder(pg.pool).schema(pg.schema).build(),
        JdbcIdempotencyStore.builder(otherInstance).schema(pg.schema).build()};
    IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("authority"), "submit", "k-expiring");
    AtomicInteger claimed = new AtomicInteger();
    List<Throwable> failures = raceFor3s(instances, instance -> {
      if (instance.claim(key, FP, UUID.randomUUID().toString(), Duration.ofMillis(2)) instanceof ClaimResult.Claimed) {
        claimed.incrementAndGet();
      }
    });

    assertThat(failures).isEmpty();
    assertThat(claimed.get()).isGreaterThan(10);
  }

  /**
   * Runs {@code call} in a loop on 16 threads, alternating the instances, for 3 seconds.
   *
   * @return what the calls threw
   */
  private static List<Throwable> raceFor3s(IdempotencyStore[] instances, java.util.function.Consumer<IdempotencyStore> call)
      throws Exception {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      List<Future<?>> callers = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        IdempotencyStore instance = instances[t % 2];
        callers.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            try {
              call.accept(instance);
            } catch (RuntimeException e) {
              failures.add(e);
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
    return failures;
  }
}
