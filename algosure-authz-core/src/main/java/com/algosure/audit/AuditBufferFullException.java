package com.algosure.audit;

/**
 * A {@link BufferedAuditSink} could not take an event because its queue is full (or it is closed).
 *
 * @since 0.1.0
 */
public final class AuditBufferFullException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  AuditBufferFullException(String message) {
    super(message);
  }
}
