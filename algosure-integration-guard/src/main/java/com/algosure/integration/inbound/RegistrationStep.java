package com.algosure.integration.inbound;

import com.algosure.integration.ProviderId;
import java.util.Map;

/** Step 1: the provider is registered, and the raw body is within the size limit (before any signature work). */
final class RegistrationStep implements CallbackStep {

  private final Map<ProviderId, CallbackRegistration> registrations;
  private final int maxPayloadBytes;
  private final CallbackAuditor auditor;

  RegistrationStep(Map<ProviderId, CallbackRegistration> registrations, int maxPayloadBytes, CallbackAuditor auditor) {
    this.registrations = registrations;
    this.maxPayloadBytes = maxPayloadBytes;
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    CallbackRegistration r = registrations.get(c.request.provider());
    if (r == null) {
      return auditor.reject(c, CallbackReason.UNKNOWN_PROVIDER, "no callback registration for provider '" + c.request.provider() + "'");
    }
    c.registration = r;
    int limit = r.maxPayloadBytesOr(maxPayloadBytes);
    if (c.request.bodySize() > limit) {
      return auditor.reject(c, CallbackReason.PAYLOAD_TOO_LARGE, "the payload is " + c.request.bodySize()
          + " bytes, over the limit of " + limit);
    }
    return c.proceed();
  }
}
