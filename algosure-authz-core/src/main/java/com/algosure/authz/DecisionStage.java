package com.algosure.authz;

/**
 * The stages of a decision, in the order the {@link PolicyDecisionPoint} runs them. Each stage can only
 * narrow what the ones before it allowed.
 *
 * @since 0.1.0
 */
public enum DecisionStage {
  /** The request itself and the authenticated actor: present, well formed, not expired. */
  ACTOR,
  /** The tenant the request acts in, and the actor's access to it. */
  TENANT,
  /** The active organization inside the tenant, and the actor's membership. */
  ORGANIZATION,
  /** Roles and permissions, including service-account and agent scoping and cross-tenant step-up. */
  RBAC,
  /** The host's attribute policies (empty by default). */
  ABAC,
  /** Billing-owned features and limits. */
  ENTITLEMENT,
  /** The owning domain's state-aware rules. */
  DOMAIN,
  /** Approval control for high-impact actions. */
  APPROVAL,
  /** Writing the audit record of the decision. */
  AUDIT
}
