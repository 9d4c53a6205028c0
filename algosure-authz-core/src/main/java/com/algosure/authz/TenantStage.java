package com.algosure.authz;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Establishes the tenant and the principal's access to it. Access comes from the directory or a trusted
 * tenant claim. Without access, the only way on is cross-tenant administration: a person (never a service
 * account or an agent) holding a privileged role; RBAC then admits only privileged roles and asks for MFA.
 */
final class TenantStage implements Stage {

  private final RoleCatalog catalog;

  TenantStage(RoleCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.TENANT;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    Actor principal = c.principal();
    TenantId requested = c.request().tenantOrNull();
    TenantId claimed = principal.signals().trustedTenant().orElse(null);
    if (c.actor() instanceof Actor.Agent agent) {
      TenantId granted = agent.grant().tenant();
      if (requested != null && !requested.equals(granted)) {
        return Verdict.deny(ReasonCode.AGENT_SCOPE_EXCEEDED, "grant '" + agent.grant().grantId()
            + "' is for tenant '" + granted + "', not '" + requested + "'");
      }
      requested = granted;
    }
    Set<TenantId> access = Stage.answered(c.directory().tenantsOf(principal.id()), "Directory.tenantsOf");
    TenantId tenant = requested;
    if (tenant == null) {
      if (claimed != null) {
        tenant = claimed;
      } else if (access.size() == 1) {
        tenant = access.iterator().next();
      } else if (access.isEmpty()) {
        return Verdict.deny(ReasonCode.TENANT_MISSING,
            "the request names no tenant and '" + principal.id() + "' has access to none");
      } else {
        return Verdict.deny(ReasonCode.TENANT_AMBIGUOUS,
            "the request names no tenant and '" + principal.id() + "' has access to " + access.size() + ": name one");
      }
    }
    c.tenant = tenant;
    boolean conflict = claimed != null && !claimed.equals(tenant);
    boolean hasAccess = !conflict && (tenant.equals(claimed) || access.contains(tenant));
    if (hasAccess) {
      return null;
    }
    if (principal instanceof Actor.User && !(c.actor() instanceof Actor.Agent) && holdsPrivilegedRole(c)) {
      c.crossTenant = true;
      return null;
    }
    if (conflict) {
      return Verdict.deny(ReasonCode.TENANT_CONFLICT, "'" + principal.id() + "' has a trusted tenant claim for '"
          + claimed + "' but the request is for tenant '" + tenant + "'");
    }
    return Verdict.deny(ReasonCode.TENANT_ACCESS_DENIED,
        "'" + principal.id() + "' has no access to tenant '" + tenant + "'");
  }

  private boolean holdsPrivilegedRole(DecisionContext c) {
    Actor principal = c.principal();
    for (Role r : principal.signals().roles()) {
      if (catalog.isPrivileged(r)) {
        return true;
      }
    }
    List<RoleBinding> bindings = c.bindings();
    for (int i = 0, n = bindings.size(); i < n; i++) {
      RoleBinding b = bindings.get(i);
      if (b.scope().kind() == BindingScope.Kind.PLATFORM && catalog.isPrivileged(b.role())) {
        return true;
      }
    }
    return false;
  }
}
