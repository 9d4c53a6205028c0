package com.algosure.store.jdbc;

/**
 * When {@link JdbcAuditSink#record} returns.
 *
 * @since 0.1.0
 */
public enum AuditAcknowledgement {
  /**
   * After the transaction holding the event committed (the default). Concurrent callers share a batch (group
   * commit); a failed batch fails every caller in it, so each caller's
   * {@link com.algosure.audit.AuditFailurePolicy} applies to exactly the events that were not written.
   */
  ON_COMMIT,
  /**
   * As soon as the event is in the in-memory batch. Faster, but an event is only durable after the next
   * flush: a failed flush keeps its events for the next attempt (which skips an event whose id its tenant's chain
   * holds already: the failed attempt may have committed, its answer lost) and makes every later
   * {@link JdbcAuditSink#record}, {@link JdbcAuditSink#flush()} and {@link JdbcAuditSink#close()} throw until
   * a flush succeeds. Events still in memory when the process dies are lost; use it only where that is
   * acceptable.
   */
  ON_QUEUE
}
