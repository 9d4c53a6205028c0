package com.algosure.store.jdbc;

import com.algosure.audit.AuditEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The stored form of one audit event, as written and as read back; what the chain hash covers. The
 * timestamp is cut to microseconds (PostgreSQL's precision) so a row read back hashes like the event
 * written.
 */
record AuditRow(
    String tenant,
    String eventId,
    String type,
    Instant occurredAt,
    String outcome,
    @Nullable String organization,
    @Nullable String actorId,
    @Nullable String actorKind,
    @Nullable String action,
    @Nullable String resource,
    @Nullable String provider,
    @Nullable String correlationId,
    JsonNode reasons,
    JsonNode details) {

  static AuditRow of(AuditEvent e) {
    ArrayNode reasons = JsonNodeFactory.instance.arrayNode();
    e.reasons().forEach(reasons::add);
    ObjectNode details = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, String> d : e.details().entrySet()) {
      details.put(d.getKey(), d.getValue());
    }
    return new AuditRow(
        e.tenant().orElse(JdbcAuditSink.NO_TENANT),
        e.id(),
        e.type().name(),
        e.timestamp().truncatedTo(ChronoUnit.MICROS),
        e.outcome(),
        e.organization().orElse(null),
        e.actorId().orElse(null),
        e.actorKind().orElse(null),
        e.action().orElse(null),
        e.resource().orElse(null),
        e.provider().orElse(null),
        e.correlationId().orElse(null),
        reasons,
        details);
  }
}
