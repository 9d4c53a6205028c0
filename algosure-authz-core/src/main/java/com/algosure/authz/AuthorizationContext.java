package com.algosure.authz;

import java.util.List;
import java.util.Optional;

/**
 * The context the earlier stages established, as host policies (domain rules, attribute policies) see it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actor the authenticated actor
 * @param tenant the tenant the request acts in
 * @param organization the active organization, if the request has one
 * @param action the action
 * @param resource the resource
 * @param matchedRole the role that grants the action
 * @param crossTenant whether this is cross-tenant administration by a privileged platform actor
 * @since 0.1.0
 */
public record AuthorizationContext(
    Actor actor,
    TenantId tenant,
    Optional<OrganizationId> organization,
    PermissionDefinition action,
    ResourceRef resource,
    Role matchedRole,
    boolean crossTenant) {

  /**
   * @return the subject id of whoever impersonates the principal (the actor, or the user an agent acts for), if its
   *     credential was obtained so ({@link IdentitySignals#impersonator()})
   * @since 0.1.0
   */
  public Optional<String> impersonator() {
    Actor principal = actor instanceof Actor.Agent agent ? agent.onBehalfOf() : actor;
    return principal.signals().impersonator();
  }

  /**
   * The parties that acted for the principal (the actor, or the user an agent acts for) earlier in a delegation chain,
   * the nearest first ({@link IdentitySignals#priorActors()}; the current one is {@link #impersonator()}). With the
   * impersonator they are everyone who took part in making the request besides the principal: a domain rule such as
   * "nobody in the delegation chain acts on their own record" checks both. Prefer this to
   * {@code actor().signals().priorActors()}, which is empty for an agent (its own credential signals nothing).
   *
   * <p>Allocates nothing: the list is the signals' own, unmodifiable.
   *
   * @return the earlier acting parties' subject ids, in the namespace of the principal's id; empty without a chain
   * @since 0.1.0
   */
  public List<String> priorActors() {
    Actor principal = actor instanceof Actor.Agent agent ? agent.onBehalfOf() : actor;
    return principal.signals().priorActors();
  }
}
