package com.algosure.store.jdbc;

/**
 * The database did not confirm an audit write within the sink's {@code writeTimeout}. Whether the event was
 * written is {@linkplain #outcomeUnknown() unknown} only when the write had already started; an event still
 * waiting in the batch is withdrawn and never written later.
 *
 * @since 0.1.0
 */
public final class AuditWriteTimeoutException extends AuditWriteException {

  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  AuditWriteTimeoutException(String message, String eventId, boolean outcomeUnknown) {
    super(message, eventId, null);
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * @return true if the write had started when the wait ended, so the row may still appear; false if the
   *     event was withdrawn before any write began and will never be written
   */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
