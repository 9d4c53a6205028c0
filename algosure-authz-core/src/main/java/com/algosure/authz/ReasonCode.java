package com.algosure.authz;

/**
 * Machine-readable reasons a decision carries. A permit carries {@link #PERMITTED} (and
 * {@link #APPROVED} or {@link #CROSS_TENANT_ADMINISTRATION} where they apply); every other effect carries
 * the reason of the stage that decided.
 *
 * @since 0.1.0
 */
public enum ReasonCode {
  /** All stages agreed. */
  PERMITTED(DecisionStage.RBAC),
  /** A high-impact action carried a valid approval. */
  APPROVED(DecisionStage.APPROVAL),
  /** A privileged platform actor with MFA acted in another tenant. */
  CROSS_TENANT_ADMINISTRATION(DecisionStage.TENANT),

  /** The request is incomplete or inconsistent. */
  REQUEST_INVALID(DecisionStage.ACTOR),
  /**
   * The actor's credential has expired (for an agent, the credential of the user it acts for; an expired agent grant
   * is {@link #AGENT_SCOPE_EXCEEDED}).
   */
  ACTOR_EXPIRED(DecisionStage.ACTOR),

  /** No tenant could be established for the request. */
  TENANT_MISSING(DecisionStage.TENANT),
  /** The actor has access to several tenants and the request named none. */
  TENANT_AMBIGUOUS(DecisionStage.TENANT),
  /** The actor has no access to the tenant. */
  TENANT_ACCESS_DENIED(DecisionStage.TENANT),
  /** The request's tenant and a trusted tenant claim disagree. */
  TENANT_CONFLICT(DecisionStage.TENANT),

  /** The action needs an active organization and the actor is member of none in the tenant. */
  ORGANIZATION_MISSING(DecisionStage.ORGANIZATION),
  /** The actor is member of several organizations and the request named none. */
  ORGANIZATION_AMBIGUOUS(DecisionStage.ORGANIZATION),
  /** The named organization does not belong to the tenant (or is unknown). */
  ORGANIZATION_OUTSIDE_TENANT(DecisionStage.ORGANIZATION),
  /** The actor is not a member of the named organization. */
  ORGANIZATION_NOT_MEMBER(DecisionStage.ORGANIZATION),

  /** The action is not declared in the role catalogue. */
  PERMISSION_UNKNOWN(DecisionStage.RBAC),
  /** No role the actor holds in this context grants the action. */
  PERMISSION_DENIED(DecisionStage.RBAC),
  /** The service account's client is not bound to this permission. */
  SERVICE_ACCOUNT_SCOPE_EXCEEDED(DecisionStage.RBAC),
  /** The agent's grant does not cover the request (task, tenant, organization, domain, capability) or expired. */
  AGENT_SCOPE_EXCEEDED(DecisionStage.RBAC),
  /** Cross-tenant administration needs multi-factor evidence in the token. */
  MFA_REQUIRED(DecisionStage.RBAC),

  /** An attribute policy denied the request. */
  ATTRIBUTE_POLICY_DENIED(DecisionStage.ABAC),

  /** The tenant's plan does not include the feature the action needs. */
  ENTITLEMENT_MISSING(DecisionStage.ENTITLEMENT),
  /** The tenant has used up the limit the action counts against. */
  ENTITLEMENT_LIMIT_EXCEEDED(DecisionStage.ENTITLEMENT),
  /** The entitlement source could not answer. */
  ENTITLEMENT_UNAVAILABLE(DecisionStage.ENTITLEMENT),

  /** The owning domain's rule denied the action in the resource's current state. */
  DOMAIN_RULE_DENIED(DecisionStage.DOMAIN),

  /** The action is high impact and no approval was presented. */
  APPROVAL_REQUIRED(DecisionStage.APPROVAL),
  /** The presented approval is unknown, or for another tenant, action or resource. */
  APPROVAL_INVALID(DecisionStage.APPROVAL),
  /** The presented approval has expired. */
  APPROVAL_EXPIRED(DecisionStage.APPROVAL),
  /** The presented approval was given by the requester (four eyes) or by an agent. */
  APPROVAL_SELF_APPROVED(DecisionStage.APPROVAL),

  /** A stage or a host SPI failed (threw or returned nothing); the stage is named in the decision. */
  STAGE_FAILURE(DecisionStage.ACTOR),
  /** The audit record could not be written and the audit policy is fail-closed. */
  AUDIT_FAILED(DecisionStage.AUDIT);

  private final DecisionStage stage;

  ReasonCode(DecisionStage stage) {
    this.stage = stage;
  }

  /** @return the stage that usually gives this reason */
  public DecisionStage stage() {
    return stage;
  }
}
