package com.algosure.audit;

/**
 * What to do when an audit event cannot be recorded.
 *
 * @since 0.1.0
 */
public enum AuditFailurePolicy {
  /**
   * Deny what could not be audited (the default): an unaudited permit never happens where the sink answers for the
   * write, as a {@code JdbcAuditSink} acknowledging on commit does. A sink that only queues the event
   * ({@link AuditSink#buffered}, a {@code JdbcAuditSink} acknowledging on queue) answers for the queueing alone: a
   * write that fails later comes after the caller was answered, and is counted and logged by the sink, not denied.
   * {@link AuditSink#slf4j()} answers for handing the line to SLF4J with INFO enabled, not for what the logging
   * backend does with it: an asynchronous appender, or a file appender that cannot write (a full disk), loses the
   * line without the sink knowing.
   */
  FAIL_CLOSED,
  /** Log the failure at ERROR (without the event's details) and go on. */
  LOG_AND_CONTINUE
}
