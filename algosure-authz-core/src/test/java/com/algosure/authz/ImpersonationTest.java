package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.DomainDecision;
import com.algosure.authz.token.KeycloakMapping;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A Keycloak token minted by impersonation (an administrator "logged in as" alice: the token is alice's, with an
 * {@code impersonator} claim naming who did it) is decided as alice's, but traceably: the impersonator is in the
 * signals, the context host policies see and the decision's audit record, and never counts as the second person of an
 * approval of the impersonated user's request.
 */
class ImpersonationTest {

  private final Fixtures f = Fixtures.create();

  /** Alice as Keycloak maps a token that {@code impersonator} obtained by impersonating her. */
  private static Actor impersonatedAlice(String impersonator) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://sso.example.com/realms/algosure");
    claims.put("sub", "alice");
    claims.put("preferred_username", "alice");
    claims.put("impersonator", Map.of("id", impersonator, "username", impersonator + "-name"));
    return KeycloakMapping.defaults().map(claims, NOW.plus(Duration.ofMinutes(5))).actor();
  }

  /** Alice as Keycloak maps an RFC 8693 delegation token: {@code actor} acts for her ({@code act.sub}). */
  private static Actor aliceDelegatedTo(String actor) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://sso.example.com/realms/algosure");
    claims.put("sub", "alice");
    claims.put("preferred_username", "alice");
    claims.put("act", Map.of("sub", actor, "act", Map.of("sub", "earlier-" + actor)));
    return KeycloakMapping.defaults().map(claims, NOW.plus(Duration.ofMinutes(5))).actor();
  }

  /** Regression: a delegation token was decided as alice's alone; the party acting for her was nowhere. */
  @Test
  void decideWhenTokenIsDelegatedThenTheAuditEventNamesTheActingParty() {
    AuthorizationDecision d = f.pdp().decide(Fixtures.read(aliceDelegatedTo("dave")).tenant("acme")
        .organization("sales").build());

    assertThat(d.permitted()).isTrue();
    assertThat(f.audit.events()).singleElement().satisfies(e -> {
      assertThat(e.actorId()).contains("alice");
      assertThat(e.details()).containsEntry("impersonator", "dave");
    });
  }

  /** Regression: dave, acting for alice by delegation, could approve her request himself and submit it as her. */
  @Test
  void decideWhenTheActingPartyApprovedTheSubjectsRequestThenDenySelfApproved() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(aliceDelegatedTo("dave")).approvalId("ap-1").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
  }

  /**
   * Alice as Keycloak maps an RFC 8693 token delegated along a chain: {@code current} acts for her now
   * ({@code act.sub}), and {@code earlier} acted for her before ({@code act.act.sub}, a prior actor).
   */
  private static Actor aliceDelegatedAlong(String current, String earlier) {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://sso.example.com/realms/algosure");
    claims.put("sub", "alice");
    claims.put("preferred_username", "alice");
    claims.put("act", Map.of("sub", current, "act", Map.of("sub", earlier)));
    return KeycloakMapping.defaults().map(claims, NOW.plus(Duration.ofMinutes(5))).actor();
  }

  /**
   * Regression: only the current actor of a delegation chain was kept, so dave, who acted for alice earlier in the
   * chain ({@code act.act}) and handed the request on to helpdesk-7, could approve that request himself: one person
   * took part in making it and passed the four-eyes check as its second person.
   */
  @Test
  void decideWhenAnEarlierActorOfTheDelegationChainApprovedThenDenySelfApproved() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(aliceDelegatedAlong("helpdesk-7", "dave")).approvalId("ap-1")
        .build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
    assertThat(d.explanation()).contains("'dave'", "delegation");
  }

  /** Ignoring case, as the four-eyes check compares people. */
  @Test
  void decideWhenACaseVariantOfAnEarlierActorApprovedThenDenySelfApproved() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(aliceDelegatedAlong("helpdesk-7", "DAVE")).approvalId("ap-1")
        .build());

    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
  }

  /** A person outside the chain still approves: delegation is traced, not forbidden. */
  @Test
  void decideWhenSomeoneOutsideTheDelegationChainApprovedThenPermitAndTheChainIsAudited() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(aliceDelegatedAlong("helpdesk-7", "gateway")).approvalId("ap-1")
        .build());

    assertThat(d.permitted()).isTrue();
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("impersonator", "helpdesk-7").containsEntry("priorActors", "gateway")
        .containsEntry("approvedBy", "dave"));
  }

  private static AuthorizationRequest.Builder submit(Actor actor) {
    return AuthorizationRequest.builder().actor(actor).tenant("acme").organization("sales").action("filings:submit")
        .resource(ResourceRef.of("filing", "f-1"));
  }

  private void approval(String id, String requester, String approver) {
    f.approvals.add(new Approval(id, TenantId.of("acme"), Permission.of("filings:submit"),
        ResourceRef.of("filing", "f-1"), requester, approver, NOW, NOW.plus(Duration.ofHours(1))));
  }

  /** Regression: the decision of an impersonated token was recorded as alice's alone; who acted was nowhere. */
  @Test
  void decideWhenTokenIsImpersonatedThenTheAuditEventNamesTheImpersonator() {
    AuthorizationDecision d = f.pdp().decide(Fixtures.read(impersonatedAlice("dave")).tenant("acme")
        .organization("sales").build());

    assertThat(d.permitted()).isTrue();
    assertThat(f.audit.events()).singleElement().satisfies(e -> {
      assertThat(e.actorId()).contains("alice");
      assertThat(e.details()).containsEntry("impersonator", "dave");
    });
  }

  /**
   * Regression: dave, impersonating alice, asked for an approval of her submission (requested by alice), approved it
   * himself as dave, and submitted as alice: one person passed the four-eyes check alone.
   */
  @Test
  void decideWhenTheImpersonatorApprovedTheImpersonatedUsersRequestThenDenySelfApproved() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(impersonatedAlice("dave")).approvalId("ap-1").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
    assertThat(d.explanation()).contains("'dave'", "impersonat");
  }

  /** Ignoring case, as the four-eyes check compares people. */
  @Test
  void decideWhenACaseVariantOfTheImpersonatorApprovedThenDenySelfApproved() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(impersonatedAlice("DAVE")).approvalId("ap-1").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
  }

  /** Someone else's approval still counts: impersonation is traced, not forbidden. */
  @Test
  void decideWhenAnotherPersonApprovedTheImpersonatedUsersRequestThenPermit() {
    approval("ap-1", "alice", "dave");

    AuthorizationDecision d = f.pdp().decide(submit(impersonatedAlice("helpdesk-7")).approvalId("ap-1").build());

    assertThat(d.permitted()).isTrue();
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("impersonator", "helpdesk-7").containsEntry("approvedBy", "dave"));
  }

  @Test
  void decideWhenTokenIsImpersonatedThenSignalsAndTheContextOfHostPoliciesNameTheImpersonator() {
    AtomicReference<AuthorizationContext> seen = new AtomicReference<>();
    PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
      seen.set(c);
      return DomainDecision.allow();
    }).build();
    Actor alice = impersonatedAlice("dave");

    assertThat(pdp.decide(Fixtures.read(alice).tenant("acme").organization("sales").build()).permitted()).isTrue();

    assertThat(alice.signals().impersonator()).contains("dave");
    assertThat(seen.get().impersonator()).contains("dave");
  }

  /** An agent acting for an impersonated user is traced to the impersonator too. */
  @Test
  void decideWhenAnAgentActsForAnImpersonatedUserThenTheAuditEventNamesTheImpersonator() {
    Actor.User alice = (Actor.User) impersonatedAlice("dave");
    Actor.Agent agent = Actor.agent("drafter", alice, Fixtures.grant("drafter", "alice", "task-7", "acme", "sales",
        "filing", NOW.plus(Duration.ofHours(1)), "filings:read"));

    AuthorizationDecision d = f.pdp().decide(AuthorizationRequest.builder().actor(agent).action("filings:read")
        .resource(ResourceRef.type("filing")).task("task-7").build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.toAuditEvent().details()).containsEntry("onBehalfOf", "alice").containsEntry("impersonator", "dave");
  }

  /**
   * A host domain rule "nobody who acted in the delegation chain acts on their own record": the record's owner is the
   * resource id; the current actor and each earlier one come from the context.
   */
  private static DomainDecision nobodyInTheChainOnTheirOwnRecord(AuthorizationRequest r, AuthorizationContext c) {
    String owner = c.resource().id().orElse("");
    if (c.impersonator().filter(owner::equalsIgnoreCase).isPresent()
        || c.priorActors().stream().anyMatch(owner::equalsIgnoreCase)) {
      return DomainDecision.deny("'" + owner + "' took part in this request and may not act on their own record");
    }
    return DomainDecision.allow();
  }

  /**
   * Regression: host policies saw the current actor ({@link AuthorizationContext#impersonator()}) but not the earlier
   * actors of a delegation chain; reaching them through {@code actor().signals()} finds nothing for an agent (its own
   * signals are empty), so the rule let dave, who acted for alice earlier in the chain, reach his own record through
   * alice's agent.
   */
  @Test
  void decideWhenAnEarlierActorOfTheChainActsOnTheirOwnRecordThroughAnAgentThenTheDomainRuleSeesThemAndDenies() {
    PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing",
        ImpersonationTest::nobodyInTheChainOnTheirOwnRecord).build();
    Actor.User alice = (Actor.User) aliceDelegatedAlong("helpdesk-7", "dave");
    Actor.Agent agent = Actor.agent("drafter", alice, Fixtures.grant("drafter", "alice", "task-7", "acme", "sales",
        "filing", NOW.plus(Duration.ofHours(1)), "filings:read"));

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(agent).action("filings:read")
        .resource(ResourceRef.of("filing", "dave")).task("task-7").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.DOMAIN_RULE_DENIED);
  }

  @Test
  void decideWhenTokenIsDelegatedAlongAChainThenTheContextOfHostPoliciesNamesTheEarlierActorsInOrder() {
    AtomicReference<AuthorizationContext> seen = new AtomicReference<>();
    PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
      seen.set(c);
      return nobodyInTheChainOnTheirOwnRecord(r, c);
    }).build();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "https://sso.example.com/realms/algosure");
    claims.put("sub", "alice");
    claims.put("act", Map.of("sub", "helpdesk-7", "act", Map.of("sub", "dave", "act", Map.of("sub", "gateway"))));
    Actor alice = KeycloakMapping.defaults().map(claims, NOW.plus(Duration.ofMinutes(5))).actor();

    AuthorizationDecision d = pdp.decide(Fixtures.read(alice).tenant("acme").organization("sales")
        .resource(ResourceRef.of("filing", "f-1")).build());

    assertThat(d.permitted()).isTrue();
    assertThat(seen.get().impersonator()).contains("helpdesk-7");
    assertThat(seen.get().priorActors()).containsExactly("dave", "gateway");
  }

  /** Without delegation the context names no earlier actor (and the rule lets the owner act on their record). */
  @Test
  void decideWhenTokenIsNotDelegatedThenTheContextNamesNoEarlierActor() {
    AtomicReference<AuthorizationContext> seen = new AtomicReference<>();
    PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
      seen.set(c);
      return nobodyInTheChainOnTheirOwnRecord(r, c);
    }).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(Actor.user("alice")).tenant("acme").organization("sales")
        .resource(ResourceRef.of("filing", "alice")).build());

    assertThat(d.permitted()).isTrue();
    assertThat(seen.get().priorActors()).isEmpty();
  }
}
