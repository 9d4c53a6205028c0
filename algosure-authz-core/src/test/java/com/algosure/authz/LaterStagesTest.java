package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.AttributeDecision;
import com.algosure.authz.spi.DomainDecision;
import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LaterStagesTest {

  private final Fixtures f = Fixtures.create();

  private static AuthorizationRequest.Builder submit(String filing) {
    return AuthorizationRequest.builder().actor(user("alice")).tenant("acme").organization("sales")
        .action("filings:submit").resource(ResourceRef.of("filing", filing));
  }

  private static AuthorizationRequest.Builder write(String filing) {
    return AuthorizationRequest.builder().actor(user("alice")).tenant("acme").organization("sales")
        .action("filings:write").resource(ResourceRef.of("filing", filing));
  }

  private Approval approval(String id, String filing, String requester, String approver, Duration valid) {
    return f.approvals.add(new Approval(id, TenantId.of("acme"), Permission.of("filings:submit"),
        ResourceRef.of("filing", filing), requester, approver, NOW, NOW.plus(valid)));
  }

  @Nested
  class AttributePolicies {

    @Test
    void decideWhenNoAttributePolicyThenAbacIsEmptyAndPermits() {
      assertThat(f.pdp().decide(write("f-1").build()).permitted()).isTrue();
    }

    @Test
    void decideWhenAttributePolicyDeniesThenDeny() {
      PolicyDecisionPoint pdp = f.pdpBuilder().attributePolicy((r, c) ->
          "restricted".equals(r.attributes().get("classification"))
              ? AttributeDecision.deny("restricted filings are read-only") : AttributeDecision.notApplicable())
          .build();

      assertThat(pdp.decide(write("f-1").build()).permitted()).isTrue();
      AuthorizationDecision d = pdp.decide(write("f-1").attribute("classification", "restricted").build());
      assertThat(d.reasons()).containsExactly(ReasonCode.ATTRIBUTE_POLICY_DENIED);
      assertThat(d.stage()).isEqualTo(DecisionStage.ABAC);
    }

    @Test
    void decideWhenAttributePolicySeesContextThenItHasTheMatchedRoleAndTenant() {
      PolicyDecisionPoint pdp = f.pdpBuilder().attributePolicy((r, c) ->
          c.tenant().value().equals("acme") && c.matchedRole().name().equals("member") && !c.crossTenant()
              ? AttributeDecision.deny("seen") : AttributeDecision.notApplicable()).build();

      assertThat(pdp.decide(write("f-1").build()).explanation()).contains("seen");
    }
  }

  @Nested
  class EntitlementsStage {

    @Test
    void decideWhenFeatureMissingThenDenyEntitlementMissing() {
      PolicyDecisionPoint noFeature = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).clock(f.clock).approvals(f.approvals)
          .entitlements(EntitlementSource.inMemory(Map.of(TenantId.of("acme"), Entitlements.features("other"))))
          .build();

      AuthorizationDecision d = noFeature.decide(submit("f-1").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.ENTITLEMENT_MISSING);
      assertThat(d.stage()).isEqualTo(DecisionStage.ENTITLEMENT);
    }

    @Test
    void decideWhenLimitUsedUpThenDenyLimitExceeded() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).clock(f.clock)
          .entitlements(EntitlementSource.inMemory(Map.of(TenantId.of("acme"), new Entitlements(Set.of("e-filing"),
              Map.of("filings-per-month", 10L), Map.of("filings-per-month", 10L)))))
          .build();

      AuthorizationDecision d = pdp.decide(submit("f-1").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.ENTITLEMENT_LIMIT_EXCEEDED);
      assertThat(d.explanation()).contains("10 of 10");
    }

    /** A plan that includes the feature but sets no value for the permission's limit does not leave it unlimited. */
    @Test
    void decideWhenPlanHasTheFeatureButNoValueForTheLimitThenDenyEntitlementMissingNamingTheLimit() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).clock(f.clock)
          .entitlements(EntitlementSource.inMemory(Map.of(TenantId.of("acme"), Entitlements.features("e-filing"))))
          .build();

      AuthorizationDecision d = pdp.decide(submit("f-1").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.ENTITLEMENT_MISSING);
      assertThat(d.stage()).isEqualTo(DecisionStage.ENTITLEMENT);
      assertThat(d.explanation()).contains("has no limit 'filings-per-month'");
    }

    @Test
    void decideWhenDefaultSourceThenEntitledPermissionsDenied() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).build();

      assertThat(pdp.decide(submit("f-1").build()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_MISSING);
      assertThat(pdp.decide(write("f-1").build()).permitted()).isTrue();
    }

    @Test
    void decideWhenSourceThrowsThenDenyUnavailableOnlyForEntitledPermissions() {
      PolicyDecisionPoint failing = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit)
          .entitlements(t -> {
            throw new IllegalStateException("billing down");
          }).build();

      assertThat(failing.decide(submit("f-1").build()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_UNAVAILABLE);
      assertThat(failing.decide(write("f-1").build()).permitted()).isTrue();
    }

    @Test
    void decideWhenSourceReturnsNullThenDenyUnavailable() {
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).entitlements(t -> null).build();

      assertThat(pdp.decide(submit("f-1").build()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_UNAVAILABLE);
    }

    @Test
    void decideWhenEntitlementsCachedThenSourceAskedOncePerTtl() {
      AtomicInteger calls = new AtomicInteger();
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).clock(f.clock)
          .entitlementCacheTtl(Duration.ofSeconds(30))
          .entitlements(t -> {
            calls.incrementAndGet();
            return Entitlements.features("e-filing");
          }).build();

      pdp.decide(submit("f-1").build());
      pdp.decide(submit("f-2").build());
      assertThat(calls).hasValue(1);

      f.clock.advance(Duration.ofSeconds(31));
      pdp.decide(submit("f-3").build());
      assertThat(calls).hasValue(2);
    }

    @Test
    void decideWhenSourceFailedOnceThenNextDecisionAsksAgain() {
      AtomicInteger calls = new AtomicInteger();
      PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Fixtures.directory()).auditSink(f.audit).approvals(f.approvals).clock(f.clock)
          .entitlements(t -> {
            if (calls.incrementAndGet() == 1) {
              throw new IllegalStateException("transient");
            }
            return new Entitlements(Set.of("e-filing"), Map.of("filings-per-month", 5L), Map.of());
          }).build();

      assertThat(pdp.decide(submit("f-1").build()).reasons()).containsExactly(ReasonCode.ENTITLEMENT_UNAVAILABLE);
      assertThat(pdp.decide(submit("f-1").build()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED);
    }
  }

  @Nested
  class DomainRules {

    @Test
    void decideWhenDomainRuleDeniesInCurrentStateThenDeny() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) ->
          "SUBMITTED".equals(r.attributes().get("state")) ? DomainDecision.deny("a submitted filing cannot change")
              : DomainDecision.allow()).build();

      assertThat(pdp.decide(write("f-1").attribute("state", "DRAFT").build()).permitted()).isTrue();
      AuthorizationDecision d = pdp.decide(write("f-1").attribute("state", "SUBMITTED").build());
      assertThat(d.reasons()).containsExactly(ReasonCode.DOMAIN_RULE_DENIED);
      assertThat(d.stage()).isEqualTo(DecisionStage.DOMAIN);
      assertThat(d.explanation()).contains("a submitted filing cannot change");
    }

    @Test
    void decideWhenDomainRuleRequiresApprovalThenApprovalRequired() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) ->
          r.attributes().containsKey("large") ? DomainDecision.requireApproval("large amount") : DomainDecision.allow())
          .build();

      assertThat(pdp.decide(write("f-1").attribute("large", true).build()).effect())
          .isEqualTo(Effect.APPROVAL_REQUIRED);
    }

    /**
     * Regression: an approval the domain rule asked for was explained as the catalogue's ("'filings:write' on filing/f-1
     * is high impact"), which it is not, and the rule's reason was dropped.
     */
    @Test
    void decideWhenDomainRuleRequiresApprovalThenTheExplanationGivesTheRulesReason() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) ->
          r.attributes().containsKey("large") ? DomainDecision.requireApproval("large amount") : DomainDecision.allow())
          .build();

      AuthorizationDecision d = pdp.decide(write("f-1").attribute("large", true).build());

      assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
      assertThat(d.explanation()).contains("domain rule of 'filing'").contains("large amount")
          .doesNotContain("is high impact");
      // a high-impact action is still explained as such
      assertThat(pdp.decide(submit("f-1").build()).explanation()).contains("is high impact");
    }

    @Test
    void decideWhenDomainPolicyRequiredButNoneRegisteredThenDeny() {
      PolicyDecisionPoint pdp = f.pdpBuilder().requireDomainPolicy(true).build();

      assertThat(pdp.decide(write("f-1").build()).reasons()).containsExactly(ReasonCode.DOMAIN_RULE_DENIED);
    }

    /**
     * Regression: domain policies were looked up by the exact resource type, while RBAC grants by the action alone: a
     * request on {@code Filing/f-1} found no policy and permitted writing a submitted filing the rule of
     * {@code filing} locks (with requireDomainPolicy off, the default).
     */
    @Test
    void decideWhenResourceTypeIsACaseVariantOfADomainWithAPolicyThenDenyNamingTheType() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) ->
          "SUBMITTED".equals(r.attributes().get("state")) ? DomainDecision.deny("a submitted filing cannot change")
              : DomainDecision.allow()).build();

      AuthorizationDecision d = pdp.decide(write("f-1").resource(ResourceRef.of("Filing", "f-1"))
          .attribute("state", "SUBMITTED").build());

      assertThat(d.effect()).isEqualTo(Effect.DENY);
      assertThat(d.reasons()).containsExactly(ReasonCode.DOMAIN_RULE_DENIED);
      assertThat(d.stage()).isEqualTo(DecisionStage.DOMAIN);
      assertThat(d.explanation()).contains("'Filing'", "'filing'");
    }

    /** A type that is no case variant of a domain with a policy is unaffected: it has no state-specific rules. */
    @Test
    void decideWhenResourceTypeIsNoCaseVariantOfADomainWithAPolicyThenPermit() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filings", (r, c) -> DomainDecision.deny("no"))
          .domainPolicy("Invoice", (r, c) -> DomainDecision.deny("no")).build();

      assertThat(pdp.decide(write("f-1").build()).permitted()).isTrue();
    }

    @Test
    void decideWhenOtherDomainHasPolicyThenThisDomainIsUnaffected() {
      PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("invoice", (r, c) -> DomainDecision.deny("no")).build();

      assertThat(pdp.decide(write("f-1").build()).permitted()).isTrue();
    }
  }

  @Nested
  class Approvals {

    private final PolicyDecisionPoint pdp = f.pdp();

    /** A decision point like the fixtures' whose approvals come from the given (host's) store. */
    private PolicyDecisionPoint withStore(com.algosure.authz.spi.ApprovalStore store) {
      return PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(Fixtures.directory())
          .entitlements(Fixtures.entitlements()).approvals(store).auditSink(f.audit).clock(f.clock).build();
    }

    @Test
    void decideWhenHighImpactWithoutApprovalThenApprovalRequired() {
      AuthorizationDecision d = pdp.decide(submit("f-1").build());

      assertThat(d.effect()).isEqualTo(Effect.APPROVAL_REQUIRED);
      assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_REQUIRED);
      assertThat(d.stage()).isEqualTo(DecisionStage.APPROVAL);
      assertThat(d.permitted()).isFalse();
      assertThat(f.audit.events().get(0).outcome()).isEqualTo("APPROVAL_REQUIRED");
    }

    @Test
    void decideWhenValidApprovalByAnotherPersonThenPermitApprovedAndAudited() {
      approval("ap-1", "f-1", "alice", "dave", Duration.ofHours(1));

      AuthorizationDecision d = pdp.decide(submit("f-1").approvalId("ap-1").build());

      assertThat(d.permitted()).isTrue();
      assertThat(d.reasons()).containsExactly(ReasonCode.PERMITTED, ReasonCode.APPROVED);
      assertThat(f.audit.events().get(0).details()).containsEntry("approvalId", "ap-1").containsEntry("approvedBy", "dave");
    }

    @Test
    void decideWhenApproverIsAServiceAccountOrUnknownOrOfAnotherTenantThenDenyApprovalInvalid() {
      approval("ap-sa", "f-1", "alice", "billing-worker", Duration.ofHours(1)); // a client id, not a person
      approval("ap-nobody", "f-2", "alice", "nobody-known", Duration.ofHours(1));
      approval("ap-globex", "f-3", "alice", "bob", Duration.ofHours(1)); // administers globex, not acme

      for (String[] c : new String[][] {{"ap-sa", "f-1", "billing-worker"}, {"ap-nobody", "f-2", "nobody-known"},
          {"ap-globex", "f-3", "bob"}}) {
        AuthorizationDecision d = pdp.decide(submit(c[1]).approvalId(c[0]).build());

        assertThat(d.reasons()).as(c[0]).containsExactly(ReasonCode.APPROVAL_INVALID);
        assertThat(d.explanation()).as(c[0]).contains("given by '" + c[2] + "', who is not a person with access to tenant 'acme'");
      }
    }

    @Test
    void decideWhenApprovalUnknownThenDenyApprovalInvalid() {
      assertThat(pdp.decide(submit("f-1").approvalId("nope").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_INVALID);
    }

    @Test
    void decideWhenApprovalForAnotherResourceThenDenyApprovalInvalid() {
      approval("ap-1", "f-2", "alice", "dave", Duration.ofHours(1));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_INVALID);
    }

    @Test
    void decideWhenApprovalForAnotherTenantOrActionThenDenyApprovalInvalid() {
      f.approvals.add(new Approval("ap-t", TenantId.of("globex"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "dave", NOW, NOW.plusSeconds(60)));
      f.approvals.add(new Approval("ap-a", TenantId.of("acme"), Permission.of("filings:write"),
          ResourceRef.of("filing", "f-1"), "alice", "dave", NOW, NOW.plusSeconds(60)));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-t").build()).reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
      assertThat(pdp.decide(submit("f-1").approvalId("ap-a").build()).reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
    }

    /**
     * Regression: presenting the id of another tenant's approval made the explanation describe that approval (its
     * tenant, action and resource id), so a member of acme who guessed or saw an id learnt globex's filing ids; the
     * explanation reaches the caller (an integration guard's Denied message) and logs. It now says which part differs,
     * naming only what the request itself named.
     */
    @Test
    void decideWhenApprovalOfAnotherTenantOrResourceIsPresentedThenTheExplanationDoesNotDescribeIt() {
      f.approvals.add(new Approval("ap-g", TenantId.of("globex"), Permission.of("filings:approve"),
          ResourceRef.of("filing", "g-merger-7"), "bob", "carol", NOW, NOW.plusSeconds(60)));
      f.approvals.add(new Approval("ap-r", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "s-layoffs-3"), "erin", "dave", NOW, NOW.plusSeconds(60)));

      AuthorizationDecision other = pdp.decide(submit("f-1").approvalId("ap-g").build());
      AuthorizationDecision resource = pdp.decide(submit("f-1").approvalId("ap-r").build());

      assertThat(other.reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
      assertThat(other.explanation()).doesNotContain("globex", "g-merger-7", "filings:approve")
          .contains("approval 'ap-g' is not for this request", "another tenant");
      assertThat(resource.reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
      assertThat(resource.explanation()).doesNotContain("s-layoffs-3")
          .contains("approval 'ap-r' is not for this request", "another resource", "filing/f-1");
    }

    @Test
    void decideWhenApprovalRequestedBySomeoneElseThenDenyApprovalInvalid() {
      approval("ap-1", "f-1", "erin", "dave", Duration.ofHours(1));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_INVALID);
    }

    @Test
    void decideWhenApprovalExpiredThenDenyApprovalExpired() {
      approval("ap-1", "f-1", "alice", "dave", Duration.ofMinutes(5));
      f.clock.advance(Duration.ofMinutes(5));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_EXPIRED);
    }

    @Test
    void decideWhenRequesterApprovedOwnActionThenDenySelfApproved() {
      approval("ap-1", "f-1", "alice", "alice", Duration.ofHours(1));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
    }

    /** Regression: an approval by "ALICE" passed the four-eyes check for requester alice. */
    @Test
    void decideWhenApproverIsACaseVariantOfTheRequesterThenDenySelfApproved() {
      approval("ap-1", "f-1", "alice", "ALICE", Duration.ofHours(1));
      approval("ap-2", "f-2", "alice", "Alice", Duration.ofHours(1));

      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
      assertThat(pdp.decide(submit("f-2").approvalId("ap-2").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
    }

    /** Regression: an approval by "alice" with a zero-width space passed the four-eyes check for alice. */
    @Test
    void decideWhenApproverIsAnInvisibleVariantOfTheRequesterThenDeny() {
      PolicyDecisionPoint store = withStore(id -> java.util.Optional.of(new Approval(id,
          TenantId.of("acme"), Permission.of("filings:submit"), ResourceRef.of("filing", "f-1"), "alice", "alice\u200b",
          NOW, NOW.plusSeconds(600))));

      AuthorizationDecision d = store.decide(submit("f-1").approvalId("ap-zw").build());

      assertThat(d.permitted()).isFalse();
      assertThat(d.stage()).isEqualTo(DecisionStage.APPROVAL);
    }

    @Test
    void approvalWhenIdOrPersonIsNotAValidIdentifierThenConstructionFailsNamingTheField() {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Approval("ap-1", TenantId.of("acme"),
              Permission.of("filings:submit"), ResourceRef.of("filing", "f-1"), "alice", "alice\u200b", NOW,
              NOW.plusSeconds(60)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Approval.approvedBy is not valid in approval 'ap-1': use 1 to 128 ASCII letters");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Approval("ap-1", TenantId.of("acme"),
              Permission.of("filings:submit"), ResourceRef.of("filing", "f-1"), " alice", "dave", NOW,
              NOW.plusSeconds(60)))
          .hasMessageStartingWith("Approval.requestedBy is not valid in approval 'ap-1'");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Approval("", TenantId.of("acme"),
              Permission.of("filings:submit"), ResourceRef.of("filing", "f-1"), "alice", "dave", NOW,
              NOW.plusSeconds(60)))
          .hasMessageStartingWith("Approval.id is not valid: use");
    }

    /** Regression: an approval dated two hours after the decision was accepted. */
    @Test
    void decideWhenApprovalIsDatedAfterTheDecisionThenDenyNotYetGiven() {
      f.approvals.add(new Approval("ap-1", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "dave", NOW.plus(Duration.ofHours(2)), NOW.plus(Duration.ofHours(3))));

      AuthorizationDecision d = pdp.decide(submit("f-1").approvalId("ap-1").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
      assertThat(d.explanation()).contains("approval 'ap-1' is not yet given");
      f.clock.advance(Duration.ofHours(2)); // given at exactly the decision's time: counts
      assertThat(pdp.decide(submit("f-1").approvalId("ap-1").build()).permitted()).isTrue();
    }

    /** Regression: a store answering "whatever" with approval ap-OTHER permitted, audited as ap-OTHER. */
    @Test
    void decideWhenStoreAnswersWithAnotherApprovalThanPresentedThenDenyApprovalInvalid() {
      Approval other = new Approval("ap-OTHER", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "dave", NOW, NOW.plusSeconds(600));
      PolicyDecisionPoint lax = withStore(id -> java.util.Optional.of(other));

      AuthorizationDecision d = lax.decide(submit("f-1").approvalId("whatever").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
      assertThat(d.explanation()).contains("answered approval 'ap-OTHER' when asked for 'whatever'");
      assertThat(f.audit.events().get(0).details()).containsEntry("approvalId", "whatever");
    }

    @Test
    void decideWhenApprovalPresentedForOrdinaryActionThenIgnoredAndPermitted() {
      AuthorizationDecision d = pdp.decide(write("f-1").approvalId("whatever").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.PERMITTED);
    }
  }
}
