package com.algosure.examples.filings.domain;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.spring.CurrentDecision;
import com.algosure.spring.RequestIds;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the service's own refusals of a request the decision point permitted (an approval given with an impersonated
 * token, a filing submitted under another key) in the audit trail, as the decision point records its denials: an
 * {@code AUTHORIZATION_DECISION} event with outcome {@code DENY}, the refusal's reason code, the permitted decision's
 * tenant, organization, actor, action and resource, and that decision's id as {@code overrides}. A refusal before the
 * decision point was asked (an agent's grant that is unknown or not the person's) is recorded so too, from the request
 * that was refused, without {@code overrides}. The event's id is the problem response's {@code decisionId}, so every
 * refusal a caller sees names its record. Thread-safe.
 *
 * @since 0.1.0
 */
public final class Refusals {

  private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

  private final AuditSink audit;
  private final Clock clock;

  /**
   * @param audit the service's audit sink (the decision point's)
   * @param clock the service's clock
   */
  public Refusals(AuditSink audit, Clock clock) {
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Records a refusal of the request whose decision is the current one ({@link CurrentDecision}).
   *
   * @param reason the refusal's reason code, the problem response's {@code reason}
   * @return the recorded event's id, the problem response's {@code decisionId}; the refusal stands whether or not
   *     the sink recorded it (a failure is logged at ERROR)
   */
  public String record(String reason) {
    return record(reason, CurrentDecision.require());
  }

  /**
   * Records a refusal of the request a permitted decision was made on.
   *
   * @param reason the refusal's reason code, the problem response's {@code reason}
   * @param permitted the decision the refusal overrides
   * @return the recorded event's id, as {@link #record(String)}
   */
  public String record(String reason, AuthorizationDecision permitted) {
    AuditEvent decided = permitted.toAuditEvent();
    AuditEvent.Builder e = AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, clock.instant())
        .outcome("DENY")
        .tenant(decided.tenant().orElse(null))
        .organization(decided.organization().orElse(null))
        .actor(decided.actorId().orElse(null), decided.actorKind().orElse(null))
        .action(decided.action().orElse(null))
        .resource(decided.resource().orElse(null))
        .correlationId(decided.correlationId().orElse(null))
        .reasons(List.of(reason))
        .detail("overrides", permitted.decisionId());
    for (String copied : List.of("impersonator", "onBehalfOf", "agentGrant", "task")) {
      e.detail(copied, decided.details().get(copied)); // a detail the decision lacks is left out
    }
    return record(e.build(), reason);
  }

  /**
   * Records a refusal of a request before the decision point was asked about it: there is no decision to override.
   *
   * @param reason the refusal's reason code, the problem response's {@code reason}
   * @param refused the request as it would have been asked (its actor, action, resource, tenant, organization and
   *     correlation id are recorded)
   * @param details further details, each recorded as it is: only values the service vouches for, never the caller's
   *     text
   * @return the recorded event's id, as {@link #record(String)}
   */
  public String record(String reason, AuthorizationRequest refused, Map<String, String> details) {
    Actor actor = refused.actor().orElse(null);
    AuditEvent.Builder e = AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, clock.instant())
        .outcome("DENY")
        .tenant(refused.tenant().map(t -> t.value()).orElse(null))
        .organization(refused.organization().map(o -> o.value()).orElse(null))
        .actor(actor == null ? null : actor.id(), actor == null ? null : kind(actor))
        .action(refused.action().map(a -> a.name()).orElse(null))
        .resource(refused.resource().map(r -> r.toString()).orElse(null))
        // the caller's text: recorded only where it keeps to the adapter's rule for ids, so it cannot forge a line
        .correlationId(refused.correlationId().filter(RequestIds::valid).orElse(null))
        .reasons(List.of(reason));
    details.forEach(e::detail);
    return record(e.build(), reason);
  }


  /** The actor's kind as the decision point's audit events name it, so that one query finds both. */
  private static String kind(Actor actor) {
    if (actor instanceof Actor.ServiceAccount) {
      return "service-account";
    }
    return actor instanceof Actor.Agent ? "agent" : "user";
  }

  private String record(AuditEvent refusal, String reason) {
    try {
      audit.record(refusal);
    } catch (RuntimeException ex) { // the refusal stands: nothing was done that would need its record
      LOG.error("audit of refusal {} ({}) failed: {}", refusal.id(), reason, ex.getClass().getName());
    }
    return refusal.id();
  }
}
