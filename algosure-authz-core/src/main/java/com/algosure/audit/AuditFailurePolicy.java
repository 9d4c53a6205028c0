package com.algosure.audit;

/**
 * What to do when an audit event cannot be recorded.
 *
 * @since 0.1.0
 */
public enum AuditFailurePolicy {
  /**
   * Deny what could not be audited (the default): an unaudited permit never happens where the sink answers for the
   * write, as {@link AuditSink#slf4j()} and a {@code JdbcAuditSink} acknowledging on commit do. A sink that only
   * queues the event ({@link AuditSink#buffered}, a {@code JdbcAuditSink} acknowledging on queue) answers for the
   * queueing alone: a write that fails later comes after the caller was answered, and is counted and logged by the
   * sink, not denied.
   */
  FAIL_CLOSED,
  /** Log the failure at ERROR (without the event's details) and go on. */
  LOG_AND_CONTINUE
}
