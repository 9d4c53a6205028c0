package com.algosure.audit;

/**
 * What an {@link AuditEvent} records.
 *
 * @since 0.1.0
 */
public enum AuditEventType {
  /** A decision of the policy decision point (permit, deny, approval or step-up required). */
  AUTHORIZATION_DECISION,
  /** An outbound integration call was refused before reaching the provider (tenant, authorization, consent, transport). */
  INTEGRATION_DENIED,
  /** An outbound request was sent to a provider (one event per attempt). */
  INTEGRATION_REQUEST,
  /** A provider answered (status, size and hash of the body; not the body). */
  INTEGRATION_RESPONSE,
  /** An attempt failed. */
  INTEGRATION_FAILURE,
  /** An attempt is retried. */
  INTEGRATION_RETRY,
  /** A call was rate limited (by our limit or the provider's). */
  INTEGRATION_RATE_LIMITED,
  /** A provider's response was invalid and rejected; evidence kept. */
  INTEGRATION_REJECTED,
  /** A call with a reused idempotency key was answered from the first call's outcome. */
  INTEGRATION_DUPLICATE,
  /** An unknown provider state was escalated to the owning domain. */
  INTEGRATION_ESCALATED,
  /** A validated provider result became an accepted fact. */
  ACCEPTED_FACT,
  /** A credential was used (recorded by reference, never by value). */
  CREDENTIAL_USE,
  /** An inbound callback was received and verified. */
  CALLBACK_RECEIVED,
  /** An inbound callback was rejected (signature, timestamp, provider, payload). */
  CALLBACK_REJECTED,
  /** An inbound callback was a duplicate delivery and acknowledged without a second effect. */
  CALLBACK_DUPLICATE,
  /**
   * A person gave an approval of a high-impact action (who approved what, for whom, when and until when), recorded by
   * the workflow that keeps approvals: {@code com.algosure.authz.spi.Approval#toAuditEvent()}. The decision that uses
   * the approval names it again ({@code approvalId}, {@code approvedBy}, {@code approvedAt}).
   */
  APPROVAL_GRANTED,
  /**
   * An AI agent produced an output (a draft, a recommendation, a proposed action) under a permitted decision, recorded
   * by hash and size, never by content: {@code com.algosure.authz.AuthorizationDecision#agentOutputEvent}. The output
   * is a proposal, not a fact: its acceptance is the owning domain's, and approval where policy requires it.
   */
  AGENT_OUTPUT,
  /** An event a host records through the same sink. */
  CUSTOM
}
