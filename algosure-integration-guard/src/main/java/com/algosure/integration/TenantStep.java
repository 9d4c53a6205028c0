package com.algosure.integration;

import com.algosure.audit.AuditEventType;

/** Step 1: every integration action is tenant-scoped and has an authenticated actor, before anything else. */
final class TenantStep implements GuardStep {

  private final Auditor auditor;

  TenantStep(Auditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    if (c.request.tenantOrNull() == null) {
      return deny(c, OutcomeReason.TENANT_MISSING, "no tenant: every integration action must be tenant-scoped");
    }
    if (c.request.actorOrNull() == null) {
      return deny(c, OutcomeReason.ACTOR_MISSING, "no authenticated actor: every integration action needs one");
    }
    return c.proceed();
  }

  private <T> IntegrationOutcome<T> deny(CallState<T> c, OutcomeReason reason, String message) {
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", reason));
    return c.denied(reason, message);
  }
}
