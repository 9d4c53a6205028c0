package com.algosure.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Appends one batch of rows in one transaction: creates missing chain heads, locks the heads of the batch's
 * tenants in tenant order (so two writers never deadlock), chains and inserts the rows, moves the heads.
 * Serialization failures, deadlocks and sequence collisions are retried a few times (Failsafe); everything
 * else fails the batch. Stateless apart from its configuration; thread-safe.
 */
final class AuditBatchWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** serialization failure, deadlock, unique violation of (tenant, seq) */
  private static final Set<String> CONFLICTS = Set.of("40001", "40P01", "23505");

  private final String insertHead;
  private final String lockHeads;
  private final String insertEvent;
  private final String moveHead;
  private final Duration statementTimeout;
  private final RetryPolicy<Object> conflictRetry;

  AuditBatchWriter(SqlSchema schema, Duration statementTimeout) {
    String chain = schema.table("algosure_audit_chain");
    String event = schema.table("algosure_audit_event");
    this.insertHead = "INSERT INTO " + chain + " (tenant, last_seq, last_hash) VALUES (?, 0, ?) ON CONFLICT (tenant) DO NOTHING";
    this.lockHeads = "SELECT tenant, last_seq, last_hash FROM " + chain + " WHERE tenant = ANY (?) ORDER BY tenant FOR UPDATE";
    this.insertEvent = "INSERT INTO " + event + " (tenant, seq, event_id, event_type, occurred_at, outcome, organization,"
        + " actor_id, actor_kind, action, resource, provider, correlation_id, reasons, details, chain_hash)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?)";
    this.moveHead = "UPDATE " + chain + " SET last_seq = ?, last_hash = ? WHERE tenant = ?";
    this.statementTimeout = statementTimeout;
    this.conflictRetry = RetryPolicy.builder()
        .handleIf(e -> e instanceof SQLException s && CONFLICTS.contains(s.getSQLState()))
        .withMaxRetries(5)
        .withBackoff(Duration.ofMillis(2), Duration.ofMillis(200))
        .withJitter(0.5)
        .build();
  }

  void write(DataSource dataSource, List<AuditRow> rows) throws SQLException {
    try {
      Failsafe.with(conflictRetry).run(() -> writeOnce(dataSource, rows));
    } catch (FailsafeException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  private void writeOnce(DataSource dataSource, List<AuditRow> rows) throws SQLException {
    TreeMap<String, List<AuditRow>> byTenant = new TreeMap<>();
    for (AuditRow row : rows) {
      byTenant.computeIfAbsent(row.tenant(), t -> new ArrayList<>()).add(row);
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Timeouts.setLocal(c, statementTimeout);
        try (PreparedStatement ps = c.prepareStatement(insertHead)) {
          for (String tenant : byTenant.keySet()) {
            ps.setString(1, tenant);
            ps.setBytes(2, ChainHash.genesis(tenant));
            ps.addBatch();
          }
          ps.executeBatch();
        }
        Map<String, Head> heads = new HashMap<>();
        Array tenants = c.createArrayOf("text", byTenant.keySet().toArray());
        try (PreparedStatement ps = c.prepareStatement(lockHeads)) {
          ps.setArray(1, tenants);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              heads.put(rs.getString(1), new Head(rs.getLong(2), rs.getBytes(3)));
            }
          }
        } finally {
          tenants.free();
        }
        try (PreparedStatement ins = c.prepareStatement(insertEvent);
            PreparedStatement move = c.prepareStatement(moveHead)) {
          for (Map.Entry<String, List<AuditRow>> group : byTenant.entrySet()) {
            Head head = heads.get(group.getKey());
            if (head == null) {
              throw new SQLException("chain head of tenant '" + group.getKey() + "' vanished inside the transaction", "40001");
            }
            long seq = head.seq;
            byte[] hash = head.hash;
            for (AuditRow row : group.getValue()) {
              seq++;
              hash = ChainHash.link(hash, seq, row);
              bind(ins, seq, row, hash);
              ins.addBatch();
            }
            move.setLong(1, seq);
            move.setBytes(2, hash);
            move.setString(3, group.getKey());
            move.addBatch();
          }
          ins.executeBatch();
          move.executeBatch();
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        SqlSchema.rollbackQuietly(c);
        throw e;
      }
    }
  }

  private static void bind(PreparedStatement ps, long seq, AuditRow row, byte[] hash) throws SQLException {
    ps.setString(1, row.tenant());
    ps.setLong(2, seq);
    ps.setString(3, row.eventId());
    ps.setString(4, row.type());
    ps.setObject(5, row.occurredAt().atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
    ps.setString(6, row.outcome());
    ps.setString(7, row.organization());
    ps.setString(8, row.actorId());
    ps.setString(9, row.actorKind());
    ps.setString(10, row.action());
    ps.setString(11, row.resource());
    ps.setString(12, row.provider());
    ps.setString(13, row.correlationId());
    ps.setString(14, json(row.reasons()));
    ps.setString(15, json(row.details()));
    ps.setBytes(16, hash);
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit reasons or details could not be written as JSON", e);
    }
  }

  private record Head(long seq, byte[] hash) {}
}
