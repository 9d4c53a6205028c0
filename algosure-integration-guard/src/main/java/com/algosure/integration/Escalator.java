package com.algosure.integration;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.integration.spi.Escalation;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.Evidence;
import com.algosure.integration.spi.EvidenceStore;
import java.time.Clock;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps evidence and hands unknown states to the owning domain; shared by the execution and validation
 * steps and by the guard's last resort ({@link #escaped}). A failing evidence store or escalation handler
 * (whatever it throws: a checked exception thrown sneakily or an {@link Error} too) never turns the outcome
 * into anything but what it is (rejected or escalated).
 */
final class Escalator {

  private static final Logger LOG = LoggerFactory.getLogger(Escalator.class);

  private final EvidenceStore evidence;
  private final EscalationHandler handler;
  private final Clock clock;
  private final Auditor auditor;

  Escalator(EvidenceStore evidence, EscalationHandler handler, Clock clock, Auditor auditor) {
    this.evidence = evidence;
    this.handler = handler;
    this.clock = clock;
    this.auditor = auditor;
  }

  String keep(CallState<?> c, String kind, @Nullable ProviderResponse response, String lastError) {
    Evidence e = new Evidence(kind, c.tenant(), c.request.provider(), c.request.action().name(),
        c.request.idempotencyKey(), c.request.correlationId(), c.request.fingerprint(), c.attempts,
        response == null ? OptionalInt.empty() : OptionalInt.of(response.status()),
        response == null ? new byte[0] : response.bodyUnsafe(), lastError, clock.instant());
    try {
      String ref = evidence.keep(e);
      if (ref != null) {
        return ref;
      }
      LOG.error("evidence store returned no reference for provider {} action {}", c.request.provider(), c.request.action());
    } catch (Exception | Error ex) { // host code: see escalate
      LOG.error("evidence store failed for provider {} action {}: {}", c.request.provider(), c.request.action(),
          ex.getClass().getName());
    }
    return "evidence-not-kept";
  }

  /**
   * Rejects a provider's answer (invalid, or too large to read) whose evidence is kept under {@code evidenceRef}:
   * audited, and, as the architecture asks, either handed for review (the request may have changed something at
   * the provider: the {@link EscalationHandler#review} of the owning domain) or marked safe to retry (only GET,
   * HEAD or OPTIONS were sent; {@link IdempotencyStep} then releases the key). Never throws.
   *
   * @param problem what was wrong with the answer, a sentence for people (never a value of it)
   */
  <T> IntegrationOutcome<T> reject(CallState<T> c, OutcomeReason reason, AuditEvent.Builder event, String evidenceRef,
      String problem) {
    event.detail("evidenceRef", evidenceRef);
    if (c.resendSafe()) {
      auditor.emit(event.detail("resendSafe", "true"));
      return c.rejected(reason, evidenceRef, problem + "; only GET, HEAD or OPTIONS requests were sent, so nothing"
          + " changed at the provider: retrying is safe (the idempotency key was released)");
    }
    Escalation e = escalation(c, problem, evidenceRef);
    boolean delivered = deliver(e, handler::review, "review");
    auditor.emit(event.detail("resendSafe", "false").detail("reviewId", e.id())
        .detail("reviewDelivered", Boolean.toString(delivered)));
    return c.rejected(reason, evidenceRef, problem + "; the provider may have acted on the request, so its answer was"
        + " handed for review (" + e.id() + (delivered ? "" : ", which the escalation handler failed to take")
        + ") and the idempotency key stays completed: do not resend the request under another key before the review");
  }

  <T> IntegrationOutcome<T> escalate(CallState<T> c, OutcomeReason reason, String lastError,
      @Nullable ProviderResponse response) {
    String evidenceRef = keep(c, "UNKNOWN_STATE", response, lastError);
    Escalation e = escalation(c, lastError, evidenceRef);
    boolean delivered = deliver(e, handler::escalate, "escalation");
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_ESCALATED, c, "ESCALATED", reason)
        .detail("escalationId", e.id())
        .detail("evidenceRef", evidenceRef)
        .detail("attempts", Text.decimal(c.attempts))
        .detail("lastError", lastError)
        .detail("escalationDelivered", Boolean.toString(delivered)));
    return new IntegrationOutcome.Escalated<>(c.request, reason, e.id(), evidenceRef, c.attempts);
  }

  private Escalation escalation(CallState<?> c, String lastError, String evidenceRef) {
    return new Escalation(AuditIds.next(), c.tenant(), c.request.provider(), c.request.action().name(),
        c.request.idempotencyKey(), c.request.correlationId(), c.attempts, lastError, evidenceRef, clock.instant());
  }

  /** @return whether the escalation handler took it (as an escalation or a review) */
  private static boolean deliver(Escalation e, java.util.function.Consumer<Escalation> to, String as) {
    try {
      to.accept(e);
      return true;
    } catch (Exception | Error ex) {
      // Host code. Errors too: the call's outcome is already decided (escalated or rejected), and an Error let
      // through here would turn it into a guard failure and skip settling the idempotency key; a fatal Error recurs.
      LOG.error("escalation handler failed for {} {} (provider {}): {}", as, e.id(), e.provider(), ex.getClass().getName());
      return false;
    }
  }

  /**
   * The outcome of a call from which something escaped the steps (a bug, or host code throwing where the
   * guard does not expect it): once the request may have been sent, the provider may have acted, so the state
   * is unknown and escalated, with the response as evidence if there was one; before that, nothing was sent
   * and the call failed, audited as a failure naming what escaped by its class only (its message may carry a
   * host's value). Never throws.
   *
   * @param thrown what escaped
   */
  <T> IntegrationOutcome<T> escaped(CallState<T> c, Throwable thrown) {
    String error = "guard failure: " + thrown.getClass().getName();
    if (!c.mayHaveSent()) {
      try {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.GUARD_FAILURE)
            .detail("error", thrown.getClass().getName()));
      } catch (Exception | Error e) { // the guard itself failing twice (out of memory, say): the outcome still stands
        LOG.error("guard failure could not be audited for provider {} action {}: {}", c.request.provider(),
            c.request.action(), e.getClass().getName());
      }
      return new IntegrationOutcome.Failed<>(c.request, OutcomeReason.GUARD_FAILURE, c.attempts, 0,
          "the guard failed unexpectedly (" + thrown.getClass().getSimpleName() + ") before anything was sent");
    }
    try {
      return escalate(c, OutcomeReason.UNKNOWN_STATE, error, c.response);
    } catch (Exception | Error e) {
      // escalate never throws for host code; this is the guard itself failing twice (out of memory, say)
      LOG.error("escalation failed for provider {} action {}: {}", c.request.provider(), c.request.action(),
          e.getClass().getName());
      return new IntegrationOutcome.Escalated<>(c.request, OutcomeReason.UNKNOWN_STATE, AuditIds.next(),
          "evidence-not-kept", c.attempts);
    }
  }
}
