package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.BindingScope;
import com.algosure.authz.Effect;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.Role;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Keycloak group that names a tenant (and an organization) signals its role there only. Regression: the role of
 * the group {@code /tenants/acme/admins} was a plain token role, so it counted in every tenant and organization
 * the directory let its member into (alice, an admin of acme and a reader of globex, was permitted globex's
 * settings).
 */
class GroupRoleScopeTest extends ValidatorTestSupport {

  private static final KeycloakMapping MAPPING = KeycloakMapping.builder()
      .group("/tenants/{tenant}/admins", "tenant-admin")
      .group("/tenants/{tenant}/orgs/{org}/approvers", "approver")
      .group("/tenants/{tenant}/operators", "platform-admin")
      .platformGroup("/staff", "reader")
      .build();

  private PolicyDecisionPoint pdp() {
    return PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder()
            .permission(PermissionDefinition.of("filings:read"))
            .permission(PermissionDefinition.of("filings:approve"))
            .permission(PermissionDefinition.of("tenant:settings").withScope(PermissionScope.TENANT))
            .role("reader", "filings:read")
            .role("approver", "filings:read", "filings:approve")
            .role("tenant-admin", "filings:read", "tenant:settings")
            .privilegedRole("platform-admin", "tenant:settings")
            .build())
        .directory(Directory.inMemory()
            .organization("acme", "sales").organization("acme", "support").organization("globex", "hq")
            .organizationRole("alice", "sales", "reader")
            .organizationRole("alice", "support", "reader")
            .tenantRole("alice", "globex", "reader")
            .member("tom", "hq")
            .build())
        .auditSink(AuditSink.inMemory()).clock(clock).build();
  }

  private Actor alice(String... groups) {
    return person("alice", groups);
  }

  private Actor person(String subject, String... groups) {
    AccessTokenValidator v = open(builder().issuer(realm().build()).mapping(MAPPING));
    return v.authenticate(token().subject(subject).claim("groups", List.of(groups)).claim("amr", List.of("otp")).sign());
  }

  private AuthorizationDecision decide(Actor a, String tenant, String org, String action) {
    AuthorizationRequest.Builder r = AuthorizationRequest.builder().actor(a).tenant(tenant).action(action)
        .resource(ResourceRef.type("filing"));
    if (org != null) {
      r.organization(org);
    }
    return pdp().decide(r.build());
  }

  @Test
  void mapWhenGroupNamesATenantThenItsRoleIsScopedToThatTenantOrOrganization() {
    IdentitySignals s = alice("/tenants/acme/admins", "/tenants/acme/orgs/sales/approvers", "/staff").signals();

    assertThat(s.roles()).containsExactly(Role.of("reader"));
    assertThat(s.scopedRoles()).containsOnly(
        Map.entry(Role.of("tenant-admin"), Set.of(BindingScope.tenant(TenantId.of("acme")))),
        Map.entry(Role.of("approver"), Set.of(BindingScope.organization(TenantId.of("acme"), OrganizationId.of("sales")))));
  }

  @Test
  void decideWhenGroupRoleOfATenantThenItGrantsInThatTenant() {
    assertThat(decide(alice("/tenants/acme/admins"), "acme", null, "tenant:settings").effect()).isEqualTo(Effect.PERMIT);
  }

  @Test
  void decideWhenGroupRoleOfOneTenantThenItDoesNotCountInAnotherTenant() {
    AuthorizationDecision d = decide(alice("/tenants/acme/admins"), "globex", null, "tenant:settings");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void decideWhenGroupRoleOfAnOrganizationThenItGrantsInThatOrganizationOnly() {
    Actor alice = alice("/tenants/acme/orgs/sales/approvers");

    assertThat(decide(alice, "acme", "sales", "filings:approve").effect()).isEqualTo(Effect.PERMIT);
    assertThat(decide(alice, "acme", "support", "filings:approve").reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void decideWhenGroupRoleOfAnOrganizationAndTenantWidePermissionThenDenyNotWidened() {
    Actor alice = alice("/tenants/acme/orgs/sales/admins-of-nothing", "/tenants/acme/orgs/sales/approvers");

    assertThat(decide(alice, "acme", "sales", "tenant:settings").reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void decideWhenPrivilegedRoleComesFromATenantsGroupThenNoCrossTenantAdministration() {
    AuthorizationDecision d = decide(alice("/tenants/acme/operators"), "initech", null, "tenant:settings");

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
  }

  @Test
  void decideWhenGroupWithoutTenantGrantsARoleThenItCountsWhereverTheDirectoryConfirmsTheContext() {
    assertThat(decide(person("tom", "/staff"), "globex", "hq", "filings:read").effect()).isEqualTo(Effect.PERMIT);
    assertThat(decide(person("tom"), "globex", "hq", "filings:read").reasons()).containsExactly(ReasonCode.PERMISSION_DENIED);
  }

  @Test
  void groupWhenRoleForAnOrganizationWithoutTenantThenRefusedSayingWhatToWrite() {
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/orgs/{org}/approvers", "approver"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group pattern '/orgs/{org}/approvers' grants role 'approver' in an organization but has"
            + " no {tenant} placeholder")
        .hasMessageContaining("'/tenants/{tenant}/orgs/{org}/...'");
  }

  @Test
  void scopedRoleWhenPlatformScopeThenRefused() {
    assertThatThrownBy(() -> IdentitySignals.builder().scopedRole(Role.of("reader"), BindingScope.platform()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs in roles(...)");
  }
}
