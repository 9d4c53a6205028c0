package com.algosure.authz;

import static com.algosure.authz.Fixtures.read;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContextResolutionTest {

  private final Fixtures f = Fixtures.create();
  private final PolicyDecisionPoint pdp = f.pdp();

  @Test
  void decideWhenMemberReadsInNamedOrganizationThenPermitWithMatchedRole() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.PERMIT);
    assertThat(d.permitted()).isTrue();
    assertThat(d.reasons()).containsExactly(ReasonCode.PERMITTED);
    assertThat(d.matchedRole()).contains(Role.of("member"));
    assertThat(d.matchedPermission()).contains(Permission.of("filings:read"));
    assertThat(d.tenant()).contains(TenantId.of("acme"));
    assertThat(d.organization()).contains(OrganizationId.of("sales"));
    assertThat(d.decisionId()).isNotBlank();
    assertThat(d.timestamp()).isEqualTo(Fixtures.NOW);
    assertThat(f.audit.events()).hasSize(1);
  }

  @Test
  void decideWhenActorMissingThenDenyRequestInvalid() {
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().tenant("acme").action("filings:read")
        .resource(ResourceRef.type("filing")).build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.REQUEST_INVALID);
    assertThat(d.stage()).isEqualTo(DecisionStage.ACTOR);
    assertThat(f.audit.events()).hasSize(1);
  }

  @Test
  void decideWhenRequestIsNullThenDenyRequestInvalid() {
    AuthorizationDecision d = pdp.decide(null);

    assertThat(d.reasons()).containsExactly(ReasonCode.REQUEST_INVALID);
    assertThat(f.audit.events()).hasSize(1);
  }

  @Test
  void decideWhenActionOrResourceMissingThenDenyRequestInvalid() {
    assertThat(pdp.decide(AuthorizationRequest.builder().actor(user("alice")).resource(ResourceRef.type("filing"))
        .build()).reason()).isEqualTo(ReasonCode.REQUEST_INVALID);
    assertThat(pdp.decide(AuthorizationRequest.builder().actor(user("alice")).action("filings:read").build())
        .reason()).isEqualTo(ReasonCode.REQUEST_INVALID);
  }

  @Test
  void decideWhenActionNotInCatalogueThenDenyPermissionUnknown() {
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(user("alice")).tenant("acme")
        .organization("sales").action("filings:delete").resource(ResourceRef.type("filing")).build());

    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_UNKNOWN);
    assertThat(d.explanation()).contains("filings:delete");
  }

  @Test
  void decideWhenCredentialExpiredThenDenyActorExpired() {
    Actor alice = user("alice", IdentitySignals.builder().expiresAt(Fixtures.NOW.plusSeconds(5)).build());
    AuthorizationRequest r = read(alice).tenant("acme").organization("sales").build();
    assertThat(pdp.decide(r).permitted()).isTrue();

    f.clock.advance(Duration.ofSeconds(5));

    assertThat(pdp.decide(r).reasons()).containsExactly(ReasonCode.ACTOR_EXPIRED);
  }

  @Test
  void decideWhenTenantNotNamedAndSubjectHasOneTenantThenResolved() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).organization("sales").build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.tenant()).contains(TenantId.of("acme"));
  }

  @Test
  void decideWhenTenantNotNamedAndSubjectHasSeveralThenDenyTenantAmbiguous() {
    PolicyDecisionPoint multi = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).auditSink(f.audit)
        .directory(com.algosure.authz.spi.Directory.inMemory().organization("acme", "sales")
            .organization("globex", "hq").organizationRole("zoe", "sales", "member")
            .organizationRole("zoe", "hq", "member").build())
        .build();

    AuthorizationDecision d = multi.decide(read(user("zoe")).build());

    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_AMBIGUOUS);
  }

  @Test
  void decideWhenSubjectUnknownToDirectoryThenDenyTenantMissingEvenWithTokenRoles() {
    Actor mallory = user("mallory", IdentitySignals.builder().roles("member", "platform-admin-lookalike").build());

    AuthorizationDecision d = pdp.decide(read(mallory).build());

    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_MISSING);
  }

  @Test
  void decideWhenTokenRoleButNoTenantAccessThenDenyTenantAccessDenied() {
    Actor mallory = user("mallory", IdentitySignals.builder().roles("member").build());

    AuthorizationDecision d = pdp.decide(read(mallory).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
    assertThat(d.stage()).isEqualTo(DecisionStage.TENANT);
  }

  @Test
  void decideWhenMemberOfOtherTenantThenDenyTenantAccessDenied() {
    AuthorizationDecision d = pdp.decide(read(user("bob")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
  }

  @Test
  void decideWhenTrustedTenantClaimThenItGivesTenantAccess() {
    Actor trusted = user("trudy", IdentitySignals.builder().trustedTenant(TenantId.of("acme")).roles("tenant-admin")
        .build());

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(trusted).action("tenant:settings")
        .resource(ResourceRef.type("tenant")).build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.tenant()).contains(TenantId.of("acme"));
  }

  @Test
  void decideWhenTrustedTenantClaimConflictsWithRequestThenDenyTenantConflict() {
    Actor alice = user("alice", IdentitySignals.builder().trustedTenant(TenantId.of("globex")).build());

    AuthorizationDecision d = pdp.decide(read(alice).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_CONFLICT);
  }

  @Test
  void decideWhenMemberOfSeveralOrganizationsAndNoneNamedThenDenyOrganizationAmbiguous() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).tenant("acme").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_AMBIGUOUS);
    assertThat(d.stage()).isEqualTo(DecisionStage.ORGANIZATION);
  }

  @Test
  void decideWhenMemberOfOneOrganizationAndNoneNamedThenResolved() {
    AuthorizationDecision d = pdp.decide(read(user("dave")).tenant("acme").build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.organization()).contains(OrganizationId.of("sales"));
  }

  @Test
  void decideWhenOrganizationOfAnotherTenantNamedThenDenyOutsideTenant() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).tenant("acme").organization("hq").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_OUTSIDE_TENANT);
  }

  @Test
  void decideWhenUnknownOrganizationNamedThenDenyOutsideTenant() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).tenant("acme").organization("nowhere").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_OUTSIDE_TENANT);
  }

  @Test
  void decideWhenNotMemberOfNamedOrganizationThenDenyNotMember() {
    AuthorizationDecision d = pdp.decide(read(user("dave")).tenant("acme").organization("support").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_NOT_MEMBER);
  }

  @Test
  void decideWhenTokenHintsAnOrganizationThenHintDoesNotMakeAMember() {
    Actor dave = user("dave", IdentitySignals.builder()
        .organizationHints(java.util.Set.of(OrganizationId.of("support"))).roles("member").build());

    AuthorizationDecision d = pdp.decide(read(dave).tenant("acme").organization("support").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_NOT_MEMBER);
  }

  @Test
  void decideWhenOrganizationActionAndNoMembershipThenDenyOrganizationMissing() {
    AuthorizationDecision d = pdp.decide(read(user("tom")).tenant("acme").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_MISSING);
  }

  @Test
  void decideWhenTenantWideRoleHolderNamesAnOrganizationThenPermit() {
    AuthorizationDecision d = pdp.decide(read(user("tom")).tenant("acme").organization("sales").build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.matchedRole()).contains(Role.of("reader"));
  }

  @Test
  void decideWhenTenantScopedActionThenNoOrganizationNeeded() {
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(user("bob")).tenant("globex")
        .action("tenant:settings").resource(ResourceRef.of("tenant", "globex")).build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.organization()).isEmpty();
  }

  @Test
  void decideWhenDeniedThenAuditEventNamesStageAndReason() {
    AuthorizationDecision d = pdp.decide(read(user("alice")).tenant("acme").correlationId("corr-1").build());

    assertThat(f.audit.events(AuditEventType.AUTHORIZATION_DECISION)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("DENY");
      assertThat(e.reasons()).containsExactly("ORGANIZATION_AMBIGUOUS");
      assertThat(e.details()).containsEntry("stage", "ORGANIZATION").containsEntry("decisionId", d.decisionId());
      assertThat(e.actorId()).contains("alice");
      assertThat(e.actorKind()).contains("user");
      assertThat(e.tenant()).contains("acme");
      assertThat(e.correlationId()).contains("corr-1");
    });
  }
}
