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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Appends one batch of rows in one transaction: locks the heads of the batch's tenants in tenant order (so two
 * writers never deadlock), creating missing ones, then chains the rows and inserts them and moves the heads in
 * one statement.
 * Serialization failures, deadlocks and sequence collisions are retried a few times (Failsafe); everything
 * else fails the batch. Stateless apart from its configuration; thread-safe.
 */
final class AuditBatchWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** serialization failure, deadlock, unique violation of (tenant, seq) */
  private static final Set<String> CONFLICTS = Set.of("40001", "40P01", "23505");

  private final String insertHeads;
  private final String lockHeads;
  private final String appendRows;
  private final String selectWritten;
  private final Duration statementTimeout;
  private final RetryPolicy<Object> conflictRetry;

  AuditBatchWriter(SqlSchema schema, Duration statementTimeout) {
    String chain = schema.table("algosure_audit_chain");
    String event = schema.table("algosure_audit_event");
    this.insertHeads = "INSERT INTO " + chain + " (tenant, last_seq, last_hash)"
        + " SELECT t, 0, decode(h, 'hex') FROM unnest(?::text[], ?::text[]) AS x(t, h) ORDER BY t"
        + " ON CONFLICT (tenant) DO NOTHING";
    this.lockHeads = "SELECT tenant, last_seq, last_hash FROM " + chain + " WHERE tenant = ANY (?) ORDER BY tenant FOR UPDATE";
    // one statement, one round trip: the rows (as parallel arrays) and the moved heads
    this.appendRows = "WITH appended AS (INSERT INTO " + event + " (tenant, seq, event_id, event_type, occurred_at, outcome,"
        + " organization, actor_id, actor_kind, action, resource, provider, correlation_id, reasons, details, chain_hash)"
        + " SELECT t, s, i, ty, oa::timestamptz, o, org, aid, ak, ac, r, p, cid, rs::jsonb, ds::jsonb, decode(h, 'hex')"
        + " FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
        + " AS x(t, s, i, ty, oa, o, org, aid, ak, ac, r, p, cid, rs, ds, h) RETURNING 1)"
        + " UPDATE " + chain + " c SET last_seq = n.s, last_hash = decode(n.h, 'hex')"
        + " FROM unnest(?::text[], ?::bigint[], ?::text[]) AS n(t, s, h) WHERE c.tenant = n.t";
    this.selectWritten = "SELECT tenant, event_id FROM " + event + " WHERE tenant = ANY (?) AND event_id = ANY (?)";
    this.statementTimeout = statementTimeout;
    this.conflictRetry = RetryPolicy.builder()
        .handleIf(e -> e instanceof SQLException s && CONFLICTS.contains(s.getSQLState()))
        .withMaxRetries(5)
        .withBackoff(Duration.ofMillis(2), Duration.ofMillis(200))
        .withJitter(0.5)
        .build();
  }

  /**
   * @param again whether these rows were tried before: an attempt that failed may have committed (its answer lost),
   *     so rows whose event id the tenant's chain holds already are not appended a second time
   */
  void write(DataSource dataSource, List<AuditRow> rows, boolean again) throws SQLException {
    try {
      Failsafe.with(conflictRetry).run(() -> writeOnce(dataSource, rows, again));
    } catch (FailsafeException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      throw e;
    }
  }

  private void writeOnce(DataSource dataSource, List<AuditRow> batch, boolean again) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Timeouts.setLocal(c, statementTimeout);
        TreeMap<String, List<AuditRow>> byTenant = byTenant(batch);
        Map<String, Head> heads = lockHeads(c, byTenant.keySet());
        List<AuditRow> rows = again ? notWritten(c, batch) : batch;
        if (rows.isEmpty()) {
          c.commit();
          return;
        }
        if (rows.size() < batch.size()) {
          byTenant = byTenant(rows);
        }
        if (heads.size() < byTenant.size()) {
          // first events of a tenant: create its head, then lock again (rare; one more round trip)
          List<String> missing = byTenant.keySet().stream().filter(t -> !heads.containsKey(t)).toList();
          try (PreparedStatement ps = c.prepareStatement(insertHeads)) {
            ps.setArray(1, c.createArrayOf("text", missing.toArray()));
            ps.setArray(2, c.createArrayOf("text", missing.stream().map(t -> ChainHash.hex(ChainHash.genesis(t))).toArray()));
            ps.executeUpdate();
          }
          heads.putAll(lockHeads(c, missing));
        }
        int n = rows.size();
        Object[][] columns = new Object[16][n];
        List<Object> headTenants = new ArrayList<>();
        List<Object> headSeqs = new ArrayList<>();
        List<Object> headHashes = new ArrayList<>();
        int i = 0;
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
            put(columns, i++, seq, row, hash);
          }
          headTenants.add(group.getKey());
          headSeqs.add(seq);
          headHashes.add(ChainHash.hex(hash));
        }
        try (PreparedStatement ps = c.prepareStatement(appendRows)) {
          for (int col = 0; col < 16; col++) {
            ps.setArray(col + 1, c.createArrayOf(col == 1 ? "int8" : "text", columns[col]));
          }
          ps.setArray(17, c.createArrayOf("text", headTenants.toArray()));
          ps.setArray(18, c.createArrayOf("int8", headSeqs.toArray()));
          ps.setArray(19, c.createArrayOf("text", headHashes.toArray()));
          ps.executeUpdate();
        }
        try {
          c.commit();
        } catch (SQLException e) {
          throw new CommitFailedException(e);
        }
      } catch (SQLException | RuntimeException e) {
        SqlSchema.rollbackQuietly(c);
        throw e;
      }
    }
  }

  private static TreeMap<String, List<AuditRow>> byTenant(List<AuditRow> rows) {
    TreeMap<String, List<AuditRow>> byTenant = new TreeMap<>();
    for (AuditRow row : rows) {
      byTenant.computeIfAbsent(row.tenant(), t -> new ArrayList<>()).add(row);
    }
    return byTenant;
  }

  /** @return the rows whose event id is not in their tenant's chain yet (read with the chains' heads locked) */
  private List<AuditRow> notWritten(Connection c, List<AuditRow> rows) throws SQLException {
    Set<List<String>> written = written(c, rows);
    return written.isEmpty() ? rows
        : rows.stream().filter(r -> !written.contains(List.of(r.tenant(), r.eventId()))).toList();
  }

  /**
   * Reads, on a connection of its own, whether every row's event id is in its tenant's chain: after a failure that
   * may have come after the commit (the connection lost as the commit's answer came back).
   *
   * @return whether all of them are
   */
  boolean allWritten(DataSource dataSource, List<AuditRow> rows) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Timeouts.setLocal(c, statementTimeout);
        Set<List<String>> written = written(c, rows);
        return rows.stream().allMatch(r -> written.contains(List.of(r.tenant(), r.eventId())));
      } finally {
        SqlSchema.rollbackQuietly(c);
      }
    }
  }

  /** @return (tenant, event id) of each of the rows whose event id is in its tenant's chain */
  private Set<List<String>> written(Connection c, List<AuditRow> rows) throws SQLException {
    Set<List<String>> written = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(selectWritten)) {
      ps.setArray(1, c.createArrayOf("text", rows.stream().map(AuditRow::tenant).distinct().toArray()));
      ps.setArray(2, c.createArrayOf("text", rows.stream().map(AuditRow::eventId).distinct().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          written.add(List.of(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return written;
  }

  private Map<String, Head> lockHeads(Connection c, Collection<String> tenants) throws SQLException {
    Map<String, Head> heads = new HashMap<>();
    Array array = c.createArrayOf("text", tenants.toArray());
    try (PreparedStatement ps = c.prepareStatement(lockHeads)) {
      ps.setArray(1, array);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          heads.put(rs.getString(1), new Head(rs.getLong(2), rs.getBytes(3)));
        }
      }
    } finally {
      array.free();
    }
    return heads;
  }

  private static void put(Object[][] columns, int i, long seq, AuditRow row, byte[] hash) {
    columns[0][i] = row.tenant();
    columns[1][i] = seq;
    columns[2][i] = row.eventId();
    columns[3][i] = row.type();
    columns[4][i] = row.occurredAt().toString();
    columns[5][i] = row.outcome();
    columns[6][i] = row.organization();
    columns[7][i] = row.actorId();
    columns[8][i] = row.actorKind();
    columns[9][i] = row.action();
    columns[10][i] = row.resource();
    columns[11][i] = row.provider();
    columns[12][i] = row.correlationId();
    columns[13][i] = json(row.reasons());
    columns[14][i] = json(row.details());
    columns[15][i] = ChainHash.hex(hash);
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("audit reasons or details could not be written as JSON", e);
    }
  }

  private record Head(long seq, byte[] hash) {}

  /**
   * The commit of the rows failed: where the connection was lost, the commit may have reached the database and only
   * its answer been lost. Same message and SQL state as the driver's exception, which is its cause.
   */
  static final class CommitFailedException extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitFailedException(SQLException e) {
      super(e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
    }
  }
}
