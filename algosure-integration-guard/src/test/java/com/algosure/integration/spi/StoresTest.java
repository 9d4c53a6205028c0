package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import com.algosure.testing.MutableClock;
import com.algosure.integration.ProviderId;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The in-memory SPI implementations: atomic claims, TTLs on the injected clock, pauses, consents. */
class StoresTest {

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  final IdempotencyKey key = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("p"), "mail:send", "k-1");

  @Test
  void providerKeyIsAStableUuidOfTheScopedKeySoTenantsSharingAProviderAccountNeverShareAKeyThere() {
    IdempotencyKey acme = new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", "order-1001");

    // the first 128 bits of SHA-256("acme acme-mail mail:send order-1001") (504783a1be5a4fe5b71ffc725e43096b...),
    // version 8: pinned, since a provider recognises a resubmission only by the same key
    assertThat(acme.providerKey()).isEqualTo("504783a1-be5a-8fe5-b71f-fc725e43096b");
    assertThat(java.util.UUID.fromString(acme.providerKey()).version()).isEqualTo(8);
    assertThat(java.util.UUID.fromString(acme.providerKey()).variant()).isEqualTo(2);
    assertThat(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", "order-1001").providerKey())
        .isEqualTo(acme.providerKey());
    assertThat(java.util.List.of(
        new IdempotencyKey(TenantId.of("globex"), ProviderId.of("acme-mail"), "mail:send", "order-1001"),
        new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-sms"), "mail:send", "order-1001"),
        new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:bulk", "order-1001"),
        new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send", "order-1002")))
        .extracting(IdempotencyKey::providerKey).doesNotContain(acme.providerKey()).doesNotHaveDuplicates();
    // the parts are separated by a space, which none may hold, so they never run together
    assertThatThrownBy(() -> new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "mail:send order-1001", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void newIdempotencyKeyWhenTheActionIsNotVisibleAsciiThenRefused() {
    // stores hash the action as UTF-8, where a lone surrogate becomes '?': "pay\uD800" and "pay?" were one scope; and
    // the provider key separates the parts with spaces
    for (String action : new String[] {"pay\uD800", "pay ment", "", "caf\u00e9", "x".repeat(256)}) {
      assertThatThrownBy(() -> new IdempotencyKey(TenantId.of("acme"), ProviderId.of("p"), action, "k-1"))
          .as("action of %d characters", action.length())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("action");
    }
    assertThat(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("p"), "#callback", "k-1").action()).isEqualTo("#callback");
  }

  @Test
  void claimWhenFreeThenClaimedThenInFlightForTheSameFingerprint() {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);

    assertThat(s.claim(key, "fp", "owner-1", Duration.ofHours(1))).isSameAs(ClaimResult.claimed());
    assertThat(s.claim(key, "fp", "owner-2", Duration.ofHours(1))).isSameAs(ClaimResult.inFlight());
    assertThat(s.claim(key, "other", "owner-3", Duration.ofHours(1))).isSameAs(ClaimResult.fingerprintMismatch());
  }

  @Test
  void completeOnlyByTheOwnerThenDuplicatesGetTheOutcome() {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);
    s.claim(key, "fp", "owner-1", Duration.ofHours(1));

    assertThat(s.complete(key, "intruder", "X", Duration.ofHours(1))).isFalse();
    assertThat(s.complete(key, "owner-1", "first", Duration.ofHours(1))).isTrue();
    assertThat(s.claim(key, "fp", "owner-2", Duration.ofHours(1))).isEqualTo(new ClaimResult.Completed("first"));
  }

  @Test
  void releaseOnlyByTheOwnerThenTheKeyIsFreeAgain() {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);
    s.claim(key, "fp", "owner-1", Duration.ofHours(1));

    assertThat(s.release(key, "intruder")).isFalse();
    assertThat(s.release(key, "owner-1")).isTrue();
    assertThat(s.claim(key, "fp", "owner-2", Duration.ofHours(1))).isSameAs(ClaimResult.claimed());
  }

  @Test
  void recordsExpireWhenTheClockPassesTheirTtl() {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);
    s.claim(key, "fp", "owner-1", Duration.ofMinutes(10));
    s.complete(key, "owner-1", "first", Duration.ofMinutes(10));

    clock.advance(Duration.ofMinutes(10));

    assertThat(s.isReserved(key)).isFalse();
    assertThat(s.claim(key, "other-payload", "owner-2", Duration.ofMinutes(10))).isSameAs(ClaimResult.claimed());
  }

  @Test
  void anInFlightClaimWhoseOwnerVanishedExpiresByItsTtl() {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);
    s.claim(key, "fp", "crashed-owner", Duration.ofMinutes(1));

    clock.advance(Duration.ofMinutes(1));

    assertThat(s.claim(key, "fp", "owner-2", Duration.ofMinutes(1))).isSameAs(ClaimResult.claimed());
    assertThat(s.complete(key, "crashed-owner", "late", Duration.ofMinutes(1))).isFalse();
  }

  @Test
  void awaitCompletionReturnsTheOutcomeOnceTheOwnerCompletes() throws Exception {
    InMemoryIdempotencyStore s = IdempotencyStore.inMemory(clock);
    s.claim(key, "fp", "owner-1", Duration.ofHours(1));
    Thread completer = new Thread(() -> s.complete(key, "owner-1", "first", Duration.ofHours(1)));

    completer.start();
    Optional<Object> first = s.awaitCompletion(key, Duration.ofSeconds(10));
    completer.join();

    assertThat(first).contains("first");
  }

  @Test
  void rateLimitPauseIsOnlyExtendedAndEndsWithTheClock() {
    InMemoryRateLimitStore s = RateLimitStore.inMemory();
    RateLimitKey k = RateLimitKey.of(ProviderId.of("p"), TenantId.of("acme"));
    Instant now = clock.instant();

    s.pause(k, now.plusSeconds(30));
    s.pause(k, now.plusSeconds(10));

    assertThat(s.pausedUntil(k, now)).contains(now.plusSeconds(30));
    assertThat(s.acquire(k, RateLimit.of(5, Duration.ofSeconds(1)), now)).isEqualTo(new RateLimitDecision.Paused(now.plusSeconds(30)));
    assertThat(s.pausedUntil(k, now.plusSeconds(30))).isEmpty();
    assertThat(s.pausedUntil(RateLimitKey.providerWide(ProviderId.of("p")), now)).isEmpty();
  }

  @Test
  void rateLimitGrantsUpToTheLimitThenExhausted() {
    InMemoryRateLimitStore s = RateLimitStore.inMemory();
    RateLimitKey k = RateLimitKey.of(ProviderId.of("p"), TenantId.of("acme"));
    RateLimit limit = RateLimit.of(2, Duration.ofHours(1));
    Instant now = clock.instant();

    assertThat(s.acquire(k, limit, now)).isSameAs(RateLimitDecision.granted());
    assertThat(s.acquire(k, limit, now)).isSameAs(RateLimitDecision.granted());
    RateLimitDecision third = s.acquire(k, limit, now);

    // the permits come back when the hour that began with the first acquire ends (the limiter counts on real
    // time, so "the hour" began a moment before now): not after one permit's share of it (30 minutes)
    assertThat(third).isInstanceOf(RateLimitDecision.Exhausted.class);
    assertThat(((RateLimitDecision.Exhausted) third).retryAt())
        .isBetween(now.plus(Duration.ofHours(1)).minusSeconds(10), now.plus(Duration.ofHours(1)));
  }

  @Test
  void consentLimitedToAnOrganizationCoversOnlyIt() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    r.grant(TenantId.of("acme"), OrganizationId.of("sales"), "customer-1", ConsentScope.STORAGE, clock.instant().plusSeconds(60));

    ConsentCheck same = r.check(new ConsentQuery(TenantId.of("acme"), Optional.of(OrganizationId.of("sales")),
        Optional.of("customer-1"), ConsentScope.STORAGE), clock.instant());
    ConsentCheck otherOrg = r.check(new ConsentQuery(TenantId.of("acme"), Optional.of(OrganizationId.of("hr")),
        Optional.of("customer-1"), ConsentScope.STORAGE), clock.instant());
    ConsentCheck otherScope = r.check(new ConsentQuery(TenantId.of("acme"), Optional.of(OrganizationId.of("sales")),
        Optional.of("customer-1"), ConsentScope.GOVERNMENT_RECORDS), clock.instant());

    assertThat(same.status()).isEqualTo(ConsentStatus.GRANTED);
    assertThat(otherOrg.status()).isEqualTo(ConsentStatus.MISSING);
    assertThat(otherScope.status()).isEqualTo(ConsentStatus.MISSING);
  }

  @Test
  void consentLimitedToADataSubjectCoversOnlyThatSubject() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    r.grant(TenantId.of("acme"), OrganizationId.of("sales"), "customer-1", ConsentScope.MAIL, clock.instant().plusSeconds(60));

    ConsentCheck otherSubject = r.check(new ConsentQuery(TenantId.of("acme"), Optional.of(OrganizationId.of("sales")),
        Optional.of("customer-2"), ConsentScope.MAIL), clock.instant());
    ConsentCheck noSubject = r.check(new ConsentQuery(TenantId.of("acme"), Optional.of(OrganizationId.of("sales")),
        Optional.empty(), ConsentScope.MAIL), clock.instant());

    assertThat(otherSubject.status()).isEqualTo(ConsentStatus.MISSING);
    assertThat(noSubject.status()).isEqualTo(ConsentStatus.MISSING);
  }

  @Test
  void consentCoversOnlyItsOwnTenant() {
    // what a host's registry that keeps every tenant's consents in one list relies on
    Consent acme = new Consent("c-1", TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL,
        clock.instant(), clock.instant().plusSeconds(60), Optional.empty());

    assertThat(acme.covers(new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL)))
        .isTrue();
    assertThat(acme.covers(new ConsentQuery(TenantId.of("globex"), Optional.empty(), Optional.empty(), ConsentScope.MAIL)))
        .isFalse();
  }

  @Test
  void consentIsExpiredFromItsExpiryInstantOn() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    Instant expiresAt = clock.instant().plusSeconds(60);
    r.grant(TenantId.of("acme"), ConsentScope.MAIL, expiresAt);
    ConsentQuery q = new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL);

    assertThat(r.check(q, expiresAt.minusNanos(1)).status()).isEqualTo(ConsentStatus.GRANTED);
    assertThat(r.check(q, expiresAt).status()).isEqualTo(ConsentStatus.EXPIRED);
  }

  @Test
  void consentGrantedForALaterStartDoesNotCoverACallBeforeIt() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    Instant starts = clock.instant().plusSeconds(60);
    r.grant(new Consent("c-later", TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL, starts,
        starts.plusSeconds(3600), Optional.empty()));
    ConsentQuery q = new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL);

    assertThat(r.check(q, clock.instant()).status()).isEqualTo(ConsentStatus.MISSING);
    assertThat(r.check(q, starts).status()).isEqualTo(ConsentStatus.GRANTED);
  }

  @Test
  void consentRevocationIsSeenByTheNextCheck() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    Consent c = r.grant(TenantId.of("acme"), ConsentScope.of("CALENDAR"), clock.instant().plusSeconds(60));
    ConsentQuery q = new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.of("CALENDAR"));
    assertThat(r.check(q, clock.instant()).status()).isEqualTo(ConsentStatus.GRANTED);

    assertThat(r.revoke(c.id())).isTrue();

    assertThat(r.check(q, clock.instant())).isEqualTo(new ConsentCheck(ConsentStatus.REVOKED, Optional.of(c.id())));
  }

  /** Regression: revoking an id held by a renewed consent (same id, later expiry) revoked the old one only. */
  @Test
  void consentRevocationRevokesEveryConsentRecordedUnderTheId() {
    InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
    Instant now = clock.instant();
    r.grant(new Consent("crm-77", TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL, now,
        now.plusSeconds(60), Optional.empty()));
    r.grant(new Consent("crm-77", TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL, now,
        now.plusSeconds(3600), Optional.empty())); // renewed under the host's id
    ConsentQuery q = new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL);

    assertThat(r.revoke("crm-77")).isTrue();

    assertThat(r.check(q, now)).isEqualTo(new ConsentCheck(ConsentStatus.REVOKED, Optional.of("crm-77")));
  }

  /**
   * Regression: two revocations of one consent at once both found it unrevoked in their snapshot, both answered true
   * (a host emitting its "consent revoked" event on true emitted it twice) and both added a revoked copy; and a check
   * between a revocation's removal and its re-adding found no consent at all.
   */
  @Test
  void consentRevokedConcurrentlyThenExactlyOneRevocationFindsItAndChecksSeeItRevoked() throws Exception {
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
    try {
      for (int round = 0; round < 300; round++) {
        InMemoryConsentRegistry r = ConsentRegistry.inMemory(clock);
        Consent c = r.grant(TenantId.of("acme"), ConsentScope.MAIL, clock.instant().plusSeconds(60));
        ConsentQuery q = new ConsentQuery(TenantId.of("acme"), Optional.empty(), Optional.empty(), ConsentScope.MAIL);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Boolean>> revokes = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          revokes.add(pool.submit(() -> {
            start.await();
            return r.revoke(c.id());
          }));
        }
        java.util.concurrent.Future<java.util.Set<ConsentStatus>> checks = pool.submit(() -> {
          java.util.Set<ConsentStatus> seen = java.util.EnumSet.noneOf(ConsentStatus.class);
          start.await();
          for (int i = 0; i < 200; i++) {
            seen.add(r.check(q, clock.instant()).status());
          }
          return seen;
        });
        start.countDown();
        int found = 0;
        for (java.util.concurrent.Future<Boolean> f : revokes) {
          found += f.get(10, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
        }

        assertThat(found).as("round %d: revocations that found the consent", round).isEqualTo(1);
        assertThat(checks.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("round %d", round)
            .doesNotContain(ConsentStatus.MISSING);
        assertThat(r.revoke(c.id())).isFalse();
        assertThat(r.check(q, clock.instant())).isEqualTo(new ConsentCheck(ConsentStatus.REVOKED, Optional.of(c.id())));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void evidenceIsKeptByReference() {
    InMemoryEvidenceStore s = EvidenceStore.inMemory();
    Evidence e = new Evidence("UNKNOWN_STATE", TenantId.of("acme"), ProviderId.of("p"), "mail:send", Optional.of("k"),
        Optional.empty(), "sha256:00", 1, java.util.OptionalInt.of(200), new byte[] {1, 2}, "timeout", clock.instant());

    String ref = s.keep(e);

    assertThat(s.find(ref)).contains(e);
    assertThat(e.toString()).contains("body=2 bytes");
  }

  private Evidence evidence(int n) {
    return new Evidence("UNKNOWN_STATE", TenantId.of("acme"), ProviderId.of("p"), "mail:send", Optional.of("k-" + n),
        Optional.empty(), "sha256:00", 1, java.util.OptionalInt.of(200), new byte[] {1}, "timeout", clock.instant());
  }

  /** Regression: a frequency-based cache kept an arbitrary mix of old and new pieces once full, not the newest. */
  @Test
  void evidenceWhenTheStoreIsFullThenTheOldestAreDroppedAndTheNewestKept() {
    InMemoryEvidenceStore s = EvidenceStore.inMemory();
    int max = InMemoryEvidenceStore.MAXIMUM;
    String[] refs = new String[2 * max];
    for (int i = 0; i < refs.length; i++) {
      refs[i] = s.keep(evidence(i));
    }

    assertThat(s.size()).isEqualTo(max);
    int oldKept = 0;
    int newLost = 0;
    for (int i = 0; i < refs.length; i++) {
      boolean kept = s.find(refs[i]).isPresent();
      oldKept += i < max && kept ? 1 : 0;
      newLost += i >= max && !kept ? 1 : 0;
    }
    assertThat(oldKept).as("older pieces still kept").isZero();
    assertThat(newLost).as("newest pieces dropped").isZero();
    assertThat(s.find(refs[refs.length - 1]).orElseThrow().idempotencyKey()).contains("k-" + (refs.length - 1));
  }

  @Test
  void evidenceWhenMaximumBelowOneThenRejected() {
    assertThatThrownBy(() -> new InMemoryEvidenceStore(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximum must be at least 1, was 0");
  }
}
