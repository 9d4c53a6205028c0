package com.algosure.authz;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of the {@link PolicyDecisionPoint}: an effect with the reasons for it, the stage that decided,
 * the role and permission that matched on a permit, and an id and time for the audit trail.
 *
 * <p>Immutable and thread-safe. The explanation names ids (tenant, organization, role, action) but never a
 * token, a secret or an attribute value.
 *
 * @since 0.1.0
 */
public final class AuthorizationDecision {

  private final Effect effect;
  private final List<ReasonCode> reasons;
  private final DecisionStage stage;
  private final @Nullable Role matchedRole;
  private final @Nullable Permission matchedPermission;
  private final @Nullable TenantId tenant;
  private final @Nullable OrganizationId organization;
  private final String decisionId;
  private final Instant timestamp;
  private final @Nullable String explanation;
  // a permit's explanation is written only when asked for: the decision path builds no string
  private final boolean crossTenant;
  private final @Nullable String approvedBy;

  AuthorizationDecision(Effect effect, List<ReasonCode> reasons, DecisionStage stage, @Nullable Role matchedRole,
      @Nullable Permission matchedPermission, @Nullable TenantId tenant, @Nullable OrganizationId organization,
      String decisionId, Instant timestamp, String explanation) {
    this.effect = effect;
    this.reasons = reasons;
    this.stage = stage;
    this.matchedRole = matchedRole;
    this.matchedPermission = matchedPermission;
    this.tenant = tenant;
    this.organization = organization;
    this.decisionId = decisionId;
    this.timestamp = timestamp;
    this.explanation = explanation;
    this.crossTenant = false;
    this.approvedBy = null;
  }

  /** A permit, whose explanation is written from the role and permission when {@link #explanation()} is called. */
  AuthorizationDecision(List<ReasonCode> reasons, Role matchedRole, Permission matchedPermission, TenantId tenant,
      @Nullable OrganizationId organization, String decisionId, Instant timestamp, boolean crossTenant,
      @Nullable String approvedBy) {
    this.effect = Effect.PERMIT;
    this.reasons = reasons;
    this.stage = DecisionStage.APPROVAL;
    this.matchedRole = matchedRole;
    this.matchedPermission = matchedPermission;
    this.tenant = tenant;
    this.organization = organization;
    this.decisionId = decisionId;
    this.timestamp = timestamp;
    this.explanation = null;
    this.crossTenant = crossTenant;
    this.approvedBy = approvedBy;
  }

  /** @return what the caller may do */
  public Effect effect() {
    return effect;
  }

  /** @return whether the effect is {@link Effect#PERMIT} */
  public boolean permitted() {
    return effect == Effect.PERMIT;
  }

  /** @return the machine-readable reasons, most significant first; never empty */
  public List<ReasonCode> reasons() {
    return reasons;
  }

  /** @return the most significant reason */
  public ReasonCode reason() {
    return reasons.get(0);
  }

  /** @return the stage that decided: the last stage on a permit, the failing stage otherwise */
  public DecisionStage stage() {
    return stage;
  }

  /** @return the role that granted the action, where one did */
  public Optional<Role> matchedRole() {
    return Optional.ofNullable(matchedRole);
  }

  /** @return the permission that was granted, where one was */
  public Optional<Permission> matchedPermission() {
    return Optional.ofNullable(matchedPermission);
  }

  /** @return the tenant the decision was made in, once resolved */
  public Optional<TenantId> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** @return the active organization, once resolved */
  public Optional<OrganizationId> organization() {
    return Optional.ofNullable(organization);
  }

  /** @return the decision's unique id, also in its audit record */
  public String decisionId() {
    return decisionId;
  }

  /** @return when the decision was made, by the decision point's clock */
  public Instant timestamp() {
    return timestamp;
  }

  /** @return a sentence for people saying why */
  public String explanation() {
    String e = explanation;
    if (e != null) {
      return e;
    }
    return "permitted: role '" + matchedRole + "' grants '" + matchedPermission + "'"
        + (crossTenant ? " (cross-tenant administration with MFA)" : "")
        + (approvedBy != null ? ", approved by '" + approvedBy + "'" : "");
  }

  @Override
  public String toString() {
    return "AuthorizationDecision[" + effect + " " + reasons + " at " + stage
        + (matchedRole == null ? "" : ", role=" + matchedRole)
        + (matchedPermission == null ? "" : ", permission=" + matchedPermission)
        + ", id=" + decisionId + ", " + explanation() + "]";
  }
}
