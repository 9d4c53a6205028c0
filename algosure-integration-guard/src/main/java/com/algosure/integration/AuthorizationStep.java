package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.PolicyDecisionPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3: the core policy decision point decides the request's action for its actor, tenant and
 * organization. The decision point audits its decision (once); this step does not audit it again.
 * Approval-required and step-up-required are denials that carry the decision.
 */
final class AuthorizationStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationStep.class);

  private final PolicyDecisionPoint pdp;

  AuthorizationStep(PolicyDecisionPoint pdp) {
    this.pdp = pdp;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    IntegrationRequest r = c.request;
    AuthorizationRequest.Builder a = AuthorizationRequest.builder()
        .actor(castToNonNull(r.actorOrNull())) // the tenant step, the first, denies a call without an actor
        .tenant(c.tenant())
        .action(r.action())
        .resource(r.resourceOrNull() != null ? r.resourceOrNull() : c.provider().defaultResource);
    if (r.organizationOrNull() != null) {
      a.organization(r.organizationOrNull());
    }
    if (r.approvalIdOrNull() != null) {
      a.approvalId(r.approvalIdOrNull());
    }
    if (r.taskOrNull() != null) {
      a.task(r.taskOrNull());
    }
    if (r.correlationIdOrNull() != null) {
      a.correlationId(r.correlationIdOrNull());
    }
    AuthorizationDecision d;
    try {
      // never null: the decision point (a final class) answers every failure of its stages and host SPIs with a DENY
      d = pdp.decide(a.build());
    } catch (RuntimeException e) { // a bug of the decision point itself: still a denial, never a permit
      LOG.warn("policy decision point failed for provider {} action {}: {}", r.provider(), r.action(), e.getClass().getName());
      return c.denied(OutcomeReason.AUTHORIZATION_UNAVAILABLE, "the policy decision point failed, so the call is denied");
    }
    c.decision = d;
    if (d.effect() == Effect.PERMIT) {
      return c.proceed();
    }
    OutcomeReason reason = d.effect() == Effect.APPROVAL_REQUIRED ? OutcomeReason.APPROVAL_REQUIRED
        : d.effect() == Effect.STEP_UP_REQUIRED ? OutcomeReason.STEP_UP_REQUIRED : OutcomeReason.AUTHORIZATION_DENIED;
    return c.denied(reason, d.explanation());
  }
}
