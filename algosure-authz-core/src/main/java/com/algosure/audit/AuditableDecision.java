package com.algosure.audit;

import java.time.Instant;

/**
 * A decision that can be recorded as an audit event, handed to {@link AuditSink#recordDecision} so that the
 * {@link AuditEvent} is built only by a sink that wants one. The policy decision point's decisions
 * ({@code com.algosure.authz.AuthorizationDecision}) implement it; this package does not depend on theirs.
 *
 * <p>Implementations are immutable and thread-safe: a sink may keep one and build its event later, on another
 * thread. Building the event never changes the decision, and every call builds an equal event (a new
 * instance each time).
 *
 * @since 0.1.0
 */
public interface AuditableDecision {

  /** @return the decision's unique id, which is also the id of its audit event */
  String decisionId();

  /** @return when the decision was made, which is also its audit event's timestamp */
  Instant timestamp();

  /**
   * Builds the decision's audit record: an {@link AuditEventType#AUTHORIZATION_DECISION} event with the
   * decision's id and timestamp, its outcome, context, reasons and safe details. It never contains a token, a
   * secret or a request attribute.
   *
   * @return a new event on every call
   */
  AuditEvent toAuditEvent();
}
