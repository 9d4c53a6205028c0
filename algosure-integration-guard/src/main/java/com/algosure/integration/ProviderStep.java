package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import java.util.Map;

/** Step 2: the provider is registered and has the requested action; resolves the action's consent scope. */
final class ProviderStep implements GuardStep {

  private final Map<ProviderId, ProviderRuntime> providers;
  private final Auditor auditor;

  ProviderStep(Map<ProviderId, ProviderRuntime> providers, Auditor auditor) {
    this.providers = providers;
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    ProviderRuntime p = providers.get(c.request.provider());
    if (p == null) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.PROVIDER_UNKNOWN));
      return c.denied(OutcomeReason.PROVIDER_UNKNOWN, "provider '" + c.request.provider() + "' is not registered with this guard");
    }
    if (!p.hasAction(c.request.action())) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.ACTION_UNKNOWN));
      return c.denied(OutcomeReason.ACTION_UNKNOWN, "provider '" + c.request.provider() + "' has no action '"
          + c.request.action() + "' registered");
    }
    c.provider = p;
    c.consentScope = p.scopeOf(c.request.action());
    return c.proceed();
  }
}
