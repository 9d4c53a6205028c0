package com.algosure.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
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

  /**
   * The event as one JSON object: {@code id}, {@code type}, {@code timestamp}, {@code outcome}, then each
   * optional field present, {@code reasons} and {@code details} when not empty. Written field by field, with no
   * intermediate map.
   */
  static String toJson(AuditEvent e) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", e.id());
      g.writeStringField("type", e.type().name());
      g.writeStringField("timestamp", e.timestamp().toString());
      g.writeStringField("outcome", e.outcome());
      optional(g, "tenant", e.tenant());
      optional(g, "organization", e.organization());
      optional(g, "actor", e.actorId());
      optional(g, "actorKind", e.actorKind());
      optional(g, "action", e.action());
      optional(g, "resource", e.resource());
      optional(g, "provider", e.provider());
      optional(g, "correlationId", e.correlationId());
      List<String> reasons = e.reasons();
      if (!reasons.isEmpty()) {
        g.writeArrayFieldStart("reasons");
        for (int i = 0, n = reasons.size(); i < n; i++) {
          g.writeString(reasons.get(i));
        }
        g.writeEndArray();
      }
      int details = e.detailCount();
      if (details > 0) {
        g.writeObjectFieldStart("details");
        for (int i = 0; i < details; i++) {
          g.writeStringField(e.detailName(i), e.detailValue(i));
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new IllegalStateException("audit event " + e.id() + " could not be written as JSON", ex);
    }
    return out.toString();
  }

  private static void optional(JsonGenerator g, String name, Optional<String> value) throws IOException {
    if (value.isPresent()) {
      g.writeStringField(name, value.get());
    }
  }
}
