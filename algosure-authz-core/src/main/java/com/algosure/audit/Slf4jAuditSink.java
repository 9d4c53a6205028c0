package com.algosure.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one JSON line per event at INFO. Thread-safe. */
final class Slf4jAuditSink implements AuditSink {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Logger log;

  Slf4jAuditSink(String loggerName) {
    this.log = LoggerFactory.getLogger(loggerName);
  }

  @Override
  public void record(AuditEvent event) {
    requireEnabled();
    log.info(toJson(event));
  }

  /** Fails before building anything when the logger is off; builds the decision's event only to write it. */
  @Override
  public void recordDecision(AuditableDecision decision) {
    requireEnabled();
    log.info(toJson(decision.toAuditEvent()));
  }

  private void requireEnabled() {
    if (!log.isInfoEnabled()) {
      // an audit trail nobody can read is a failed audit, not a silent success
      throw new IllegalStateException("audit logger '" + log.getName() + "' has INFO disabled: enable it or use another sink");
    }
  }

  static String toJson(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("type", e.type().name());
    m.put("timestamp", e.timestamp().toString());
    m.put("outcome", e.outcome());
    e.tenant().ifPresent(v -> m.put("tenant", v));
    e.organization().ifPresent(v -> m.put("organization", v));
    e.actorId().ifPresent(v -> m.put("actor", v));
    e.actorKind().ifPresent(v -> m.put("actorKind", v));
    e.action().ifPresent(v -> m.put("action", v));
    e.resource().ifPresent(v -> m.put("resource", v));
    e.provider().ifPresent(v -> m.put("provider", v));
    e.correlationId().ifPresent(v -> m.put("correlationId", v));
    if (!e.reasons().isEmpty()) {
      m.put("reasons", e.reasons());
    }
    if (!e.details().isEmpty()) {
      m.put("details", e.details());
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("audit event " + e.id() + " could not be written as JSON", ex);
    }
  }
}
