package com.algosure.store.jdbc;

/**
 * The sink's in-memory batch holds its {@code capacity} of events already (the database is slower than the
 * callers, or failing), so a new event was refused rather than dropped later.
 *
 * @since 0.1.0
 */
public final class AuditBacklogFullException extends AuditWriteException {

  private static final long serialVersionUID = 1L;

  AuditBacklogFullException(String message, String eventId) {
    super(message, eventId, null);
  }
}
