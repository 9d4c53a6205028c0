package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.grant;
import static com.algosure.authz.Fixtures.read;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.authz.spi.Approval;
import java.time.Duration;
import com.algosure.audit.AuditSink;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.InMemoryDirectory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RbacTest {

  private final Fixtures f = Fixtures.create();
  private final PolicyDecisionPoint pdp = f.pdp();

  private static AuthorizationRequest.Builder write(Actor a) {
    return AuthorizationRequest.builder().actor(a).action("filings:write").resource(ResourceRef.type("filing"));
  }

  @Test
  void decideWhenNoRoleGrantsActionThenDenyPermissionDenied() {
    AuthorizationDecision d = pdp.decide(write(user("dave")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(d.stage()).isEqualTo(DecisionStage.RBAC);
    assertThat(d.matchedRole()).isEmpty();
  }

  @Test
  void decideWhenOrganizationRoleOfAnotherOrganizationThenItDoesNotCount() {
    // alice is submitter in sales only; in support she is a member without filings:submit
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(user("alice")).tenant("acme")
        .organization("support").action("filings:submit").resource(ResourceRef.of("filing", "f-1")).build());

    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void decideWhenTokenRoleAndConfirmedMembershipThenTokenRoleCounts() {
    Actor erin = user("erin", IdentitySignals.builder().roles("approver").build());

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(erin).tenant("acme")
        .organization("support").action("filings:approve").resource(ResourceRef.of("filing", "f-1")).build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.matchedRole()).contains(Role.of("approver"));
  }

  /**
   * A token role counts only where the directory confirms membership: tom reads in all of acme (a tenant role), which
   * lets him into sales without being a member there, and his token's "member" role must not let him write there.
   */
  @Test
  void decideWhenNonMemberAdmittedByATenantRoleCarriesAGrantingTokenRoleThenTheTokenRoleDoesNotCount() {
    Actor tom = user("tom", IdentitySignals.builder().roles("member").build());

    AuthorizationDecision d = pdp.decide(write(tom).tenant("acme").organization("sales").build());

    assertThat(d.permitted()).isFalse();
    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(d.stage()).isEqualTo(DecisionStage.RBAC);
    assertThat(pdp.decide(read(tom).tenant("acme").organization("sales").build()).permitted())
        .as("his tenant role still counts in the organization").isTrue();
  }

  @Test
  void decideWhenTokenRoleUnknownToCatalogueThenItGrantsNothing() {
    Actor dave = user("dave", IdentitySignals.builder().roles("superuser").build());

    assertThat(pdp.decide(write(dave).tenant("acme").organization("sales").build()).reasons())
        .containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void decideWhenNonMemberHoldsAStaleOrganizationBindingAndAnUnrelatedTenantRoleThenTheOrganizationBindingDoesNotCount() {
    // zoe reads in all of acme (tenant reader) and was a member of sales: the organization domain removed her, the
    // binding of her former role there is left over. Without the tenant role she is denied as a non-member; the
    // tenant role, which does not grant filings:write, must not let the left-over binding grant it.
    PolicyDecisionPoint stale = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Directory.inMemory().organization("acme", "sales")
            .tenantRole("zoe", "acme", "reader")
            .bind(new RoleBinding("zoe", Role.of("member"),
                BindingScope.organization(TenantId.of("acme"), OrganizationId.of("sales"))))
            .build())
        .auditSink(AuditSink.inMemory()).clock(f.clock).build();

    AuthorizationDecision d = stale.decide(write(user("zoe")).tenant("acme").organization("sales").build());

    assertThat(d.permitted()).isFalse();
    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(d.stage()).isEqualTo(DecisionStage.RBAC);
    assertThat(stale.decide(read(user("zoe")).tenant("acme").organization("sales").build()).permitted())
        .as("her tenant role still counts in the organization").isTrue();
  }

  @Test
  void decideWhenNonMemberHoldsAPlatformRoleAndAnUnrelatedTenantRoleThenThePlatformRoleDoesNotCountInTheOrganization() {
    // pat may enter acme without being a member of sales: a platform binding alone does not admit her there
    // (ORGANIZATION_NOT_MEMBER), so a tenant role that does not grant filings:write must not make it count.
    InMemoryDirectory.Builder directory = Directory.inMemory().organization("acme", "sales")
        .platformRole("pat", "member").tenantAccess("pat", "acme");
    PolicyDecisionPoint withoutTenantRole = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(directory.build()).auditSink(AuditSink.inMemory()).clock(f.clock).build();
    PolicyDecisionPoint withTenantRole = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(directory.tenantRole("pat", "acme", "reader").build())
        .auditSink(AuditSink.inMemory()).clock(f.clock).build();

    assertThat(withoutTenantRole.decide(write(user("pat")).tenant("acme").organization("sales").build()).reasons())
        .containsExactly(ReasonCode.ORGANIZATION_NOT_MEMBER);
    AuthorizationDecision d = withTenantRole.decide(write(user("pat")).tenant("acme").organization("sales").build());
    assertThat(d.permitted()).isFalse();
    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(withTenantRole.decide(read(user("pat")).tenant("acme").organization("sales").build()).permitted())
        .as("her tenant role still counts in the organization").isTrue();
  }

  /** A cross-tenant administrator is told what administration needs, not that a member's role is missing. */
  @Test
  void decideWhenCrossTenantAdministratorLacksAPrivilegedRoleForTheActionThenExplanationNamesThePrivilegedRole() {
    AuthorizationDecision d = f.pdp().decide(write(user("root")).tenant("globex").organization("hq").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(d.explanation()).contains("'root' holds no privileged platform role granting 'filings:write'")
        .doesNotContain("member");
  }

  /**
   * Regression: pat, admitted to sales by a tenant role without being a member, was told she "holds no role granting
   * 'filings:write'", though her platform role grants it: it does not count because she is not a member, which the
   * explanation now says.
   */
  @Test
  void decideWhenNonMemberHoldsAGrantingRoleThatCountsOnlyForMembersThenExplanationSaysSheIsNoMember() {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Directory.inMemory().organization("acme", "sales")
            .platformRole("pat", "member").tenantRole("pat", "acme", "reader").build())
        .auditSink(AuditSink.inMemory()).clock(f.clock).build();

    AuthorizationDecision d = pdp.decide(write(user("pat")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    assertThat(d.explanation())
        .contains("'pat' holds no tenant role granting 'filings:write' in tenant 'acme'")
        .contains("not a member of organization 'sales'");
  }

  /**
   * Every cell of binding scope x permission scope x organization named or not (see {@link PermissionScope}). Each
   * subject is a member of sales only and holds tenant-admin (filings:read is organization-scoped, tenant:settings
   * tenant-scoped) in one scope: "plat" on the platform, "ten" in acme, "org" in sales, "other" in support.
   */
  @Nested
  class BindingScopeAgainstPermissionScope {

    private final PolicyDecisionPoint matrix = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Directory.inMemory().organization("acme", "sales").organization("acme", "support")
            .platformRole("plat", "tenant-admin").member("plat", "sales")
            .tenantRole("ten", "acme", "tenant-admin").member("ten", "sales")
            .organizationRole("org", "sales", "tenant-admin")
            .organizationRole("other", "support", "tenant-admin").member("other", "sales")
            .build())
        .auditSink(AuditSink.inMemory()).clock(f.clock).build();

    @ParameterizedTest(name = "{0} binding, {1}, organization ''{2}'' -> {3}")
    @CsvSource(nullValues = "-", value = {
        // binding  action            organization  reason
        "plat,  filings:read,     -,       PERMITTED",
        "plat,  filings:read,     sales,   PERMITTED",
        "plat,  tenant:settings,  -,       PERMITTED",
        "plat,  tenant:settings,  sales,   PERMITTED",
        "ten,   filings:read,     -,       PERMITTED",
        "ten,   filings:read,     sales,   PERMITTED",
        "ten,   tenant:settings,  -,       PERMITTED",
        "ten,   tenant:settings,  sales,   PERMITTED",
        "org,   filings:read,     -,       PERMITTED",
        "org,   filings:read,     sales,   PERMITTED",
        "org,   tenant:settings,  -,       PERMISSION_DENIED",
        "org,   tenant:settings,  sales,   PERMISSION_DENIED",
        "other, filings:read,     -,       ORGANIZATION_AMBIGUOUS",
        "other, filings:read,     sales,   PERMISSION_DENIED",
        "other, filings:read,     support, PERMITTED",
        "other, tenant:settings,  -,       PERMISSION_DENIED",
        "other, tenant:settings,  sales,   PERMISSION_DENIED",
        "other, tenant:settings,  support, PERMISSION_DENIED",
    })
    void decideOverBindingAndPermissionScopesThenABindingGrantsOnlyPermissionsOfItsScopeOrNarrower(String subject,
        String action, String organization, ReasonCode reason) {
      AuthorizationRequest.Builder r = AuthorizationRequest.builder().actor(user(subject)).tenant("acme").action(action)
          .resource(ResourceRef.type("filing"));
      if (organization != null) {
        r.organization(organization);
      }

      assertThat(matrix.decide(r.build()).reasons()).containsExactly(reason);
    }

    @Test
    void decideWhenOrganizationRoleAndTenantPermissionWithOrganizationNamedThenDenyNotWidened() {
      // "org" is tenant-admin of sales only: naming sales must not make her role count for the whole tenant
      AuthorizationRequest.Builder settings = AuthorizationRequest.builder().actor(user("org")).tenant("acme")
          .action("tenant:settings").resource(ResourceRef.type("tenant"));

      AuthorizationDecision without = matrix.decide(settings.build());
      AuthorizationDecision named = matrix.decide(settings.organization("sales").build());

      assertThat(without.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
      assertThat(named.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
      assertThat(named.explanation()).contains("organization 'sales' of tenant 'acme'");
    }

    /**
     * Regression: the deny said "'org' holds no role granting 'tenant:settings' in organization 'sales' of tenant
     * 'acme'", though her role in sales does grant it: what is missing is a role over the whole tenant, which the
     * explanation now names (without saying which roles she holds).
     */
    @Test
    void decideWhenOrganizationRoleAndTenantPermissionWithOrganizationNamedThenExplanationSaysATenantRoleIsNeeded() {
      AuthorizationDecision named = matrix.decide(AuthorizationRequest.builder().actor(user("org")).tenant("acme")
          .organization("sales").action("tenant:settings").resource(ResourceRef.type("tenant")).build());

      assertThat(named.explanation())
          .doesNotContain("holds no role granting 'tenant:settings' in organization")
          .contains("'org' holds no role granting 'tenant:settings' in tenant 'acme' as a whole")
          .contains("acts on the whole tenant");
    }
  }

  @Nested
  class ServiceAccounts {

    @Test
    void decideWhenServiceAccountBoundToReaderThenReadPermitted() {
      Actor sa = Actor.serviceAccount("billing-worker", IdentitySignals.none());

      AuthorizationDecision d = pdp.decide(read(sa).tenant("acme").organization("sales").build());

      assertThat(d.permitted()).isTrue();
      assertThat(f.audit.events().get(0).actorKind()).contains("service-account");
      assertThat(f.audit.events().get(0).actorId()).contains("billing-worker");
    }

    /** Regression: service account "alice" was permitted with user alice's member role in sales. */
    @Test
    void decideWhenServiceAccountClientIdEqualsAUserIdThenTheUsersAccessAndBindingsDoNotCount() {
      Actor sa = Actor.serviceAccount("alice", IdentitySignals.none());

      AuthorizationDecision d = pdp.decide(write(sa).tenant("acme").organization("sales").build());

      assertThat(d.permitted()).isFalse();
      assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
      assertThat(d.explanation()).contains("'alice' has no access to tenant 'acme'");
    }

    @Test
    void decideWhenUserIdEqualsAServiceAccountClientIdThenTheClientsBindingsDoNotCount() {
      AuthorizationDecision d = pdp.decide(read(user("billing-worker")).tenant("acme").organization("sales").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
    }

    @Test
    void decideWhenHostDirectoryDoesNotDeclareServiceAccountsThenServiceAccountDeniedAndUsersUnaffected() {
      InMemoryDirectory real = Fixtures.directory();
      Directory host = new Fixtures.HostDirectory(real); // a host's own, written before serviceAccounts() existed
      PolicyDecisionPoint hosted = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(host)
          .auditSink(f.audit).clock(f.clock).build();

      assertThat(hosted.decide(read(Actor.serviceAccount("alice", IdentitySignals.none())).tenant("acme")
          .organization("sales").build()).reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
      assertThat(hosted.decide(read(user("alice")).tenant("acme").organization("sales").build()).permitted()).isTrue();
    }

    @Test
    void decideWhenServiceAccountWritesThenDenyScopeExceeded() {
      Actor sa = Actor.serviceAccount("billing-worker", IdentitySignals.none());

      AuthorizationDecision d = pdp.decide(write(sa).tenant("acme").organization("sales").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.SERVICE_ACCOUNT_SCOPE_EXCEEDED);
    }

    @Test
    void decideWhenServiceAccountTokenCarriesWiderRoleThenItDoesNotCount() {
      Actor sa = Actor.serviceAccount("billing-worker", IdentitySignals.builder().roles("member").build());

      AuthorizationDecision d = pdp.decide(write(sa).tenant("acme").organization("sales").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.SERVICE_ACCOUNT_SCOPE_EXCEEDED);
      assertThat(d.explanation()).contains("member");
    }

    @Test
    void decideWhenServiceAccountHasPrivilegedTokenRoleThenNoCrossTenantAccess() {
      Actor sa = Actor.serviceAccount("billing-worker",
          IdentitySignals.builder().roles("platform-admin").mfa(true).build());

      AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(sa).tenant("globex")
          .action("admin:filings:read").resource(ResourceRef.type("filing")).build());

      assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
    }
  }

  @Nested
  class CrossTenantAdministration {

    private AuthorizationRequest adminRead(Actor a) {
      return AuthorizationRequest.builder().actor(a).tenant("acme").action("admin:filings:read")
          .resource(ResourceRef.type("filing")).build();
    }

    @Test
    void decideWhenPrivilegedRoleWithoutMfaThenStepUpRequired() {
      AuthorizationDecision d = pdp.decide(adminRead(user("root")));

      assertThat(d.effect()).isEqualTo(Effect.STEP_UP_REQUIRED);
      assertThat(d.reasons()).containsExactly(ReasonCode.MFA_REQUIRED);
      assertThat(d.permitted()).isFalse();
      assertThat(f.audit.events()).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("crossTenant", "true"));
    }

    @Test
    void decideWhenPrivilegedRoleWithMfaThenPermitAndAuditedAsCrossTenant() {
      Actor root = user("root", IdentitySignals.builder().mfa(true).build());

      AuthorizationDecision d = pdp.decide(adminRead(root));

      assertThat(d.permitted()).isTrue();
      assertThat(d.reasons()).containsExactly(ReasonCode.PERMITTED, ReasonCode.CROSS_TENANT_ADMINISTRATION);
      AuditEvent e = f.audit.events().get(0);
      assertThat(e.details()).containsEntry("crossTenant", "true").containsEntry("matchedRole", "platform-admin");
      assertThat(e.tenant()).contains("acme");
    }

    @Test
    void decideWhenPrivilegedRoleFromTokenWithMfaThenPermit() {
      Actor carol = user("carol", IdentitySignals.builder().roles("platform-admin").mfa(true).build());

      assertThat(pdp.decide(adminRead(carol)).permitted()).isTrue();
    }

    @Test
    void decideWhenPrivilegedRoleDoesNotGrantActionThenDenyEvenWithMfa() {
      Actor root = user("root", IdentitySignals.builder().mfa(true).build());

      AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(root).tenant("acme")
          .action("tenant:settings").resource(ResourceRef.type("tenant")).build());

      assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    }

    /**
     * A cross-tenant administrator acts by privileged platform roles only: her role bound in another tenant (here
     * globex's tenant-admin, which grants tenant:settings there) administers nothing in acme.
     */
    @Test
    void decideWhenCrossTenantAdministratorHoldsAGrantingRoleBoundInAnotherTenantThenDenyEvenWithMfa() {
      PolicyDecisionPoint both = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Directory.inMemory().organization("acme", "sales").organization("globex", "hq")
              .platformRole("root", "platform-admin").tenantRole("root", "globex", "tenant-admin").build())
          .auditSink(f.audit).clock(f.clock).build();
      Actor root = user("root", IdentitySignals.builder().mfa(true).build());
      AuthorizationRequest.Builder settings = AuthorizationRequest.builder().actor(root).action("tenant:settings")
          .resource(ResourceRef.type("tenant"));

      AuthorizationDecision d = both.decide(settings.tenant("acme").build());

      assertThat(d.permitted()).isFalse();
      assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
      assertThat(both.decide(settings.tenant("globex").build()).permitted()).as("in globex the role counts").isTrue();
    }

    /** A cross-tenant administrator acts by privileged roles only: a tenant's role in the token administers nothing. */
    @Test
    void decideWhenCrossTenantAdministratorCarriesANonPrivilegedTokenRoleGrantingTheActionThenDenyEvenWithMfa() {
      Actor root = user("root", IdentitySignals.builder().roles("tenant-admin").mfa(true).build());

      AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(root).tenant("acme")
          .action("tenant:settings").resource(ResourceRef.type("tenant")).build());

      assertThat(d.permitted()).isFalse();
      assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
      assertThat(d.matchedRole()).isEmpty();
    }

    /** Only a privileged role held on the platform opens cross-tenant administration, not one bound in a tenant. */
    @Test
    void decideWhenPrivilegedRoleIsBoundInAnotherTenantOnlyThenDenyTenantAccessEvenWithMfa() {
      PolicyDecisionPoint scoped = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Directory.inMemory().organization("acme", "sales").organization("globex", "hq")
              .tenantRole("rita", "globex", "platform-admin").build())
          .auditSink(f.audit).clock(f.clock).build();

      AuthorizationDecision d = scoped.decide(adminRead(user("rita", IdentitySignals.builder().mfa(true).build())));

      assertThat(d.effect()).isEqualTo(Effect.DENY);
      assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
      assertThat(d.stage()).isEqualTo(DecisionStage.TENANT);
    }

    @Test
    void decideWhenNonPrivilegedTenantAdminOfOtherTenantThenDenyTenantAccess() {
      Actor bob = user("bob", IdentitySignals.builder().mfa(true).build());

      assertThat(pdp.decide(adminRead(bob)).reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
    }

    @Test
    void decideWhenCrossTenantOrganizationActionWithoutOrganizationThenDenyOrganizationMissing() {
      Actor root = user("root", IdentitySignals.builder().mfa(true).build());

      assertThat(pdp.decide(read(root).tenant("acme").build()).reasons())
          .containsExactly(ReasonCode.ORGANIZATION_MISSING);
      assertThat(pdp.decide(read(root).tenant("acme").organization("sales").build()).permitted()).isTrue();
    }
  }

  @Nested
  class Agents {

    private final Actor.User alice = user("alice");

    private Actor.Agent agent(AgentGrant g) {
      return Actor.agent("drafter", alice, g);
    }

    private AgentGrant salesGrant(String... caps) {
      return grant("drafter", "alice", "task-7", "acme", "sales", "filing", NOW.plus(Duration.ofHours(1)), caps);
    }

    @Test
    void decideWhenAgentWithinGrantAndUserPermissionThenPermit() {
      AuthorizationDecision d = pdp.decide(write(agent(salesGrant("filings:write"))).task("task-7").build());

      assertThat(d.permitted()).isTrue();
      assertThat(d.tenant()).contains(TenantId.of("acme"));
      assertThat(d.organization()).contains(OrganizationId.of("sales"));
      assertThat(f.audit.events().get(0).details()).containsEntry("onBehalfOf", "alice")
          .containsEntry("agentGrant", "grant-1").containsEntry("task", "task-7");
      assertThat(f.audit.events().get(0).actorKind()).contains("agent");
    }

    @Test
    void decideWhenCapabilityOutsideGrantThenDenyAgentScopeExceeded() {
      AuthorizationDecision d = pdp.decide(write(agent(salesGrant("filings:read"))).task("task-7").build());

      assertThat(d.reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
    }

    @Test
    void decideWhenGrantCoversButUserLacksPermissionThenDeny() {
      Actor.Agent a = Actor.agent("drafter", user("dave"),
          grant("drafter", "dave", "task-7", "acme", "sales", "filing", NOW.plusSeconds(60), "filings:write"));

      assertThat(pdp.decide(write(a).task("task-7").build()).reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
    }

    @Test
    void decideWhenGrantExpiredThenDenyAgentScopeExceeded() {
      AuthorizationRequest r = write(agent(salesGrant("filings:write"))).task("task-7").build();
      f.clock.advance(Duration.ofHours(1));

      AuthorizationDecision d = pdp.decide(r);

      assertThat(d.reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(d.explanation()).contains("expired");
    }

    /** The agent acts on the user's authority: when the user's credential has expired, so has the agent's. */
    @Test
    void decideWhenTheUsersCredentialHasExpiredWithinTheGrantThenDenyActorExpired() {
      Actor.User shortLived = user("alice", IdentitySignals.builder().expiresAt(NOW.plusSeconds(60)).build());
      Actor.Agent a = Actor.agent("drafter", shortLived, salesGrant("filings:write"));
      AuthorizationRequest r = write(a).task("task-7").build();
      assertThat(pdp.decide(r).permitted()).as("before the user's credential expires").isTrue();
      f.clock.advance(Duration.ofSeconds(60));

      AuthorizationDecision d = pdp.decide(r);

      assertThat(d.effect()).isEqualTo(Effect.DENY);
      assertThat(d.reasons()).containsExactly(ReasonCode.ACTOR_EXPIRED);
      assertThat(d.explanation()).contains("'alice', for whom the agent acts, has expired");
    }

    @Test
    void decideWhenAgentAsksForAnotherTenantOrOrganizationThenDenyAgentScopeExceeded() {
      Actor.Agent a = agent(salesGrant("filings:write"));

      assertThat(pdp.decide(write(a).task("task-7").tenant("globex").build()).reasons())
          .containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(pdp.decide(write(a).task("task-7").organization("support").build()).reasons())
          .containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
    }

    @Test
    void decideWhenAgentActsOnAnotherDomainOrTaskThenDenyAgentScopeExceeded() {
      Actor.Agent a = agent(salesGrant("filings:write"));

      assertThat(pdp.decide(AuthorizationRequest.builder().actor(a).task("task-7").action("filings:write")
          .resource(ResourceRef.type("invoice")).build()).reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(pdp.decide(write(a).task("task-8").build()).reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(pdp.decide(write(a).build()).reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
    }

    @Test
    void decideWhenAgentProposesHighImpactActionThenApprovalRequiredAndOnlyAPersonCanApprove() {
      Actor.Agent a = agent(salesGrant("filings:submit"));
      AuthorizationRequest.Builder submit = AuthorizationRequest.builder().actor(a).task("task-7")
          .action("filings:submit").resource(ResourceRef.of("filing", "f-1"));

      assertThat(pdp.decide(submit.build()).effect()).isEqualTo(Effect.APPROVAL_REQUIRED);

      f.approvals.add(new Approval("ap-agent", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "drafter", NOW, NOW.plusSeconds(600)));
      assertThat(pdp.decide(submit.approvalId("ap-agent").build()).reasons())
          .containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);

      f.approvals.add(new Approval("ap-dave", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "dave", NOW, NOW.plusSeconds(600)));
      AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(a).task("task-7")
          .action("filings:submit").resource(ResourceRef.of("filing", "f-1")).approvalId("ap-dave").build());
      assertThat(d.reasons()).containsExactly(ReasonCode.PERMITTED, ReasonCode.APPROVED);
    }

    /**
     * Four eyes for an agent's proposal: the user the agent acts for asked for it, so her approval (in any case) is
     * the requester's own, as the agent's is.
     */
    @Test
    void decideWhenTheUserTheAgentActsForApprovesItsHighImpactProposalThenSelfApproved() {
      Actor.Agent a = agent(salesGrant("filings:submit"));
      AuthorizationRequest.Builder submit = AuthorizationRequest.builder().actor(a).task("task-7")
          .action("filings:submit").resource(ResourceRef.of("filing", "f-1"));
      f.approvals.add(new Approval("ap-alice", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "alice", NOW, NOW.plusSeconds(600)));
      f.approvals.add(new Approval("ap-ALICE", TenantId.of("acme"), Permission.of("filings:submit"),
          ResourceRef.of("filing", "f-1"), "alice", "ALICE", NOW, NOW.plusSeconds(600)));

      AuthorizationDecision byHerself = pdp.decide(submit.approvalId("ap-alice").build());
      AuthorizationDecision byHerselfInCapitals = pdp.decide(submit.approvalId("ap-ALICE").build());

      assertThat(byHerself.effect()).isEqualTo(Effect.DENY);
      assertThat(byHerself.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
      assertThat(byHerselfInCapitals.reasons()).containsExactly(ReasonCode.APPROVAL_SELF_APPROVED);
    }

    /**
     * Regression: a grant limited to organization sales let its agent change the settings of the whole tenant, for a
     * user who may: the grant's organization was checked as the active one, but a tenant-scoped permission acts on
     * every organization, as an organization binding never grants it.
     */
    @Test
    void decideWhenGrantIsLimitedToAnOrganizationAndTheActionIsTenantWideThenDenyAgentScopeExceeded() {
      PolicyDecisionPoint olgas = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
          .directory(Directory.inMemory().organization("acme", "sales").tenantRole("olga", "acme", "tenant-admin")
              .member("olga", "sales").build())
          .auditSink(f.audit).clock(f.clock).build();
      AuthorizationRequest.Builder settings = AuthorizationRequest.builder().action("tenant:settings")
          .resource(ResourceRef.type("tenant")).task("task-7");
      Actor.Agent inSales = Actor.agent("drafter", user("olga"), grant("drafter", "olga", "task-7", "acme", "sales",
          "tenant", NOW.plus(Duration.ofHours(1)), "tenant:settings"));
      Actor.Agent inAcme = Actor.agent("drafter", user("olga"), grant("drafter", "olga", "task-7", "acme", null,
          "tenant", NOW.plus(Duration.ofHours(1)), "tenant:settings"));

      AuthorizationDecision limited = olgas.decide(settings.actor(inSales).build());
      AuthorizationDecision named = olgas.decide(settings.actor(inSales).organization("sales").build());
      AuthorizationDecision tenantWide = olgas.decide(settings.actor(inAcme).build());

      assertThat(limited.reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(limited.explanation()).contains("organization 'sales'").contains("'tenant:settings'");
      assertThat(named.reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
      assertThat(tenantWide.permitted()).isTrue(); // a grant for the whole tenant may
    }

    /**
     * Cross-tenant administration is a person's, with MFA, never an agent's: a grant to an agent of a platform
     * administrator for a tenant the administrator has no access to gives the agent no way into that tenant.
     */
    @Test
    void decideWhenAgentActsForAPrivilegedUserWithMfaInATenantTheUserHasNoAccessToThenDenyTenantAccess() {
      Actor.User root = user("root", IdentitySignals.builder().mfa(true).build());
      Actor.Agent a = Actor.agent("drafter", root, grant("drafter", "root", "task-7", "acme", null, "filing",
          NOW.plus(Duration.ofHours(1)), "admin:filings:read"));
      AuthorizationRequest.Builder adminRead = AuthorizationRequest.builder().task("task-7").tenant("acme")
          .action("admin:filings:read").resource(ResourceRef.type("filing"));

      AuthorizationDecision byAgent = pdp.decide(adminRead.actor(a).build());

      assertThat(byAgent.effect()).isEqualTo(Effect.DENY);
      assertThat(byAgent.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
      assertThat(pdp.decide(adminRead.actor(root).build()).permitted()).as("root himself may, with MFA").isTrue();
    }

    @Test
    void agentWhenGrantNamesAnotherAgentThenConstructionFails() {
      AgentGrant g = grant("summarizer", "alice", "t", "acme", null, "filing", NOW, "filings:read");

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Actor.agent("drafter", alice, g))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is for agent 'summarizer', not 'drafter'");
    }

    @Test
    void agentWhenGrantNamesAnotherUserThenConstructionFails() {
      AgentGrant g = grant("drafter", "bob", "t", "acme", null, "filing", NOW, "filings:read");

      org.assertj.core.api.Assertions.assertThatThrownBy(() -> Actor.agent("drafter", alice, g))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("on behalf of 'bob', not 'alice'");
    }
  }
}
