package com.algosure.authz;

import com.algosure.authz.spi.Directory;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Establishes the active organization. A named organization must belong to the tenant and the principal
 * must be a member of it (or hold a tenant-wide role there); an unnamed one is resolved only when the
 * principal belongs to exactly one, which must belong to the tenant as a named one must (a directory answering a
 * membership of another tenant is not believed). Token hints never make anyone a member.
 */
final class OrganizationStage implements Stage {

  private final Directory directory;

  OrganizationStage(Directory directory) {
    this.directory = directory;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.ORGANIZATION;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    TenantId tenant = c.tenant();
    OrganizationId named = c.request().organizationOrNull();
    if (c.actor() instanceof Actor.Agent agent && agent.grant().organization().isPresent()) {
      OrganizationId granted = agent.grant().organization().get();
      if (named != null && !named.equals(granted)) {
        return Verdict.deny(ReasonCode.AGENT_SCOPE_EXCEEDED, "grant '" + agent.grant().grantId()
            + "' is for organization '" + granted + "', not '" + named + "'");
      }
      named = granted;
    }
    boolean needsOrganization = c.definition().scope() == PermissionScope.ORGANIZATION;
    if (named != null) {
      if (!belongsTo(named, tenant)) {
        return Verdict.deny(ReasonCode.ORGANIZATION_OUTSIDE_TENANT,
            "organization '" + named + "' does not belong to tenant '" + tenant + "'");
      }
      c.organization = named;
      if (c.crossTenant) {
        return null;
      }
      Set<OrganizationId> memberships = memberships(c);
      if (memberships.contains(named)) {
        c.member = true;
        return null;
      }
      if (hasTenantWideBinding(c)) {
        return null;
      }
      return Verdict.deny(ReasonCode.ORGANIZATION_NOT_MEMBER,
          "'" + c.principal().id() + "' is not a member of organization '" + named + "'");
    }
    if (c.crossTenant) {
      return needsOrganization
          ? Verdict.deny(ReasonCode.ORGANIZATION_MISSING,
              "action '" + c.action() + "' needs an organization: name the organization to administer")
          : null;
    }
    if (!needsOrganization) {
      c.member = true; // tenant access was established by the tenant stage
      return null;
    }
    Set<OrganizationId> memberships = memberships(c);
    if (memberships.size() == 1) {
      OrganizationId only = memberships.iterator().next();
      // the directory's answer is checked as a named organization is: one of another tenant is never the active one
      if (!belongsTo(only, tenant)) {
        return Verdict.deny(ReasonCode.ORGANIZATION_OUTSIDE_TENANT, "the directory answered organization '" + only
            + "' as the only one '" + c.principal().id() + "' is a member of in tenant '" + tenant
            + "', but it does not belong to that tenant: check the directory's organizationsOf");
      }
      c.organization = only;
      c.member = true;
      return null;
    }
    if (memberships.isEmpty()) {
      return Verdict.deny(ReasonCode.ORGANIZATION_MISSING, "action '" + c.action() + "' needs an organization and '"
          + c.principal().id() + "' is a member of none in tenant '" + tenant + "': name one");
    }
    return Verdict.deny(ReasonCode.ORGANIZATION_AMBIGUOUS, "'" + c.principal().id() + "' is a member of "
        + memberships.size() + " organizations in tenant '" + tenant + "': name the active organization");
  }

  /** @return whether the directory says the organization belongs to the tenant */
  private boolean belongsTo(OrganizationId organization, TenantId tenant) {
    Optional<TenantId> owner = Stage.answered(directory.tenantOf(organization), "Directory.tenantOf");
    return owner.isPresent() && owner.get().equals(tenant);
  }

  private Set<OrganizationId> memberships(DecisionContext c) {
    return Stage.answered(c.directory().organizationsOf(c.principal().id(), c.tenant()), "Directory.organizationsOf");
  }

  private boolean hasTenantWideBinding(DecisionContext c) {
    List<RoleBinding> bindings = c.bindings();
    for (int i = 0, n = bindings.size(); i < n; i++) {
      RoleBinding b = bindings.get(i);
      if (b.scope().kind() == BindingScope.Kind.TENANT && b.scope().covers(c.tenant(), null)) {
        return true;
      }
    }
    return false;
  }
}
