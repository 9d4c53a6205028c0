package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditSink;
import com.algosure.authz.spi.Entitlements;
import com.algosure.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The entitlement cache's TTL is judged on the decision point's time: an answer serves no decision more than the TTL
 * away from when it was loaded, in either direction, so a clock stepped back does not bring an expired answer back.
 */
class EntitlementCacheTimeTest {

  private static final Entitlements PLAN =
      new Entitlements(Set.of("e-filing"), Map.of("filings-per-month", 100L), Map.of());
  private static final AuditSink DISCARD = e -> { };

  private static AuthorizationRequest submit() {
    return AuthorizationRequest.builder().actor(user("alice")).tenant("acme").organization("sales")
        .action("filings:submit").resource(ResourceRef.of("filing", "f-1")).build();
  }

  private static PolicyDecisionPoint pdp(MutableClock clock, AtomicReference<Entitlements> plan) {
    return PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(Fixtures.directory())
        .auditSink(DISCARD).clock(clock).entitlementCacheTtl(Duration.ofSeconds(30))
        .entitlements(t -> plan.get()).build();
  }

  @Test
  void decideWhenClockStepsBackThenCachedEntitlementsStillExpireAfterTtl() {
    MutableClock clock = MutableClock.at(NOW);
    AtomicReference<Entitlements> plan = new AtomicReference<>(PLAN);
    PolicyDecisionPoint pdp = pdp(clock, plan);
    assertThat(pdp.decide(submit()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED); // entitled: on to approval

    plan.set(Entitlements.none()); // the billing domain removes the feature
    clock.set(NOW.minus(Duration.ofHours(1))); // the host's clock is stepped back an hour (NTP, an operator)
    clock.advance(Duration.ofSeconds(31)); // and the TTL passes

    AuthorizationDecision d = pdp.decide(submit());

    assertThat(d.reasons()).containsExactly(ReasonCode.ENTITLEMENT_MISSING);
  }

  @Test
  void decideWhenCacheTtlZeroThenSourceAskedEveryDecision() {
    MutableClock clock = MutableClock.at(NOW);
    AtomicReference<Entitlements> plan = new AtomicReference<>(PLAN);
    AtomicInteger calls = new AtomicInteger();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(DISCARD).clock(clock).entitlementCacheTtl(Duration.ZERO)
        .entitlements(t -> {
          calls.incrementAndGet();
          return plan.get();
        }).build();

    assertThat(pdp.decide(submit()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED);
    plan.set(Entitlements.none());

    assertThat(pdp.decide(submit()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_MISSING);
    assertThat(calls).hasValue(2);
  }

  /**
   * Regression: a limit's usage was judged on the cached answer, as old as the cache (30 seconds by default), so a
   * tenant one filing short of its monthly limit could file as often as it liked until the answer expired, the billing
   * domain's usage notwithstanding. The plan (its features, which limits it has) may be cached; a listed limit's usage
   * is read from the source on every decision that counts against it.
   */
  @Test
  void decideWhenTheLimitIsUsedUpWithinTheTtlThenTheNextDecisionIsDenied() {
    MutableClock clock = MutableClock.at(NOW);
    AtomicReference<Entitlements> plan = new AtomicReference<>(new Entitlements(Set.of("e-filing"),
        Map.of("filings-per-month", 100L), Map.of("filings-per-month", 99L)));
    PolicyDecisionPoint pdp = pdp(clock, plan);
    assertThat(pdp.decide(submit()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED); // one filing left: on to approval

    plan.set(new Entitlements(Set.of("e-filing"), Map.of("filings-per-month", 100L),
        Map.of("filings-per-month", 100L))); // the filing was made: billing counts it
    clock.advance(Duration.ofSeconds(1));

    AuthorizationDecision d = pdp.decide(submit());

    assertThat(d.reasons()).containsExactly(ReasonCode.ENTITLEMENT_LIMIT_EXCEEDED);
    assertThat(d.explanation()).contains("has used 100 of 100");
  }

  /**
   * The usage is read on every decision even when decisions share a millisecond (a busy service, or a clock that does
   * not advance): a tenant at its limit is denied on the next decision, not only on the next millisecond's. Also the
   * source is asked once per such decision, not twice.
   */
  @Test
  void decideWhenTheLimitIsUsedUpAtTheSameInstantThenTheNextDecisionIsDeniedAndTheSourceAskedOncePerDecision() {
    MutableClock clock = MutableClock.at(NOW);
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Entitlements> plan = new AtomicReference<>(new Entitlements(Set.of("e-filing"),
        Map.of("filings-per-month", 100L), Map.of("filings-per-month", 99L)));
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(DISCARD).clock(clock).entitlementCacheTtl(Duration.ofSeconds(30))
        .entitlements(t -> {
          calls.incrementAndGet();
          return plan.get();
        }).build();
    assertThat(pdp.decide(submit()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED);
    assertThat(calls).hasValue(1);

    plan.set(new Entitlements(Set.of("e-filing"), Map.of("filings-per-month", 100L),
        Map.of("filings-per-month", 100L)));

    assertThat(pdp.decide(submit()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_LIMIT_EXCEEDED);
    assertThat(calls).hasValue(2);
  }
}
