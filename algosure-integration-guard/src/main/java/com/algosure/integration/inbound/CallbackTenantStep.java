package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 2: the registration names the tenant the callback belongs to. */
final class CallbackTenantStep implements CallbackStep {

  private static final Logger LOG = LoggerFactory.getLogger(CallbackTenantStep.class);

  private final CallbackAuditor auditor;

  CallbackTenantStep(CallbackAuditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Optional<TenantId> tenant;
    try {
      tenant = c.registration().tenantResolver().resolve(c.request);
    } catch (Exception | Error e) { // host code: whatever it throws rejects the callback
      LOG.warn("tenant resolver failed for provider {}: {}", c.request.provider(), e.getClass().getName());
      tenant = null;
    }
    if (tenant == null || tenant.isEmpty()) {
      return auditor.reject(c, CallbackReason.TENANT_MISSING, "the callback names no tenant this registration knows");
    }
    c.tenant = tenant.get();
    return c.proceed();
  }
}
