package com.algosure.integration.inbound;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.integration.InvalidPayloadException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 7 (last): the callback is audited as received, the handler runs, and its success is recorded as an
 * accepted fact. Under the fail-closed audit policy a callback that cannot be audited as received is not
 * handled ({@code AUDIT_UNAVAILABLE}). A handler exception leaves the delivery unprocessed (a redelivery can
 * succeed): {@code HANDLER_FAILED}, or {@code PAYLOAD_INVALID} for an {@link InvalidPayloadException}, the handler's
 * refusal of the payload for good; a handler that completed marks it processed even if its fact cannot be audited, because running it
 * twice would be a second effect.
 */
final class HandlerStep implements CallbackStep {

  private static final Logger LOG = LoggerFactory.getLogger(HandlerStep.class);

  private final CallbackAuditor auditor;

  HandlerStep(CallbackAuditor auditor) {
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Verification.Verified v = c.verified();
    AuditEvent.Builder received = c.event(AuditEventType.CALLBACK_RECEIVED, "VERIFIED", CallbackReason.ACCEPTED)
        .detail("sha256", c.fingerprint());
    if (c.owner != null) {
      // the dedupe claim's owner id is a fresh AuditIds id made for this delivery: it names this event too,
      // which links the claim in the store to its audit record (and saves making another id)
      received.id(c.owner);
    }
    if (!auditor.emit(received) && auditor.failClosed()) {
      // an effect nobody can trace is what the fail-closed policy forbids: not run, not marked processed, so the
      // provider's redelivery is handled once the audit sink is back
      return auditor.reject(c, CallbackReason.AUDIT_UNAVAILABLE, "the callback could not be audited, so it was not "
          + "handled; the provider may redeliver it");
    }
    VerifiedCallback<T> callback = new VerifiedCallback<>(c.request.provider(), c.tenant(), v.deliveryId(), v.timestamp(),
        c.payload().value());
    try {
      c.handler.handle(callback);
    } catch (InvalidPayloadException e) {
      // the handler's refusal of the payload for good (it names nothing the domain can act on): a bad delivery, not
      // a failure a redelivery of the same bytes could get past; not marked processed, so a corrected one is judged
      LOG.info("callback handler refused the payload of provider {} delivery {}", c.request.provider(), v.deliveryId());
      return auditor.reject(c, CallbackReason.PAYLOAD_INVALID, "the handler refused the payload: " + e.getMessage());
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // the caller's to see: the guard itself never interrupts
      }
      LOG.warn("callback handler failed for provider {} delivery {}: {}", c.request.provider(), v.deliveryId(),
          e.getClass().getName());
      auditor.emit(c.event(AuditEventType.INTEGRATION_FAILURE, "HANDLER_FAILED", CallbackReason.HANDLER_FAILED)
          .detail("error", e.getClass().getName()));
      return new CallbackOutcome.HandlerFailed(c.request.provider(), v.deliveryId(), e.getClass().getName());
    }
    c.handled = true;
    AuditEvent.Builder fact = c.event(AuditEventType.ACCEPTED_FACT, "ACCEPTED", CallbackReason.ACCEPTED);
    Map<String, String> safe = c.payload().safeFields();
    if (!safe.isEmpty()) {
      for (Map.Entry<String, String> f : safe.entrySet()) {
        fact.detail("field." + f.getKey(), f.getValue());
      }
    }
    if (!auditor.emit(fact) && auditor.failClosed()) {
      LOG.error("accepted fact of provider {} delivery {} could not be audited; the handler ran, so the delivery is "
          + "marked processed and needs review", c.request.provider(), v.deliveryId());
      return new CallbackOutcome.Rejected(c.request.provider(), CallbackReason.FACT_NOT_AUDITED,
          "the handler ran but its fact could not be audited");
    }
    return new CallbackOutcome.Accepted(c.request.provider(), c.tenant(), v.deliveryId());
  }
}
