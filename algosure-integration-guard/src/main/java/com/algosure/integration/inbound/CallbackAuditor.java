package com.algosure.integration.inbound;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records callback audit events; a sink failure is logged (without details) and reported. */
final class CallbackAuditor {

  private static final Logger LOG = LoggerFactory.getLogger(CallbackAuditor.class);

  private final AuditSink sink;
  private final boolean failClosed;

  CallbackAuditor(AuditSink sink, boolean failClosed) {
    this.sink = sink;
    this.failClosed = failClosed;
  }

  boolean failClosed() {
    return failClosed;
  }

  boolean emit(AuditEvent.Builder event) {
    AuditEvent e = event.build();
    try {
      sink.record(e);
      return true;
    } catch (Exception | Error ex) { // host code: a checked exception thrown sneakily or an Error is a failure too
      LOG.error("audit event {} of type {} could not be recorded: {}", e.id(), e.type(), ex.getClass().getName());
      return false;
    }
  }

  <T> CallbackOutcome reject(CallbackState<T> c, CallbackReason reason, String message) {
    return reject(c, reason, message, null);
  }

  /** @param error the class name of what failed, recorded as the event's {@code error} detail; null: none */
  <T> CallbackOutcome reject(CallbackState<T> c, CallbackReason reason, String message, @Nullable String error) {
    emit(c.event(AuditEventType.CALLBACK_REJECTED, "REJECTED", reason).detail("error", error));
    return new CallbackOutcome.Rejected(c.request.provider(), reason, message);
  }
}
