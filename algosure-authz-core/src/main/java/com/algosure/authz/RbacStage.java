package com.algosure.authz;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds a role that grants the action in the established context.
 *
 * <ul>
 *   <li>Directory bindings count where their scope covers the tenant and organization, and is no narrower
 *       than the permission's scope: a platform or tenant binding grants both organization- and tenant-scoped
 *       permissions, an organization binding only organization-scoped ones in that organization. Naming an
 *       organization never lets an organization binding grant a tenant-wide permission. In an organization the
 *       directory does not confirm the principal a member of (admitted by a tenant binding), only tenant bindings
 *       count: neither an organization nor a platform binding.
 *   <li>Token role signals count for people only, and only where the tenant and organization stages
 *       confirmed membership: a token role alone never permits. A scoped role signal (a Keycloak group's, see
 *       {@link IdentitySignals#scopedRoles()}) counts only where its scope covers the tenant and organization.
 *   <li>Service accounts get only the bindings of their client (least privilege), looked up by client id in the
 *       directory's {@link com.algosure.authz.spi.Directory#serviceAccounts()}, never a user's with the same id.
 *   <li>Agents: the grant must cover the task, domain and capability (a grant limited to one organization never
 *       covers a tenant-scoped permission), and the user must hold the permission: the intersection.
 *   <li>Cross-tenant administration admits only privileged roles, and without MFA evidence asks for
 *       step-up.
 * </ul>
 */
final class RbacStage implements Stage {

  private final RoleCatalog catalog;

  RbacStage(RoleCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.RBAC;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    Permission action = c.action();
    if (c.actor() instanceof Actor.Agent agent) {
      Verdict v = checkGrant(agent.grant(), c);
      if (v != null) {
        return v;
      }
    }
    Actor principal = c.principal();
    Set<Role> granting = c.grantedBy(); // the roles granting the action: one small set, not a look-up per binding
    // A tenant-scoped permission is asked of each binding as "the tenant as a whole" (no organization), which an
    // organization binding never covers, whether or not the request names its organization.
    OrganizationId where = c.definition().scope() == PermissionScope.TENANT ? null : c.organization;
    List<RoleBinding> bindings = c.bindings();
    for (int i = 0, n = bindings.size(); i < n; i++) {
      RoleBinding b = bindings.get(i);
      Role role = b.role();
      if (c.crossTenant) {
        if (b.scope().kind() == BindingScope.Kind.PLATFORM && catalog.isPrivileged(role) && granting.contains(role)) {
          return matched(c, role);
        }
      } else if (b.scope().covers(c.tenant(), where) && granting.contains(role)
          && (c.member || b.scope().kind() == BindingScope.Kind.TENANT)) {
        // a non-member is in the organization by a tenant role only (the organization stage admits no other), so only
        // a tenant binding counts there: neither an organization binding without the membership it presumes (one the
        // organization domain has since removed) nor a platform binding, which alone does not admit a non-member
        return matched(c, role);
      }
    }
    // For a service account the token's roles never count; looking them up only explains the denial.
    boolean serviceAccount = principal instanceof Actor.ServiceAccount;
    Role tokenRole = tokenRoleGranting(c, serviceAccount, where);
    if (tokenRole != null) {
      if (serviceAccount) {
        return Verdict.deny(ReasonCode.SERVICE_ACCOUNT_SCOPE_EXCEEDED, "service account '" + principal.id()
            + "' is not bound to a role granting '" + action + "'; its token's role '" + tokenRole + "' does not count");
      }
      return matched(c, tokenRole);
    }
    if (principal instanceof Actor.ServiceAccount) {
      return Verdict.deny(ReasonCode.SERVICE_ACCOUNT_SCOPE_EXCEEDED,
          "service account '" + principal.id() + "' is not bound to a role granting '" + action + "'");
    }
    return Verdict.deny(ReasonCode.PERMISSION_DENIED, missing(c));
  }

  /**
   * What the principal lacks, said of the context asked about only: never the roles it holds, nor where it holds them
   * (another organization's or tenant's facts).
   */
  private static String missing(DecisionContext c) {
    String who = "'" + c.principal().id() + "'";
    if (c.crossTenant) {
      return who + " holds no privileged platform role granting '" + c.action() + "', which administering tenant '"
          + c.tenant() + "' without access to it needs";
    }
    if (c.organization != null && c.definition().scope() == PermissionScope.TENANT) {
      // asking "in the organization" would hide why a role held there does not count
      return who + " holds no role granting '" + c.action() + "' in tenant '" + c.tenant() + "' as a whole: '"
          + c.action() + "' acts on the whole tenant, so a role in organization '" + c.organization + "' of tenant '"
          + c.tenant() + "' does not grant it; it needs a tenant (or platform) role";
    }
    if (c.organization != null && !c.member) {
      // admitted to the organization by a tenant role: only tenant roles count there (see the class comment)
      return who + " holds no tenant role granting '" + c.action() + "' in tenant '" + c.tenant() + "' and is not a"
          + " member of organization '" + c.organization + "', where a non-member's organization, platform and token"
          + " roles do not count";
    }
    return who + " holds no role granting '" + c.action() + "' in " + where(c);
  }

  private @Nullable Role tokenRoleGranting(DecisionContext c, boolean anyContext, @Nullable OrganizationId where) {
    if (!anyContext && !c.member && !c.crossTenant) {
      return null;
    }
    IdentitySignals signals = c.principal().signals();
    for (Role r : signals.roles()) {
      if (c.grantedBy().contains(r) && (!c.crossTenant || catalog.isPrivileged(r))) {
        return r;
      }
    }
    if (c.crossTenant) {
      return null; // a tenant's or organization's role never administers another tenant
    }
    // a role scoped to a tenant or organization (a Keycloak group's) counts only where its scope covers the
    // decision, as a directory binding of that scope would
    for (Map.Entry<Role, Set<BindingScope>> e : signals.scopedRoles().entrySet()) {
      if (c.grantedBy().contains(e.getKey())) {
        for (BindingScope scope : e.getValue()) {
          if (scope.covers(c.tenant(), where)) {
            return e.getKey();
          }
        }
      }
    }
    return null;
  }

  private @Nullable Verdict matched(DecisionContext c, Role role) {
    c.matchedRole = role;
    if (c.crossTenant && !c.principal().signals().mfa()) {
      return new Verdict(Effect.STEP_UP_REQUIRED, ReasonCode.MFA_REQUIRED, "cross-tenant administration of '"
          + c.tenant() + "' by '" + c.principal().id() + "' needs multi-factor authentication: authenticate again with MFA");
    }
    return null;
  }

  private static @Nullable Verdict checkGrant(AgentGrant grant, DecisionContext c) {
    String problem = null;
    String task = c.request().taskOrNull();
    if (!grant.capabilities().contains(c.action())) {
      problem = "does not include capability '" + c.action() + "'";
    } else if (!grant.domain().equals(c.resource().type())) {
      problem = "is for domain '" + grant.domain() + "', not '" + c.resource().type() + "'";
    } else if (grant.organization().isPresent() && c.definition().scope() == PermissionScope.TENANT) {
      // as an organization binding never grants a tenant-wide permission, a grant limited to one organization
      // never lets its agent act on the tenant as a whole
      problem = "is limited to organization '" + grant.organization().get() + "', and '" + c.action()
          + "' acts on the whole tenant";
    } else if (task == null) {
      problem = "is for task '" + grant.task() + "' and the request names no task";
    } else if (!grant.task().equals(task)) {
      problem = "is for task '" + grant.task() + "', not '" + Identifiers.printable(task) + "'"; // the caller's text
    }
    return problem == null ? null
        : Verdict.deny(ReasonCode.AGENT_SCOPE_EXCEEDED, "grant '" + grant.grantId() + "' " + problem);
  }

  private static String where(DecisionContext c) {
    return c.organization == null ? "tenant '" + c.tenant() + "'"
        : "organization '" + c.organization + "' of tenant '" + c.tenant() + "'";
  }
}
