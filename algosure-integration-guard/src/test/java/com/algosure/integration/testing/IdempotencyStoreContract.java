package com.algosure.integration.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
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
import org.junit.jupiter.api.Test;

/**
 * What every {@link IdempotencyStore} promises, whatever keeps its records: one claim per key at a time, a
 * fingerprint bound to the key, claims and records that expire by their TTL on the store's clock, only the owner
 * completing or releasing its claim, and waiting callers woken by the completion. A store's test extends this
 * class and supplies two handles on the same records ({@link #store()} and {@link #otherInstance()}: two service
 * instances with their own connections, or the same object for an in-memory store) reading {@link #clock}. Keys
 * are distinct per test, so a store shared by the whole class is fine.
 */
public abstract class IdempotencyStoreContract {

  protected static final Duration TTL = Duration.ofMinutes(10);
  protected static final String FP = "sha256:aaaa";
  protected static final String OTHER_FP = "sha256:bbbb";

  /** The clock every store handle of the test reads; tests move it instead of sleeping. */
  protected final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

  /** @return a store handle reading {@link #clock}, as this service instance sees the records */
  protected abstract IdempotencyStore store();

  /** @return another handle on the same records (another service instance), reading {@link #clock} */
  protected abstract IdempotencyStore otherInstance();

  /**
   * Asserts what a claim of a completed key replays.
   *
   * @param replayed what {@link ClaimResult.Completed#outcome()} holds
   * @param completedWith the outcome the first caller completed the key with
   */
  protected void assertReplays(Object replayed, IntegrationOutcome<String> completedWith) {
    assertThat(replayed).isEqualTo(completedWith);
  }

  protected static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", k);
  }

  /** @return an accepted outcome whose value and payload are not safe to store (a message id, an address) */
  protected static IntegrationOutcome<String> accepted() {
    IntegrationRequest request = IntegrationRequest.builder().provider("acme-mail").action("mail:send").tenant("acme")
        .idempotencyKey("k").payload("{\"to\":\"someone@example.com\"}".getBytes(StandardCharsets.UTF_8),
            "application/json").build();
    return new IntegrationOutcome.Accepted<>(request, "message-42", 1, 202, Map.of("messageId", "m-42"));
  }

  /**
   * A claim whose reply is lost (a timeout) may still have taken the key: its owner claiming again is answered
   * Claimed (the key is its own, its expiry unchanged), while every other owner still finds it in flight.
   */
  @Test
  void claimWhenTheSameOwnerClaimsAgainThenClaimedAndAnotherOwnerStillFindsItInFlight() {
    IdempotencyKey key = key("claimed-again");
    assertThat(store().claim(key, FP, "owner-1", TTL)).isInstanceOf(ClaimResult.Claimed.class);

    // the retry may reach the store through another connection
    assertThat(otherInstance().claim(key, FP, "owner-1", TTL)).isInstanceOf(ClaimResult.Claimed.class);
    assertThat(otherInstance().claim(key, FP, "owner-2", TTL)).isInstanceOf(ClaimResult.InFlight.class);
    assertThat(store().claim(key, OTHER_FP, "owner-1", TTL)).isInstanceOf(ClaimResult.FingerprintMismatch.class);
    assertThat(store().complete(key, "owner-1", accepted(), TTL)).isTrue();
    // completed: the owner's claim is a duplicate like anyone's
    assertThat(store().claim(key, FP, "owner-1", TTL)).isInstanceOf(ClaimResult.Completed.class);
  }

  @Test
  void claimWhenKeyFreeThenClaimed() {
    assertThat(store().claim(key("free"), FP, "owner-1", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void claimWhenHeldByAnotherOwnerThenInFlight() {
    store().claim(key("held"), FP, "owner-1", TTL);

    assertThat(otherInstance().claim(key("held"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void claimWhenHeldWithAnotherFingerprintThenMismatch() {
    store().claim(key("reused"), FP, "owner-1", TTL);

    assertThat(otherInstance().claim(key("reused"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.fingerprintMismatch());
  }

  @Test
  void claimWhenCompletedThenReplaysTheFirstOutcome() {
    IdempotencyStore store = store();
    IntegrationOutcome<String> first = accepted();
    store.claim(key("done"), FP, "owner-1", TTL);
    assertThat(store.complete(key("done"), "owner-1", first, TTL)).isTrue();

    ClaimResult again = otherInstance().claim(key("done"), FP, "owner-2", TTL);

    assertThat(again).isInstanceOfSatisfying(ClaimResult.Completed.class, c -> assertReplays(c.outcome(), first));
  }

  @Test
  void claimWhenCompletedWithAnotherFingerprintThenMismatch() {
    IdempotencyStore store = store();
    store.claim(key("done-other"), FP, "owner-1", TTL);
    store.complete(key("done-other"), "owner-1", accepted(), TTL);

    assertThat(store.claim(key("done-other"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.fingerprintMismatch());
  }

  @Test
  void claimWhenClaimExpiredThenClaimedByTheNewOwner() {
    IdempotencyStore store = store();
    store.claim(key("expired"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));

    assertThat(store.claim(key("expired"), OTHER_FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void releaseWhenClaimExpiredThenOldOwnerCannotReleaseTheNewClaim() {
    IdempotencyStore store = store();
    store.claim(key("taken-over"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));
    store.claim(key("taken-over"), FP, "owner-2", TTL);

    assertThat(store.release(key("taken-over"), "owner-1")).isFalse();
    assertThat(store.complete(key("taken-over"), "owner-1", accepted(), TTL)).isFalse();
    assertThat(store.claim(key("taken-over"), FP, "owner-3", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void releaseWhenClaimExpiredAndNotRetakenThenOldOwnerStillCannotRelease() {
    IdempotencyStore store = store();
    store.claim(key("stale"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(30));

    assertThat(store.release(key("stale"), "owner-1")).isFalse();
    assertThat(store.complete(key("stale"), "owner-1", accepted(), TTL)).isFalse();
  }

  /**
   * The guard's recovery when its claim ran out before it settled (the host's slow work after the answer): the
   * completion is refused, the same owner claims the still-free key again with the same fingerprint, and that claim
   * holds a fresh time to live, so the completion then succeeds and the outcome replays.
   */
  @Test
  void completeWhenTheClaimRanOutAndTheSameOwnerClaimsTheFreeKeyAgainThenCompletedAndReplays() {
    IdempotencyStore store = store();
    store.claim(key("ran-out"), FP, "owner-1", Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(31));
    IntegrationOutcome<String> accepted = accepted();

    assertThat(store.complete(key("ran-out"), "owner-1", accepted, TTL)).isFalse();
    assertThat(store.claim(key("ran-out"), FP, "owner-1", Duration.ofSeconds(30))).isEqualTo(ClaimResult.claimed());
    assertThat(store.complete(key("ran-out"), "owner-1", accepted, TTL)).isTrue();
    assertThat(otherInstance().claim(key("ran-out"), FP, "owner-2", TTL)).isInstanceOfSatisfying(ClaimResult.Completed.class,
        done -> assertReplays(done.outcome(), accepted));
  }

  @Test
  void releaseWhenOwnerReleasesThenKeyCanBeClaimedAgain() {
    IdempotencyStore store = store();
    store.claim(key("released"), FP, "owner-1", TTL);

    assertThat(store.release(key("released"), "owner-1")).isTrue();
    assertThat(store.claim(key("released"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void releaseWhenAnotherOwnerTriesThenRefused() {
    IdempotencyStore store = store();
    store.claim(key("not-yours"), FP, "owner-1", TTL);

    assertThat(store.release(key("not-yours"), "owner-2")).isFalse();
    assertThat(store.complete(key("not-yours"), "owner-2", accepted(), TTL)).isFalse();
  }

  @Test
  void releaseWhenCompletedThenRefused() {
    IdempotencyStore store = store();
    store.claim(key("completed-release"), FP, "owner-1", TTL);
    store.complete(key("completed-release"), "owner-1", accepted(), TTL);

    assertThat(store.release(key("completed-release"), "owner-1")).isFalse();
  }

  @Test
  void completeWhenCompletedRecordExpiresThenKeyIsFreeAgain() {
    IdempotencyStore store = store();
    store.claim(key("ttl"), FP, "owner-1", TTL);
    store.complete(key("ttl"), "owner-1", accepted(), Duration.ofHours(1));
    clock.advance(Duration.ofHours(1));

    assertThat(store.claim(key("ttl"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.claimed());
  }

  @Test
  void claimWhenNowPlusTtlOverflowsThenTheKeyStaysClaimed() {
    // now + TTL in milliseconds overflowed: the claim expired at once and a second owner claimed the key too
    store().claim(key("forever-1"), FP, "owner-1", Duration.ofMillis(Long.MAX_VALUE));
    clock.advance(Duration.ofDays(365L * 100)); // a century later

    assertThat(otherInstance().claim(key("forever-1"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void claimWhenTtlIsForeverThenTheKeyStaysClaimed() {
    store().claim(key("forever-2"), FP, "owner-1", ChronoUnit.FOREVER.getDuration());
    clock.advance(Duration.ofDays(365L * 100));

    assertThat(otherInstance().claim(key("forever-2"), FP, "owner-2", TTL)).isEqualTo(ClaimResult.inFlight());
  }

  @Test
  void completeWhenNowPlusTtlOverflowsThenTheOutcomeReplays() {
    // the completed record expired at once, and the next duplicate claimed the key and ran again
    IdempotencyStore store = store();
    store.claim(key("forever-done-1"), FP, "owner-1", TTL);

    assertThat(store.complete(key("forever-done-1"), "owner-1", accepted(), Duration.ofMillis(Long.MAX_VALUE))).isTrue();
    clock.advance(Duration.ofDays(365L * 100));
    assertThat(otherInstance().claim(key("forever-done-1"), FP, "owner-2", TTL)).isInstanceOf(ClaimResult.Completed.class);
    store.claim(key("forever-done-2"), FP, "owner-1", TTL);
    assertThat(store.complete(key("forever-done-2"), "owner-1", accepted(), ChronoUnit.FOREVER.getDuration())).isTrue();
    clock.advance(Duration.ofDays(365L * 100));
    assertThat(otherInstance().claim(key("forever-done-2"), FP, "owner-2", TTL)).isInstanceOf(ClaimResult.Completed.class);
  }

  @Test
  void claimWhenFiftyThreadsOfTwoInstancesRaceThenExactlyOneClaims() throws Exception {
    IdempotencyStore a = store();
    IdempotencyStore b = otherInstance();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<ClaimResult>> results = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        IdempotencyStore s = i % 2 == 0 ? a : b;
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
    IdempotencyStore owner = store();
    IdempotencyStore waiter = otherInstance();
    IntegrationOutcome<String> first = accepted();
    owner.claim(key("await"), FP, "owner-1", TTL);
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Optional<Object>> result = CompletableFuture.supplyAsync(() -> {
      try {
        waiting.countDown();
        return waiter.awaitCompletion(key("await"), Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    waiting.await();

    owner.complete(key("await"), "owner-1", first, TTL);

    assertThat(result.get(5, TimeUnit.SECONDS)).hasValueSatisfying(o -> assertReplays(o, first));
  }

  @Test
  void awaitCompletionWhenReleasedThenEmpty() throws Exception {
    IdempotencyStore store = store();
    store.claim(key("await-released"), FP, "owner-1", TTL);
    store.release(key("await-released"), "owner-1");

    assertThat(store.awaitCompletion(key("await-released"), Duration.ofSeconds(1))).isEmpty();
  }

  @Test
  void awaitCompletionWhenStillRunningThenEmptyAfterTheWait() throws Exception {
    IdempotencyStore store = store();
    store.claim(key("await-timeout"), FP, "owner-1", TTL);
    long start = System.nanoTime();

    assertThat(store.awaitCompletion(key("await-timeout"), Duration.ofMillis(50))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  @Test
  void awaitCompletionWhenThreadInterruptedThenThrowsInterruptedException() {
    // Redis: the interrupted poll was a RedisStoreException, "Redis refused HMGET"
    IdempotencyStore store = store();
    store.claim(key("await-interrupted"), FP, "owner-1", TTL);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> store.awaitCompletion(key("await-interrupted"), Duration.ofSeconds(5)))
          .isInstanceOf(InterruptedException.class);
    } finally {
      Thread.interrupted();
    }
  }

  /** Only a claim in flight is completed: a completed record keeps its first outcome and its expiry. */
  @Test
  void completeWhenTheKeyIsAlreadyCompletedThenRefusedAndTheFirstOutcomeReplaysUntilItsOwnTtl() {
    IdempotencyStore store = store();
    IntegrationOutcome<String> first = accepted();
    store.claim(key("completed-twice"), FP, "owner-1", TTL);
    assertThat(store.complete(key("completed-twice"), "owner-1", first, TTL)).isTrue();

    boolean again = store.complete(key("completed-twice"), "owner-1", accepted(), TTL.multipliedBy(100));

    assertThat(again).isFalse();
    assertThat(otherInstance().claim(key("completed-twice"), FP, "owner-2", TTL))
        .isInstanceOfSatisfying(ClaimResult.Completed.class, c -> assertReplays(c.outcome(), first));
    clock.advance(TTL.plusSeconds(1));
    assertThat(otherInstance().claim(key("completed-twice"), FP, "owner-2", TTL))
        .as("the record expired at its first TTL").isEqualTo(ClaimResult.claimed());
  }
}
