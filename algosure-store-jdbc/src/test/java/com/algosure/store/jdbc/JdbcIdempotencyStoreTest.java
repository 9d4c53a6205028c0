package com.algosure.store.jdbc;

import com.algosure.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.OutcomeReason;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcIdempotencyStoreTest {

  private static final Duration TTL = Duration.ofMinutes(10);
  private static final String FP = "sha256:aaaa";
  private static final String OTHER_FP = "sha256:bbbb";

  private static Postgres pg;
  /** A second pool: another instance of the service, with its own connections. */
  private static Postgres.Pool otherInstance;

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

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

  private JdbcIdempotencyStore store(javax.sql.DataSource instance) {
    return JdbcIdempotencyStore.builder(instance).schema(pg.schema).clock(clock).build();
  }

  private static javax.sql.DataSource thisInstance() {
    return pg.pool;
  }

  private static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", k);
  }

  private static IntegrationOutcome<String> accepted() {
    IntegrationRequest request = IntegrationRequest.builder().provider("acme-mail").action("mail:send").tenant("acme")
        .idempotencyKey("k").payload("{\"to\":\"someone@example.com\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/json").build();
    return new IntegrationOutcome.Accepted<>(request, "message-42", 1, 202, Map.of("messageId", "m-42"));
  }

  @Test
  void claimWhenKeyFreeThenClaimed() {
    assertThat(store(thisInstance()).claim(key("free"), FP, "owner-1", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void claimWhenHeldByAnotherOwnerThenInFlight() {
    store(thisInstance()).claim(key("held"), FP, "owner-1", TTL);

    assertThat(store(otherInstance).claim(key("held"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void claimWhenHeldWithAnotherFingerprintThenMismatch() {
    store(thisInstance()).claim(key("reused"), FP, "owner-1", TTL);

    assertThat(store(otherInstance).claim(key("reused"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.fingerprintMismatch());
  }

  @Test
  void claimWhenCompletedThenReplaysTheStoredSummaryWithoutValueOrPayload() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("done"), FP, "owner-1", TTL);
    assertThat(store.complete(key("done"), "owner-1", accepted(), TTL)).isTrue();

    ClaimResult again = store(otherInstance).claim(key("done"), FP, "owner-2", TTL);

    assertThat(again).isInstanceOfSatisfying(ClaimResult.Completed.class, c -> assertThat(c.outcome()).isEqualTo(Map.of(
        "outcome", "integration", "kind", "ACCEPTED", "reason", "ACCEPTED", "attempts", 1, "status", 202,
        "safeFields", Map.of("messageId", "m-42"))));
    assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash = '" + JdbcIdempotencyStore.hash(key("done"))
        + "' AND outcome NOT LIKE '%message-42%' AND outcome NOT LIKE '%someone@example.com%' AND outcome LIKE '%ACCEPTED%'"))
        .isEqualTo(1);
  }

  @Test
  void claimWhenCompletedWithAnotherFingerprintThenMismatch() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("done-other"), FP, "owner-1", TTL);
    store.complete(key("done-other"), "owner-1", accepted(), TTL);

    assertThat(store.claim(key("done-other"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.fingerprintMismatch());
  }

  @Test
  void claimWhenClaimExpiredThenClaimedByTheNewOwner() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("expired"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));

    assertThat(store.claim(key("expired"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void releaseWhenClaimExpiredThenOldOwnerCannotReleaseTheNewClaim() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("taken-over"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));
    store.claim(key("taken-over"), FP, "owner-2", TTL);

    assertThat(store.release(key("taken-over"), "owner-1")).isFalse();
    assertThat(store.complete(key("taken-over"), "owner-1", accepted(), TTL)).isFalse();
    assertThat(store.claim(key("taken-over"), FP, "owner-3", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void releaseWhenClaimExpiredAndNotRetakenThenOldOwnerStillCannotRelease() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("stale"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));

    assertThat(store.release(key("stale"), "owner-1")).isFalse();
    assertThat(store.complete(key("stale"), "owner-1", accepted(), TTL)).isFalse();
  }

  @Test
  void releaseWhenOwnerReleasesThenKeyCanBeClaimedAgain() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("released"), FP, "owner-1", TTL);

    assertThat(store.release(key("released"), "owner-1")).isTrue();
    assertThat(store.claim(key("released"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void releaseWhenAnotherOwnerTriesThenRefused() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("not-yours"), FP, "owner-1", TTL);

    assertThat(store.release(key("not-yours"), "owner-2")).isFalse();
    assertThat(store.complete(key("not-yours"), "owner-2", accepted(), TTL)).isFalse();
  }

  @Test
  void releaseWhenCompletedThenRefused() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("completed-release"), FP, "owner-1", TTL);
    store.complete(key("completed-release"), "owner-1", accepted(), TTL);

    assertThat(store.release(key("completed-release"), "owner-1")).isFalse();
  }

  @Test
  void completeWhenCompletedRecordExpiresThenKeyIsFreeAgain() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("ttl"), FP, "owner-1", TTL);
    store.complete(key("ttl"), "owner-1", accepted(), Duration.ofHours(1));
    clock.advance(Duration.ofHours(1));

    assertThat(store.claim(key("ttl"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void purgeExpiredWhenRecordsExpiredThenOnlyThoseAreDeleted() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("purge-old"), FP, "owner-1", Duration.ofSeconds(30));
    store.claim(key("purge-new"), FP, "owner-1", Duration.ofHours(1));
    clock.advance(Duration.ofMinutes(1));

    assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(1);
    assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash = '"
        + JdbcIdempotencyStore.hash(key("purge-new")) + "'")).isEqualTo(1);
    assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash = '"
        + JdbcIdempotencyStore.hash(key("purge-old")) + "'")).isZero();
  }

  @Test
  void recordWhenWrittenThenCallerKeyIsStoredOnlyHashed() {
    store(thisInstance()).claim(key("secret-looking-key-123"), FP, "owner-1", TTL);

    assertThat(pg.count("SELECT count(*) FROM algosure_idempotency WHERE key_hash LIKE '%secret-looking%' OR tenant LIKE"
        + " '%secret-looking%' OR action LIKE '%secret-looking%'")).isZero();
  }

  @Test
  void claimWhenFiftyThreadsOfTwoInstancesRaceThenExactlyOneClaims() throws Exception {
    JdbcIdempotencyStore a = store(thisInstance());
    JdbcIdempotencyStore b = store(otherInstance);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<ClaimResult>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        JdbcIdempotencyStore s = i % 2 == 0 ? a : b;
        String owner = "owner-" + i;
        results.add(pool.submit(() -> {
          start.await();
          return s.claim(key("race"), FP, owner, TTL);
        }));
      }
      start.countDown();
      int claimed = 0;
      int inFlight = 0;
      for (Future<ClaimResult> f : results) {
        ClaimResult r = f.get(10, TimeUnit.SECONDS);
        if (r instanceof ClaimResult.Claimed) {
          claimed++;
        } else if (r instanceof ClaimResult.InFlight) {
          inFlight++;
        }
      }
      assertThat(claimed).isEqualTo(1);
      assertThat(inFlight).isEqualTo(49);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awaitCompletionWhenOwnerCompletesMeanwhileThenReturnsTheOutcome() throws Exception {
    JdbcIdempotencyStore owner = store(thisInstance());
    JdbcIdempotencyStore waiter = store(otherInstance);
    owner.claim(key("await"), FP, "owner-1", TTL);
    CompletableFuture<Optional<Object>> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return waiter.awaitCompletion(key("await"), Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    owner.complete(key("await"), "owner-1", accepted(), TTL);

    assertThat(waiting.get(5, TimeUnit.SECONDS)).hasValueSatisfying(o -> assertThat(o).asString().contains("kind=ACCEPTED"));
  }

  @Test
  void awaitCompletionWhenReleasedThenEmpty() throws Exception {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("await-released"), FP, "owner-1", TTL);
    store.release(key("await-released"), "owner-1");

    assertThat(store.awaitCompletion(key("await-released"), Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void awaitCompletionWhenStillRunningThenEmptyAfterTheWait() throws Exception {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("await-timeout"), FP, "owner-1", TTL);
    long start = System.nanoTime();

    assertThat(store.awaitCompletion(key("await-timeout"), Duration.ofMillis(50))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  @Test
  void claimWhenCompletedRecordHoldsUndecodableOutcomeThenThrowsInsteadOfReplaying() {
    JdbcIdempotencyStore store = store(thisInstance());
    store.claim(key("corrupt"), FP, "owner-1", TTL);
    store.complete(key("corrupt"), "owner-1", accepted(), TTL);
    pg.sql("UPDATE algosure_idempotency SET outcome = 'not json' WHERE key_hash = '" + JdbcIdempotencyStore.hash(key("corrupt")) + "'");

    assertThatThrownBy(() -> store.claim(key("corrupt"), FP, "owner-2", TTL))
        .isInstanceOf(JdbcStoreException.class)
        .hasMessage("a completed idempotency record's outcome could not be decoded (IllegalArgumentException); check "
            + "the store's outcome codec");
  }

  @Test
  void claimWhenHostCodecGivenThenItsOutcomeIsReplayed() {
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(thisInstance()).schema(pg.schema).clock(clock)
        .outcomeCodec(o -> ((IntegrationOutcome<?>) o).reason().name(), OutcomeReason::valueOf).build();
    store.claim(key("codec"), FP, "owner-1", TTL);
    store.complete(key("codec"), "owner-1", accepted(), TTL);

    assertThat(store.claim(key("codec"), FP, "owner-2", TTL)).isEqualTo(new ClaimResult.Completed(OutcomeReason.ACCEPTED));
  }

  @Test
  void builderWhenOptionSetTwiceThenRefused() {
    JdbcIdempotencyStore.Builder b = JdbcIdempotencyStore.builder(thisInstance()).pollInterval(Duration.ofMillis(5));

    assertThatThrownBy(() -> b.pollInterval(Duration.ofMillis(5))).isInstanceOf(IllegalStateException.class)
        .hasMessage("pollInterval was already set");
    assertThatThrownBy(() -> JdbcIdempotencyStore.builder(thisInstance()).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("pollInterval must be between 1 ms and 1 second, was PT0S");
  }
}
