package com.algosure.authz;

import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.audit.AuditableDecision;
import com.algosure.authz.spi.AttributeDecision;
import com.algosure.authz.spi.DomainDecision;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The decision point audits through {@link AuditSink#recordDecision}: exactly once per decision, with the
 * failure policy applied to a sink that overrides it, and with the per-thread working state safe when a host
 * SPI or a sink decides again from inside a decision.
 */
class DecisionAuditPathTest {

  private final Fixtures f = Fixtures.create();

  /** @return a builder of the fixtures' decision point, audited by {@code sink} */
  private static PolicyDecisionPoint.Builder auditedBy(AuditSink sink) {
    return PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(Fixtures.directory()).auditSink(sink);
  }

  private static AuthorizationRequest aliceReadsInSales() {
    return Fixtures.read(user("alice")).tenant("acme").organization("sales").build();
  }

  /** Records decisions as given, builds no event, counts calls to both methods. */
  static final class DecisionsOnly implements AuditSink {
    final List<AuditableDecision> decisions = new CopyOnWriteArrayList<>();
    final AtomicInteger events = new AtomicInteger();

    @Override
    public void record(AuditEvent event) {
      events.incrementAndGet();
    }

    @Override
    public void recordDecision(AuditableDecision decision) {
      decisions.add(decision);
    }
  }

  @Test
  void decisionIdWhenWrittenOnRequestThenTheSameTextEachTimeInTheIdFormatAndDistinctPerDecision() {
    DecisionsOnly sink = new DecisionsOnly();
    PolicyDecisionPoint pdp = auditedBy(sink).build();

    AuthorizationDecision first = pdp.decide(aliceReadsInSales());
    AuthorizationDecision second = pdp.decide(aliceReadsInSales());

    assertThat(first.decisionId()).matches("[0-9a-f]{16}-[0-9]+").isEqualTo(first.decisionId())
        .isEqualTo(first.toAuditEvent().id()).isNotEqualTo(second.decisionId());
    assertThat(first.decisionId().substring(0, 17)).isEqualTo(second.decisionId().substring(0, 17));
    assertThat(first.toString()).contains("id=" + first.decisionId());
    assertThat(sink.events).hasValue(0);
  }

  @Nested
  class RecordDecision {

    @Test
    void decideWhenSinkImplementsOnlyRecordThenItGetsOneEventBuiltFromTheDecision() {
      List<AuditEvent> seen = new CopyOnWriteArrayList<>();
      PolicyDecisionPoint pdp = f.pdpBuilder().build(); // the in-memory sink keeps record()'s events
      AuthorizationDecision d = pdp.decide(aliceReadsInSales());

      assertThat(f.audit.events()).singleElement().satisfies(e -> {
        assertThat(e.id()).isEqualTo(d.decisionId());
        assertThat(e).hasToString(d.toAuditEvent().toString());
      });

      PolicyDecisionPoint lambda = auditedBy(seen::add).build();
      AuthorizationDecision d2 = lambda.decide(aliceReadsInSales());
      assertThat(seen).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(d2.decisionId()));
    }

    @Test
    void decideWhenSinkOverridesRecordDecisionThenItGetsTheDecisionItselfOnceAndNoEvent() {
      DecisionsOnly sink = new DecisionsOnly();
      PolicyDecisionPoint pdp = auditedBy(sink).build();

      AuthorizationDecision permit = pdp.decide(aliceReadsInSales());
      AuthorizationDecision deny = pdp.decide(Fixtures.read(user("bob")).tenant("acme").build());

      assertThat(sink.decisions).containsExactly(permit, deny);
      assertThat(sink.events).hasValue(0);
    }

    @Test
    void toAuditEventWhenCalledTwiceThenEqualEventsWithTheDecisionsIdAndTime() {
      AuthorizationDecision d = f.pdp().decide(aliceReadsInSales());

      AuditEvent first = d.toAuditEvent();
      AuditEvent second = d.toAuditEvent();

      assertThat(first).isNotSameAs(second).hasToString(second.toString());
      assertThat(first.id()).isEqualTo(d.decisionId());
      assertThat(first.timestamp()).isEqualTo(d.timestamp());
      assertThat(first.outcome()).isEqualTo("PERMIT");
    }

    @Test
    void decideWhenOverriddenRecordDecisionThrowsAndPolicyFailClosedThenPermitBecomesDeny() {
      PolicyDecisionPoint pdp = auditedBy(throwingOnDecision()).build();

      AuthorizationDecision d = pdp.decide(aliceReadsInSales());

      assertThat(d.effect()).isEqualTo(Effect.DENY);
      assertThat(d.reasons()).containsExactly(ReasonCode.AUDIT_FAILED);
      assertThat(d.stage()).isEqualTo(DecisionStage.AUDIT);
      assertThat(d.matchedRole()).isEmpty();
      assertThat(d.permitted()).isFalse();
    }

    @Test
    void decideWhenOverriddenRecordDecisionThrowsAndPolicyLogAndContinueThenPermitStands() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditFailurePolicy(AuditFailurePolicy.LOG_AND_CONTINUE)
          .auditSink(throwingOnDecision()).build();

      assertThat(pdp.decide(aliceReadsInSales()).permitted()).isTrue();
    }

    @Test
    void decideWhenOverriddenRecordDecisionThrowsOnDenyThenDenyStandsWithItsOwnReason() {
      PolicyDecisionPoint pdp = auditedBy(throwingOnDecision()).build();

      assertThat(pdp.decide(Fixtures.read(user("bob")).tenant("acme").build()).reasons())
          .containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
    }

    @Test
    void decideWhenOverriddenRecordDecisionThrowsAnErrorThenPermitBecomesDenyAndNothingEscapes() {
      PolicyDecisionPoint pdp = auditedBy(new AuditSink() {
            @Override
            public void record(AuditEvent event) {}

            @Override
            public void recordDecision(AuditableDecision decision) {
              throw new AssertionError("sink bug");
            }
          }).build();

      assertThat(pdp.decide(aliceReadsInSales()).reasons()).containsExactly(ReasonCode.AUDIT_FAILED);
    }

    @Test
    void decideWhenDeniedForAuditFailureThenTheDenialKeepsTheDecisionsIdTimeAndContext() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).clock(f.clock).auditSink(throwingOnDecision()).build();

      AuthorizationDecision d = pdp.decide(aliceReadsInSales());

      assertThat(d.timestamp()).isEqualTo(Fixtures.NOW);
      assertThat(d.tenant()).contains(TenantId.of("acme"));
      assertThat(d.organization()).contains(OrganizationId.of("sales"));
      assertThat(d.toAuditEvent().outcome()).isEqualTo("DENY");
      assertThat(d.toAuditEvent().details()).containsEntry("stage", "AUDIT").doesNotContainKey("matchedRole");
    }

    private AuditSink throwingOnDecision() {
      return new AuditSink() {
        @Override
        public void record(AuditEvent event) {
          // not called by the decision point: recordDecision is overridden
        }

        @Override
        public void recordDecision(AuditableDecision decision) {
          throw new IllegalStateException("disk full");
        }
      };
    }
  }

  /** The per-thread context must survive a decision made from inside a decision. */
  @Nested
  class Reentrancy {

    private final AtomicReference<PolicyDecisionPoint> self = new AtomicReference<>();

    @Test
    void decideWhenDomainPolicyDecidesAgainInsideADecisionThenBothDecisionsAreRight() {
      AtomicReference<AuthorizationDecision> inner = new AtomicReference<>();
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
        if (r.correlationId().isPresent()) {
          // a host rule that asks whether another person (erin, no member of sales) could act: a deny
          inner.set(self.get().decide(Fixtures.read(user("erin")).tenant("acme").organization("sales").build()));
          assertThat(DecisionContext.threadContextInUse()).isTrue();
        }
        return DomainDecision.allow();
      }).build();
      self.set(pdp);

      AuthorizationDecision outer = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales")
          .correlationId("outer").build());

      assertThat(inner.get().reasons()).containsExactly(ReasonCode.ORGANIZATION_NOT_MEMBER);
      assertThat(outer.permitted()).isTrue();
      assertThat(outer.matchedRole()).contains(Role.of("member"));
      assertThat(outer.organization()).contains(OrganizationId.of("sales"));
      AuditEvent outerEvent = outer.toAuditEvent();
      assertThat(outerEvent.actorId()).contains("alice");
      assertThat(outerEvent.correlationId()).contains("outer");
      assertThat(f.audit.events()).extracting(AuditEvent::id).containsExactly(inner.get().decisionId(),
          outer.decisionId());
      assertThat(DecisionContext.threadContextInUse()).isFalse();
    }

    @Test
    void decideWhenAttributePolicyDecidesAgainForAnotherTenantThenTheOuterContextIsUntouched() {
      PolicyDecisionPoint pdp = f.pdpBuilder().attributePolicy((r, c) -> {
        if (r.correlationId().isPresent()) {
          AuthorizationDecision inner = self.get().decide(Fixtures.read(user("bob")).tenant("globex")
              .action("tenant:settings").resource(ResourceRef.type("tenant")).build());
          assertThat(inner.permitted()).isTrue();
          // what the outer stages established is still what this policy sees
          assertThat(c.tenant()).isEqualTo(TenantId.of("acme"));
          assertThat(c.matchedRole()).isEqualTo(Role.of("member"));
        }
        return AttributeDecision.notApplicable();
      }).build();
      self.set(pdp);

      AuthorizationDecision outer = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales")
          .correlationId("outer").build());

      assertThat(outer.permitted()).isTrue();
      assertThat(outer.tenant()).contains(TenantId.of("acme"));
      assertThat(outer.toAuditEvent().details()).containsEntry("matchedRole", "member");
      assertThat(f.audit.events()).hasSize(2);
    }

    @Test
    void decideWhenInnerDecisionFailsThenOuterStillDecidesWithItsOwnContext() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
        if (r.correlationId().isPresent()) {
          assertThat(self.get().decide(null).reasons()).containsExactly(ReasonCode.REQUEST_INVALID);
        }
        return DomainDecision.allow();
      }).domainPolicy("report", (r, c) -> {
        throw new IllegalStateException("report rules down");
      }).build();
      self.set(pdp);

      AuthorizationDecision outer = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales")
          .correlationId("outer").build());
      AuthorizationDecision failed = pdp.decide(AuthorizationRequest.builder().actor(user("alice")).tenant("acme")
          .organization("sales").action("filings:read").resource(ResourceRef.type("report")).build());
      AuthorizationDecision after = pdp.decide(Fixtures.read(user("erin")).tenant("acme").organization("support")
          .build());

      assertThat(outer.permitted()).isTrue();
      assertThat(failed.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
      assertThat(after.permitted()).isTrue();
      assertThat(after.organization()).contains(OrganizationId.of("support"));
      assertThat(DecisionContext.threadContextInUse()).isFalse();
    }

    @Test
    void decideWhenSinkDecidesAgainWhileRecordingThenEveryDecisionIsAuditedOnce() {
      List<String> audited = new CopyOnWriteArrayList<>();
      AtomicInteger depth = new AtomicInteger();
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(new AuditSink() {
            @Override
            public void record(AuditEvent event) {
              audited.add(event.id());
            }

            @Override
            public void recordDecision(AuditableDecision decision) {
              if (depth.getAndIncrement() == 0) {
                assertThat(self.get().decide(Fixtures.read(user("erin")).tenant("acme").organization("support")
                    .build()).permitted()).isTrue();
              }
              audited.add(decision.decisionId());
            }
          }).build();
      self.set(pdp);

      AuthorizationDecision outer = pdp.decide(aliceReadsInSales());

      assertThat(outer.permitted()).isTrue();
      assertThat(audited).hasSize(2).doesNotHaveDuplicates().endsWith(outer.decisionId());
    }
  }
}
