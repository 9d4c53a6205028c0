package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditEventType;
import java.net.URI;

/**
 * Step 5: the endpoint (the request's override or the provider's) satisfies the transport policy, and an
 * override stays on one of the provider's allowed origins (scheme, host and port), since the provider's
 * credentials go wherever the call goes.
 */
final class TransportStep implements GuardStep {

  private final TransportPolicy policy;
  private final Auditor auditor;

  TransportStep(TransportPolicy policy, Auditor auditor) {
    this.policy = policy;
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    URI override = c.request.endpointOrNull();
    URI endpoint = override != null ? override : c.provider().policy.endpoint();
    try {
      policy.check(endpoint);
    } catch (TransportPolicyViolationException e) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.TRANSPORT_INSECURE)
          .detail("scheme", e.scheme()).detail("host", e.host()));
      return c.denied(OutcomeReason.TRANSPORT_INSECURE, castToNonNull(e.getMessage())); // ours: made with a message
    }
    if (override != null && !c.provider().policy.allowsOrigin(override)) {
      EndpointNotAllowedException e = new EndpointNotAllowedException(override, c.provider().policy);
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.ENDPOINT_NOT_ALLOWED)
          .detail("scheme", e.scheme()).detail("host", e.host()));
      return c.denied(OutcomeReason.ENDPOINT_NOT_ALLOWED, "the request's endpoint override was refused: " + e.getMessage());
    }
    c.endpoint = endpoint;
    return c.proceed();
  }
}
