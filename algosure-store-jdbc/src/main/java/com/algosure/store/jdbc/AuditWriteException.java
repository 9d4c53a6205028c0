package com.algosure.store.jdbc;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An audit event was not written: the database failed, could not be reached, or did not answer in time.
 * Thrown by {@link JdbcAuditSink#record}, so the caller's {@link com.algosure.audit.AuditFailurePolicy}
 * applies, and by {@link JdbcAuditSink#flush()} and {@link JdbcAuditSink#close()}.
 *
 * @since 0.1.0
 */
public class AuditWriteException extends JdbcStoreException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String eventId;

  AuditWriteException(String message, @Nullable String eventId, @Nullable Throwable cause) {
    super(message, cause);
    this.eventId = eventId;
  }

  /** @return the id of the event that was not written, where the failure concerns one event */
  public Optional<String> eventId() {
    return Optional.ofNullable(eventId);
  }
}
