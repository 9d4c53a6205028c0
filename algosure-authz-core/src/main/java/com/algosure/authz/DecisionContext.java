package com.algosure.authz;

import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.Directory;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the stages of one decision have established so far. One per call of {@code decide}, used by one
 * thread; fields are filled in stage order and read by later stages.
 */
final class DecisionContext {

  final AuthorizationRequest request;
  final Instant now;

  // ACTOR
  @Nullable Actor actor;
  /** The person or service account whose permissions count: the actor, or the user an agent acts for. */
  @Nullable Actor principal;
  @Nullable Permission action;
  @Nullable ResourceRef resource;
  @Nullable PermissionDefinition definition;

  // TENANT and ORGANIZATION
  @Nullable TenantId tenant;
  @Nullable OrganizationId organization;
  boolean crossTenant;
  /** Whether the principal is a member of the active organization (or, with none, has access to the tenant). */
  boolean member;

  // RBAC
  @Nullable Role matchedRole;

  // DOMAIN and APPROVAL
  boolean approvalRequired;
  @Nullable Approval approval;

  private @Nullable AuthorizationContext view;
  private @Nullable List<RoleBinding> bindings;

  DecisionContext(AuthorizationRequest request, Instant now) {
    this.request = request;
    this.now = now;
  }

  /**
   * The principal's role bindings, asked of the directory once per decision however many stages need them
   * (tenant, organization and RBAC may all look).
   */
  List<RoleBinding> bindings(Directory directory) {
    if (bindings == null) {
      bindings = Stage.answered(directory.bindingsOf(principal.id()), "Directory.bindingsOf");
    }
    return bindings;
  }

  /** The read-only view host policies get; made once, only when a host policy runs. */
  AuthorizationContext view() {
    if (view == null) {
      view = new AuthorizationContext(actor, tenant, java.util.Optional.ofNullable(organization), definition, resource,
          matchedRole, crossTenant);
    }
    return view;
  }
}
