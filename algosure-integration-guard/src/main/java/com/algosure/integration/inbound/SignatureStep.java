package com.algosure.integration.inbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 3: the registration's verifier checks the signature over the raw bytes and names the delivery. */
final class SignatureStep implements CallbackStep {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureStep.class);

  private final CallbackAuditor auditor;

  SignatureStep(CallbackAuditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Verification v;
    try {
      v = c.registration().verifier().verify(c.request, c.tenant());
    } catch (Exception | Error e) { // host code (or its secret source): whatever it throws rejects the callback
      LOG.warn("callback verifier failed for provider {}: {}", c.request.provider(), e.getClass().getName());
      return auditor.reject(c, CallbackReason.VERIFICATION_UNAVAILABLE, "the signature could not be checked");
    }
    if (v instanceof Verification.Verified verified) {
      c.verified = verified;
      return c.proceed();
    }
    if (v instanceof Verification.Failed failed) {
      return auditor.reject(c, failed.reason(), failed.message());
    }
    return auditor.reject(c, CallbackReason.VERIFICATION_UNAVAILABLE, "the verifier returned nothing");
  }
}
