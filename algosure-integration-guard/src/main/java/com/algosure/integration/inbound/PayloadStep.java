package com.algosure.integration.inbound;

import com.algosure.integration.InvalidPayloadException;
import com.algosure.integration.Validated;

/** Step 6: the verified payload passes the caller's validator; an unparseable or invalid one never reaches the handler. */
final class PayloadStep implements CallbackStep {

  private final CallbackAuditor auditor;

  PayloadStep(CallbackAuditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Validated<T> v;
    String problem;
    try {
      v = c.validator.validate(c.verified().payload());
      problem = v == null ? "the validator returned nothing" : null;
    } catch (InvalidPayloadException e) {
      v = null;
      problem = e.getMessage();
    } catch (Exception | Error e) { // host code: a checked exception thrown sneakily, or a parser's StackOverflowError
      v = null;
      problem = "the validator failed (" + e.getClass().getSimpleName() + ")";
    }
    if (v == null) {
      return auditor.reject(c, CallbackReason.PAYLOAD_INVALID, "the payload is invalid: " + problem);
    }
    c.payload = v;
    return c.proceed();
  }
}
