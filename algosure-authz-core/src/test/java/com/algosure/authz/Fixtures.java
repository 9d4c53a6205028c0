package com.algosure.authz;

import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import com.algosure.authz.spi.InMemoryApprovalStore;
import com.algosure.authz.spi.InMemoryDirectory;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.testing.MutableClock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The test world: tenants acme (organizations sales, support) and globex (hq); alice is a member in two
 * acme organizations, dave approves in sales, bob administers globex, root is a platform admin, tom (a user)
 * may read in all of acme, billing-worker is a service account that may read in acme.
 */
final class Fixtures {

  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  static final RoleCatalog CATALOG = RoleCatalog.builder()
      .permission(PermissionDefinition.of("filings:read"))
      .permission(PermissionDefinition.of("filings:write"))
      .permission(PermissionDefinition.of("filings:submit").withFeature("e-filing").withLimit("filings-per-month")
          .asHighImpact())
      .permission(PermissionDefinition.of("filings:approve"))
      .permission(PermissionDefinition.of("tenant:settings").withScope(PermissionScope.TENANT))
      .permission(PermissionDefinition.of("admin:filings:read").withScope(PermissionScope.TENANT))
      .role("member", "filings:read", "filings:write")
      .role("submitter", "filings:read", "filings:submit")
      .role("approver", "filings:read", "filings:approve")
      .role("reader", "filings:read")
      .role("tenant-admin", "filings:read", "tenant:settings", "filings:approve")
      .privilegedRole("platform-admin", "admin:filings:read", "filings:read")
      .build();

  static InMemoryDirectory directory() {
    return Directory.inMemory()
        .organization("acme", "sales")
        .organization("acme", "support")
        .organization("globex", "hq")
        .organizationRole("alice", "sales", "member")
        .organizationRole("alice", "sales", "submitter")
        .organizationRole("alice", "support", "member")
        .organizationRole("dave", "sales", "approver")
        .organizationRole("erin", "support", "member")
        .tenantRole("bob", "globex", "tenant-admin")
        .platformRole("root", "platform-admin")
        .tenantRole("tom", "acme", "reader")
        .serviceAccountTenantRole("billing-worker", "acme", "reader")
        .build();
  }

  static EntitlementSource entitlements() {
    return EntitlementSource.inMemory(Map.of(
        TenantId.of("acme"), new Entitlements(Set.of("e-filing"), Map.of("filings-per-month", 100L),
            Map.of("filings-per-month", 3L)),
        TenantId.of("globex"), Entitlements.none()));
  }

  final MutableClock clock = MutableClock.at(NOW);
  final InMemoryAuditSink audit = AuditSink.inMemory();
  final InMemoryApprovalStore approvals = ApprovalStore.inMemory();

  PolicyDecisionPoint.Builder pdpBuilder() {
    return PolicyDecisionPoint.builder()
        .roleCatalog(CATALOG)
        .directory(directory())
        .entitlements(entitlements())
        .approvals(approvals)
        .auditSink(audit)
        .clock(clock);
  }

  PolicyDecisionPoint pdp() {
    return pdpBuilder().build();
  }

  static Actor.User user(String id) {
    return Actor.user(id);
  }

  static Actor.User user(String id, IdentitySignals signals) {
    return Actor.user(id, signals);
  }

  static AuthorizationRequest.Builder read(Actor actor) {
    return AuthorizationRequest.builder().actor(actor).action("filings:read").resource(ResourceRef.type("filing"));
  }

  static AgentGrant grant(String agent, String user, String task, String tenant, String org, String domain,
      Instant expires, String... capabilities) {
    Set<Permission> caps = new java.util.HashSet<>();
    for (String c : capabilities) {
      caps.add(Permission.of(c));
    }
    return new AgentGrant("grant-1", agent, user, task, TenantId.of(tenant),
        org == null ? Optional.empty() : Optional.of(OrganizationId.of(org)), domain, caps, expires);
  }

  private Fixtures() {}

  static Fixtures create() {
    return new Fixtures();
  }

  /**
   * A host's own directory written before {@code Directory.serviceAccounts()} existed: it answers the users'
   * questions from {@code real} and keeps that method's default. Extend it to override more.
   */
  static class HostDirectory implements com.algosure.authz.spi.Directory {
    private final com.algosure.authz.spi.Directory real;

    HostDirectory(com.algosure.authz.spi.Directory real) {
      this.real = real;
    }

    @Override
    public java.util.Set<TenantId> tenantsOf(String subject) {
      return real.tenantsOf(subject);
    }

    @Override
    public java.util.Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
      return real.organizationsOf(subject, tenant);
    }

    @Override
    public java.util.Optional<TenantId> tenantOf(OrganizationId organization) {
      return real.tenantOf(organization);
    }

    @Override
    public java.util.List<RoleBinding> bindingsOf(String subject) {
      return real.bindingsOf(subject);
    }
  }
}
