package com.algosure.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Recomputes a tenant's chain from the stored rows in one read-only, repeatable-read snapshot, streaming rows
 * in sequence order. Thread-safe (one connection per call).
 */
final class AuditChainVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FETCH_SIZE = 2_000;

  private final DataSource dataSource;
  private final SqlSchema schema;
  private final String selectRows;
  private final String selectHead;
  private final String selectTenants;
  /** Bounds the look-ups that can wait on a lock (the list of chains, a head); a chain's rows stream as long as needed. */
  private final Duration statementTimeout;

  AuditChainVerifier(DataSource dataSource, SqlSchema schema, Duration statementTimeout) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.statementTimeout = statementTimeout;
    String event = schema.table("algosure_audit_event");
    String chain = schema.table("algosure_audit_chain");
    this.selectRows = "SELECT seq, event_id, event_type, occurred_at, outcome, organization, actor_id, actor_kind, action,"
        + " resource, provider, correlation_id, reasons::text, details::text, chain_hash FROM " + event
        + " WHERE tenant = ? ORDER BY seq";
    this.selectHead = "SELECT last_seq, last_hash FROM " + chain + " WHERE tenant = ?";
    this.selectTenants = "SELECT tenant FROM " + chain + " UNION SELECT DISTINCT tenant FROM " + event + " ORDER BY 1";
  }

  List<String> tenants() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = timed(c.prepareStatement(selectTenants));
        ResultSet rs = ps.executeQuery()) {
      List<String> tenants = new ArrayList<>();
      while (rs.next()) {
        tenants.add(rs.getString(1));
      }
      return tenants;
    } catch (SQLException e) {
      throw failure("the list of audit chains", e);
    }
  }

  Optional<AuditChainHead> head(String tenant) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = timed(c.prepareStatement(selectHead))) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new AuditChainHead(tenant, rs.getLong(1), ChainHash.hex(rs.getBytes(2))));
      }
    } catch (SQLException e) {
      throw failure("the audit chain head of tenant '" + tenant + "'", e);
    }
  }

  AuditChainVerification verify(String tenant, @Nullable AuditChainHead anchor) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      int isolation = c.getTransactionIsolation();
      c.setAutoCommit(false); // PostgreSQL streams (fetch size) only inside a transaction
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return verify(c, tenant, anchor);
      } finally {
        SqlSchema.rollbackQuietly(c);
        c.setTransactionIsolation(isolation);
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw failure("the audit chain of tenant '" + tenant + "'", e);
    }
  }

  private AuditChainVerification verify(Connection c, String tenant, @Nullable AuditChainHead anchor) throws SQLException {
    long headSeq = -1;
    byte[] headHash = null;
    // the first statement of the transaction: a table locked against readers makes it, not the rows, wait
    try (PreparedStatement ps = timed(c.prepareStatement(selectHead))) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          headSeq = rs.getLong(1);
          headHash = rs.getBytes(2);
        }
      }
    }
    byte[] hash = ChainHash.genesis(tenant);
    long expected = 1;
    long checked = 0;
    // the link the head records, and the first row after it: rows the head does not record are named from the first
    byte[] atHead = headSeq == 0 ? hash : null;
    String pastHead = null;
    try (PreparedStatement ps = c.prepareStatement(selectRows)) {
      ps.setFetchSize(FETCH_SIZE);
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          long seq = rs.getLong(1);
          String eventId = rs.getString(2);
          checked++;
          if (seq != expected) {
            return broken(tenant, checked, expected - 1, hash, seq, eventId, AuditChainBreak.Kind.ROWS_MISSING_BEFORE);
          }
          byte[] computed = ChainHash.link(hash, seq, row(tenant, rs));
          if (!Arrays.equals(computed, rs.getBytes(15))) {
            return broken(tenant, checked, expected - 1, hash, seq, eventId, AuditChainBreak.Kind.ROW_ALTERED);
          }
          hash = computed;
          if (seq == headSeq) {
            atHead = hash;
          } else if (headHash != null && seq == headSeq + 1) {
            pastHead = eventId;
          }
          if (anchor != null && anchor.sequence() == seq && !anchor.hash().equals(ChainHash.hex(hash))) {
            return broken(tenant, checked, seq, hash, seq, eventId, AuditChainBreak.Kind.ANCHOR_MISMATCH);
          }
          expected++;
        }
      }
    }
    long last = expected - 1;
    AuditChainBreak.Kind kind = null;
    long at = last;
    if (headHash == null) {
      kind = last > 0 ? AuditChainBreak.Kind.HEAD_MISMATCH : null;
    } else if (headSeq > last) {
      kind = AuditChainBreak.Kind.ROWS_MISSING_AT_END;
      at = last + 1;
    } else if (headSeq < last && Arrays.equals(headHash, atHead)) {
      // the head vouches for the rows up to its own; those after it were added without moving it
      return new AuditChainVerification(tenant, checked, new AuditChainHead(tenant, headSeq, ChainHash.hex(headHash)),
          new AuditChainBreak(tenant, headSeq + 1, pastHead, AuditChainBreak.Kind.HEAD_MISMATCH));
    } else if (headSeq < last || !Arrays.equals(headHash, hash)) {
      kind = AuditChainBreak.Kind.HEAD_MISMATCH;
    }
    if (kind == null && anchor != null && anchor.sequence() > last) {
      kind = AuditChainBreak.Kind.ANCHOR_MISMATCH;
      at = anchor.sequence();
    }
    AuditChainHead head = new AuditChainHead(tenant, last, ChainHash.hex(hash));
    return new AuditChainVerification(tenant, checked, head,
        kind == null ? null : new AuditChainBreak(tenant, at, null, kind));
  }

  private static AuditChainVerification broken(String tenant, long checked, long goodSeq, byte[] goodHash, long seq,
      String eventId, AuditChainBreak.Kind kind) {
    return new AuditChainVerification(tenant, checked, new AuditChainHead(tenant, goodSeq, ChainHash.hex(goodHash)),
        new AuditChainBreak(tenant, seq, eventId, kind));
  }

  private static AuditRow row(String tenant, ResultSet rs) throws SQLException {
    return new AuditRow(
        tenant,
        rs.getString(2),
        rs.getString(3),
        rs.getObject(4, OffsetDateTime.class).toInstant(),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12),
        tree(rs.getString(13)),
        tree(rs.getString(14)));
  }

  private static JsonNode tree(@Nullable String json) {
    if (json == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // cannot happen for jsonb; an unreadable value simply fails to hash like the original
      return JsonNodeFactory.instance.textNode(json);
    }
  }

  private JdbcStoreException failure(String what, SQLException e) {
    return new JdbcStoreException("could not read " + what + " in schema " + schema + " (SQL state " + e.getSQLState()
        + "); check the database is reachable and the schema is initialized", e);
  }

  private PreparedStatement timed(PreparedStatement ps) throws SQLException {
    ps.setQueryTimeout(QueryTimeout.seconds(statementTimeout));
    return ps;
  }
}
