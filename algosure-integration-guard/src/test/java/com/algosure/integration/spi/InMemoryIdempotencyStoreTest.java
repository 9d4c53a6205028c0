package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.testing.MutableClock;
import com.algosure.testing.Race;
import com.algosure.integration.ProviderId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory idempotency store's compact records: UUID keys and SHA-256 fingerprints kept as bits must
 * compare exactly as the strings they came from, completed records replay what they were completed with,
 * and waiting duplicates are woken without a completion future on every record.
 */
class InMemoryIdempotencyStoreTest {

  static final Duration TTL = Duration.ofHours(1);
  static final String SHA = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String HEX = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  final InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock);

  static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of("acme"), ProviderId.of("p"), "mail:send", k);
  }

  private void completed(IdempotencyKey key, String fingerprint, Object outcome) {
    assertThat(store.claim(key, fingerprint, "owner-1", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.complete(key, "owner-1", outcome, TTL)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {SHA, HEX, "fp", "sha256:0123", "SHA256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
      "sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeX", "sha256:é123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
  void claimWhenCompletedWithTheSameFingerprintThenReplaysTheOutcomeWhateverItsForm(String fingerprint) {
    Object outcome = new Object();
    completed(key("k-1"), fingerprint, outcome);

    ClaimResult again = store.claim(key("k-1"), fingerprint, "owner-2", TTL);

    assertThat(again).isInstanceOfSatisfying(ClaimResult.Completed.class, c -> assertThat(c.outcome()).isSameAs(outcome));
  }

  @Test
  void claimWhenCompletedWithASha256FingerprintThenAnyOtherFingerprintIsAMismatch() {
    completed(key("k-1"), SHA, "first");
    String lastDigitChanged = SHA.substring(0, SHA.length() - 1) + "e";
    String firstDigitChanged = "sha256:1" + SHA.substring(8);

    for (String other : List.of(lastDigitChanged, firstDigitChanged, SHA.toUpperCase(Locale.ROOT), "sha256:" + HEX,
        SHA.substring(7), SHA + "0", SHA.substring(0, SHA.length() - 1), "sha257:" + SHA.substring(7), "x" + SHA.substring(1),
        "sha256:" + "0123456789abcdeg".repeat(4))) {
      assertThat(store.claim(key("k-1"), other, "owner-2", TTL)).as(other).isSameAs(ClaimResult.fingerprintMismatch());
    }
  }

  @Test
  void claimWhenCompletedWithABareHexFingerprintThenThePrefixedFormIsAMismatch() {
    completed(key("k-1"), HEX, "first");

    assertThat(store.claim(key("k-1"), "sha256:" + HEX, "owner-2", TTL)).isSameAs(ClaimResult.fingerprintMismatch());
    assertThat(store.claim(key("k-1"), HEX.toUpperCase(Locale.ROOT), "owner-2", TTL)).isSameAs(ClaimResult.fingerprintMismatch());
    assertThat(store.claim(key("k-1"), HEX, "owner-2", TTL)).isEqualTo(new ClaimResult.Completed("first"));
  }

  @Test
  void keysInUuidFormAreDistinctFromEveryOtherSpellingOfTheSameUuid() {
    UUID id = new UUID(0x5eedL, 42);
    String canonical = id.toString();
    completed(key(canonical), SHA, "lower");

    // the same letters in another case, or the same bits spelt otherwise, are other keys
    assertThat(store.claim(key(canonical.toUpperCase(Locale.ROOT)), SHA, "owner-2", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key(canonical.replace("-", "")), SHA, "owner-3", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key("{" + canonical.substring(1)), SHA, "owner-4", TTL)).isSameAs(ClaimResult.claimed());
    // the canonical spelling is the same key, in every scope component
    assertThat(store.claim(key(canonical), SHA, "owner-5", TTL)).isEqualTo(new ClaimResult.Completed("lower"));
    assertThat(store.claim(new IdempotencyKey(TenantId.of("globex"), ProviderId.of("p"), "mail:send", canonical), SHA, "o", TTL))
        .isSameAs(ClaimResult.claimed());
    assertThat(store.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("q"), "mail:send", canonical), SHA, "o", TTL))
        .isSameAs(ClaimResult.claimed());
    assertThat(store.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("p"), "mail:other", canonical), SHA, "o", TTL))
        .isSameAs(ClaimResult.claimed());
    assertThat(store.isReserved(key(canonical))).isTrue();
    assertThat(store.size()).isEqualTo(7);
  }

  @Test
  void keysThatDifferOnlyInOneUuidDigitAreDistinct() {
    completed(key("00000000-0000-0000-0000-000000000001"), SHA, "one");

    assertThat(store.claim(key("00000000-0000-0000-0000-000000000002"), SHA, "o", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key("10000000-0000-0000-0000-000000000001"), SHA, "o", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(store.claim(key("00000000-0000-0000-0000-000000000001"), SHA, "o", TTL)).isEqualTo(new ClaimResult.Completed("one"));
  }

  @Test
  void keysOfMoreScopesThanAreSharedAreStillKeptApartAndFound() {
    InMemoryIdempotencyStore large = IdempotencyStore.inMemory(clock, 100_000);
    int tenants = InMemoryIdempotencyStore.MAX_SCOPES + 50;
    for (int t = 0; t < tenants; t++) {
      IdempotencyKey k = new IdempotencyKey(TenantId.of("t-" + t), ProviderId.of("p"), "mail:send", new UUID(0, 1).toString());
      assertThat(large.claim(k, SHA, "owner", TTL)).as("tenant %d", t).isSameAs(ClaimResult.claimed());
      assertThat(large.complete(k, "owner", "outcome-" + t, TTL)).isTrue();
    }

    for (int t : new int[] {0, InMemoryIdempotencyStore.MAX_SCOPES - 1, InMemoryIdempotencyStore.MAX_SCOPES, tenants - 1}) {
      IdempotencyKey k = new IdempotencyKey(TenantId.of("t-" + t), ProviderId.of("p"), "mail:send", new UUID(0, 1).toString());
      assertThat(large.claim(k, SHA, "someone", TTL)).isEqualTo(new ClaimResult.Completed("outcome-" + t));
    }
    assertThat(large.size()).isEqualTo(tenants);
  }

  @Test
  void claimWhenTheStoreHoldsItsMaximumOfLiveKeysThenANewKeyIsRefusedAndNoLiveKeyIsForgotten() {
    InMemoryIdempotencyStore small = IdempotencyStore.inMemory(clock, 3, 3); // one tenant: the store's bound, not the tenant's
    for (String k : List.of("a", "b")) {
      assertThat(small.claim(key(k), SHA, "owner-" + k, TTL)).isSameAs(ClaimResult.claimed());
      assertThat(small.complete(key(k), "owner-" + k, "outcome-" + k, TTL)).isTrue();
    }
    assertThat(small.claim(key("c"), SHA, "owner-c", TTL)).isSameAs(ClaimResult.claimed());

    assertThatThrownBy(() -> small.claim(key("d"), SHA, "owner-d", TTL))
        .isInstanceOfSatisfying(IdempotencyStoreFullException.class, e -> assertThat(e.maximumKeys()).isEqualTo(3))
        .hasMessageContaining("maximum of 3 live keys")
        .hasMessageContaining("raise maximumKeys");

    assertThat(small.claim(key("a"), SHA, "someone", TTL)).isEqualTo(new ClaimResult.Completed("outcome-a"));
    assertThat(small.claim(key("b"), SHA, "someone", TTL)).isEqualTo(new ClaimResult.Completed("outcome-b"));
    assertThat(small.claim(key("c"), SHA, "someone", TTL)).isSameAs(ClaimResult.inFlight());
    assertThat(small.complete(key("c"), "owner-c", "outcome-c", TTL)).isTrue();
    assertThat(small.isReserved(key("d"))).isFalse();
    assertThat(small.size()).isEqualTo(3);
  }

  @Test
  void claimWhenTheStoreIsFullAndARecordExpiresThenANewKeyFitsAgain() {
    InMemoryIdempotencyStore small = IdempotencyStore.inMemory(clock, 2, 2); // one tenant: the store's bound, not the tenant's
    small.claim(key("short"), SHA, "o", Duration.ofSeconds(10));
    small.claim(key("long"), SHA, "o", TTL);
    assertThatThrownBy(() -> small.claim(key("new"), SHA, "o", TTL)).isInstanceOf(IdempotencyStoreFullException.class);

    clock.advance(Duration.ofSeconds(15));

    assertThat(small.claim(key("new"), SHA, "o", TTL)).isSameAs(ClaimResult.claimed());
    assertThat(small.claim(key("long"), SHA, "other", TTL)).isSameAs(ClaimResult.inFlight());
    assertThatThrownBy(() -> small.claim(key("short"), SHA, "o", TTL)).as("its record expired, and the store is full again")
        .isInstanceOf(IdempotencyStoreFullException.class);
  }

  @Test
  void claimWhenThreadsRaceForTheLastRoomThenTheBoundHoldsWithinOneKeyAThreadAndNoClaimedKeyIsLost() throws Exception {
    int threads = 8;
    int keysEach = 1_000;
    int bound = 2_000;
    InMemoryIdempotencyStore small = IdempotencyStore.inMemory(clock, bound, bound); // one tenant: the store's bound
    List<String> claimed = Race.gather(threads, thread -> {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < keysEach; i++) {
        String k = "t" + thread + "-" + i;
        try {
          if (small.claim(key(k), SHA, "owner-" + k, TTL) instanceof ClaimResult.Claimed) {
            mine.add(k);
          }
        } catch (IdempotencyStoreFullException full) {
          // refused: the store is at its bound
        }
      }
      return mine;
    });

    assertThat(claimed.size()).isBetween(bound, bound + threads);
    assertThat(small.size()).isEqualTo(claimed.size());
    for (String k : claimed) {
      assertThat(small.claim(key(k), SHA, "someone-else", TTL)).as(k).isSameAs(ClaimResult.inFlight());
    }
  }

  /** Regression: at its bound the store used to evict live records (Caffeine's maximumSize), so replays ran again. */
  @Test
  void completedKeysAreNeverForgottenWithinTheirTimeToLiveWhenMoreKeysArrive() {
    InMemoryIdempotencyStore small = IdempotencyStore.inMemory(clock, 100, 100); // one tenant: the store's bound
    int refused = 0;
    for (int i = 0; i < 150; i++) {
      try {
        assertThat(small.claim(key("k-" + i), SHA, "owner-" + i, TTL)).isSameAs(ClaimResult.claimed());
        assertThat(small.complete(key("k-" + i), "owner-" + i, "outcome-" + i, TTL)).isTrue();
      } catch (IdempotencyStoreFullException e) {
        refused++;
      }
    }

    assertThat(refused).isEqualTo(50);
    for (int i = 0; i < 100; i++) {
      assertThat(small.claim(key("k-" + i), SHA, "replay", TTL)).as("replay of k-%d", i)
          .isEqualTo(new ClaimResult.Completed("outcome-" + i));
    }
  }

  @Test
  void completeWhenTheRecordIsCompletedThenNobodyCanCompleteOrReleaseItAgain() {
    completed(key("k-1"), SHA, "first");

    assertThat(store.complete(key("k-1"), "owner-1", "second", TTL)).isFalse();
    assertThat(store.release(key("k-1"), "owner-1")).isFalse();
    assertThat(store.claim(key("k-1"), SHA, "owner-2", TTL)).isEqualTo(new ClaimResult.Completed("first"));
  }

  @Test
  void completeWhenTheClaimExpiredThenRefused() {
    store.claim(key("k-1"), SHA, "owner-1", Duration.ofSeconds(5));
    clock.advance(Duration.ofSeconds(5));

    assertThat(store.complete(key("k-1"), "owner-1", "late", TTL)).isFalse();
  }

  @Test
  void aCompletedRecordLivesForTheCompletionsTtlRoundedUpToTheMillisecond() {
    store.claim(key("k-1"), SHA, "owner-1", Duration.ofSeconds(1));
    store.complete(key("k-1"), "owner-1", "first", Duration.ofMillis(2).plusNanos(1));

    clock.advance(Duration.ofMillis(2));
    assertThat(store.isReserved(key("k-1"))).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(store.isReserved(key("k-1"))).isFalse();
  }

  @Test
  void aTtlBeyondTheCalendarNeverOverflowsIntoThePast() {
    assertThat(store.claim(key("k-1"), SHA, "owner-1", Duration.ofSeconds(Long.MAX_VALUE))).isSameAs(ClaimResult.claimed());
    assertThat(store.complete(key("k-1"), "owner-1", "forever", Duration.ofDays(365L * 1_000_000))).isTrue();

    clock.advance(Duration.ofDays(365L * 10));

    assertThat(store.claim(key("k-1"), SHA, "owner-2", TTL)).isEqualTo(new ClaimResult.Completed("forever"));
  }

  @Test
  void awaitCompletionWhenTheOwnerReleasesThenEmptyAndTheKeyIsFree() throws Exception {
    store.claim(key("k-1"), SHA, "owner-1", TTL);
    Thread[] waiter = new Thread[1];
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> waiter[0] = new Thread(r, "waiter"));
    try {
      Future<Optional<Object>> waiting = pool.submit(() -> store.awaitCompletion(key("k-1"), Duration.ofSeconds(30)));
      awaitParked(waiter, waiting); // the release below must wake a registered waiter, not find none

      assertThat(store.release(key("k-1"), "owner-1")).isTrue();

      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
      assertThat(store.claim(key("k-1"), SHA, "owner-2", TTL)).isSameAs(ClaimResult.claimed());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits (at most 10 s) until the waiter thread is parked in its timed wait, or its task has ended. */
  private static void awaitParked(Thread[] waiter, Future<?> task) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!task.isDone() && (waiter[0] == null || waiter[0].getState() != Thread.State.TIMED_WAITING)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the waiter never started waiting");
      }
      Thread.sleep(1);
    }
  }

  @Test
  void awaitCompletionWhenAlreadyCompletedOrUnknownThenAnswersAtOnce() throws Exception {
    completed(key("k-1"), SHA, "first");

    assertThat(store.awaitCompletion(key("k-1"), Duration.ofSeconds(30))).contains("first");
    assertThat(store.awaitCompletion(key("unknown"), Duration.ofSeconds(30))).isEmpty();
  }

  @Test
  void awaitCompletionWhenTheOwnerNeverCompletesThenEmptyAfterTheWait() throws Exception {
    store.claim(key("k-1"), SHA, "owner-1", TTL);

    assertThat(store.awaitCompletion(key("k-1"), Duration.ofMillis(20))).isEmpty();
    assertThat(store.complete(key("k-1"), "owner-1", "first", TTL)).as("the waiter left the claim intact").isTrue();
  }

  @Test
  void manyDuplicatesWaitingWhileTheOwnerCompletesAllGetTheOutcome() throws Exception {
    for (int round = 0; round < 20; round++) {
      IdempotencyKey k = key(new UUID(round, 7).toString());
      store.claim(k, SHA, "owner-" + round, TTL);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<Object>>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          waiting.add(pool.submit(() -> {
            go.await();
            return store.awaitCompletion(k, Duration.ofSeconds(30));
          }));
        }
        go.countDown();
        assertThat(store.complete(k, "owner-" + round, "outcome-" + round, TTL)).isTrue();
        for (Future<Optional<Object>> w : waiting) {
          assertThat(w.get(30, TimeUnit.SECONDS)).contains("outcome-" + round);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void concurrentClaimsOfTheSameKeyThenExactlyOneIsClaimed() throws Exception {
    for (String k : List.of(new UUID(1, 2).toString(), "not-a-uuid-key")) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ClaimResult>> claims = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          String owner = "owner-" + i;
          claims.add(pool.submit(() -> {
            go.await();
            return store.claim(key(k), SHA, owner, TTL);
          }));
        }
        go.countDown();
        int claimed = 0;
        for (Future<ClaimResult> c : claims) {
          ClaimResult r = c.get(30, TimeUnit.SECONDS);
          if (r == ClaimResult.claimed()) {
            claimed++;
          } else {
            assertThat(r).isSameAs(ClaimResult.inFlight());
          }
        }
        assertThat(claimed).as(k).isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
