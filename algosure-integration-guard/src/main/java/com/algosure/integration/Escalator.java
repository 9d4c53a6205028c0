package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.integration.spi.Escalation;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.Evidence;
import com.algosure.integration.spi.EvidenceStore;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps evidence and hands unknown states to the owning domain; shared by the execution and validation
 * steps. A failing evidence store or escalation handler never turns the outcome into anything but what it
 * is (rejected or escalated).
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
    Evidence e = new Evidence(kind, c.request.tenantOrNull(), c.request.provider(), c.request.action().name(),
        c.request.idempotencyKey(), c.request.correlationId(), c.request.fingerprint(), c.attempts,
        response == null ? OptionalInt.empty() : OptionalInt.of(response.status()),
        response == null ? new byte[0] : response.bodyUnsafe(), lastError, clock.instant());
    try {
      String ref = evidence.keep(e);
      if (ref != null) {
        return ref;
      }
      LOG.error("evidence store returned no reference for provider {} action {}", c.request.provider(), c.request.action());
    } catch (RuntimeException ex) {
      LOG.error("evidence store failed for provider {} action {}: {}", c.request.provider(), c.request.action(),
          ex.getClass().getName());
    }
    return "evidence-not-kept";
  }

  <T> IntegrationOutcome<T> escalate(CallState<T> c, OutcomeReason reason, String lastError,
      @Nullable ProviderResponse response) {
    String evidenceRef = keep(c, "UNKNOWN_STATE", response, lastError);
    Instant now = clock.instant();
    Escalation e = new Escalation(AuditIds.next(), c.request.tenantOrNull(), c.request.provider(),
        c.request.action().name(), c.request.idempotencyKey(), c.request.correlationId(), c.attempts, lastError,
        evidenceRef, now);
    boolean delivered = true;
    try {
      handler.escalate(e);
    } catch (RuntimeException ex) {
      delivered = false;
      LOG.error("escalation handler failed for escalation {} (provider {}): {}", e.id(), e.provider(), ex.getClass().getName());
    }
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_ESCALATED, c, "ESCALATED", reason)
        .detail("escalationId", e.id())
        .detail("evidenceRef", evidenceRef)
        .detail("attempts", Text.decimal(c.attempts))
        .detail("lastError", lastError)
        .detail("escalationDelivered", Boolean.toString(delivered)));
    return new IntegrationOutcome.Escalated<>(c.request, reason, e.id(), evidenceRef, c.attempts);
  }
}
