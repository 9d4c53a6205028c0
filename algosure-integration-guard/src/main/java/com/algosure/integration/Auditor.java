package com.algosure.integration;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.ActorKinds;
import com.algosure.authz.internal.UntrustedText;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and records the guard's audit events: every event names tenant, organization, actor, provider,
 * action, idempotency key and correlation id (for an AI agent also the user it acts for, its grant and task);
 * steps add the attempt, status, hashes and references. Never a
 * secret value or a body. A sink failure (anything it throws, a checked exception thrown sneakily or an
 * {@link Error} included) is logged (without the event's details) and reported to the caller, whose
 * {@link AuditFailurePolicy} decides.
 */
final class Auditor {

  private static final Logger LOG = LoggerFactory.getLogger(Auditor.class);

  private final AuditSink sink;
  private final AuditFailurePolicy policy;
  private final Clock clock;

  Auditor(AuditSink sink, AuditFailurePolicy policy, Clock clock) {
    this.sink = sink;
    this.policy = policy;
    this.clock = clock;
  }

  boolean failClosed() {
    return policy == AuditFailurePolicy.FAIL_CLOSED;
  }

  AuditEvent.Builder event(AuditEventType type, CallState<?> c, String outcome) {
    return event(type, c, outcome, clock.instant());
  }

  /** @param at when it happened, where the step has just read the clock */
  AuditEvent.Builder event(AuditEventType type, CallState<?> c, String outcome, Instant at) {
    IntegrationRequest r = c.request;
    Actor actor = r.actorOrNull();
    TenantId tenant = r.tenantOrNull();
    OrganizationId org = r.organizationOrNull();
    AuditEvent.Builder e = AuditEvent.builder(type, at)
        .outcome(outcome)
        .tenant(tenant == null ? null : tenant.value())
        .organization(org == null ? null : org.value())
        .actor(actor == null ? null : actor.id(), actor == null ? null : ActorKinds.of(actor))
        .provider(r.provider().value())
        .action(r.action().name())
        .correlationId(r.correlationIdOrNull())
        .detail("idempotencyKey", r.idempotencyKeyOrNull());
    if (actor instanceof Actor.Agent agent) {
      // an AI agent's tool call is traceable on its own to the person, grant and task it ran for, with the same
      // details as the decision point's record of the agent's decision
      String task = r.taskOrNull();
      // the caller's text, which no grant vouches for before authorization: recorded as the decision point records it
      e.detail("onBehalfOf", agent.onBehalfOf().id()).detail("agentGrant", agent.grant().grantId())
          .detail("task", task == null ? null : UntrustedText.safe(task, 128));
    }
    return e;
  }

  AuditEvent.Builder event(AuditEventType type, CallState<?> c, String outcome, OutcomeReason reason) {
    return event(type, c, outcome).reasons(reason.asReasons());
  }

  /** @return whether the event was recorded */
  boolean emit(AuditEvent.Builder event) {
    AuditEvent e = event.build();
    try {
      sink.record(e);
      return true;
    } catch (Exception | Error ex) {
      // Host code: a checked exception thrown sneakily (Kotlin, Lombok's @SneakyThrows) or an Error (a sink
      // recursing on a large event) is an audit failure like any other, for the failure policy to decide; let
      // through, it would skip the step's outcome and the idempotency key's settlement.
      LOG.error("audit event {} of type {} could not be recorded: {}", e.id(), e.type(), ex.getClass().getName());
      return false;
    }
  }

}
