package com.algosure.store.jdbc;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The stores' single statements: each auto-committed and bounded by the store's query timeout; after a
 * serialization failure (40001), run again in a transaction of its own at READ COMMITTED, the level the
 * statements are written for.
 *
 * <p>Under REPEATABLE READ or SERIALIZABLE (a pool's {@code transactionIsolation}, or the database's
 * {@code default_transaction_isolation}) a statement meeting a row that another one changed after it began fails
 * (40001): a duplicate's idempotency claim rewrites the live row to itself, two instances revoke one consent. At READ
 * COMMITTED the statement waits for the row and then works on its newest version (the claim's design requires it;
 * a consent revoked meanwhile is then found revoked already).
 */
final class Statements {

  private static final RetryPolicy<Object> SERIALIZATION_RETRY = RetryPolicy.builder()
      .handleIf(e -> e instanceof SQLException s && "40001".equals(s.getSQLState()))
      .withMaxRetries(5)
      .withBackoff(Duration.ofMillis(1), Duration.ofMillis(50))
      .build();

  private Statements() {}

  /** What is done with one prepared statement. */
  @FunctionalInterface
  interface Work<T> {
    T run(PreparedStatement ps) throws SQLException;
  }

  /**
   * @return what {@code work} returned
   * @throws SQLException the last failure, if the statement failed (serialization failures after five retries)
   */
  static <T> T run(DataSource dataSource, Duration queryTimeout, String sql, Work<T> work) throws SQLException {
    try {
      return Failsafe.with(SERIALIZATION_RETRY).get(ctx -> once(dataSource, queryTimeout, sql, ctx.isRetry(), work));
    } catch (FailsafeException e) {
      if (e.getCause() instanceof SQLException sql2) {
        throw sql2;
      }
      throw e;
    }
  }

  private static <T> T once(DataSource dataSource, Duration queryTimeout, String sql, boolean readCommitted,
      Work<T> work) throws SQLException {
    try (Connection c = Connections.autoCommitting(dataSource)) {
      if (!readCommitted) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setQueryTimeout(QueryTimeout.seconds(queryTimeout));
          return work.run(ps);
        }
      }
      c.setAutoCommit(false);
      try {
        try (PreparedStatement level = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")) {
          level.execute();
        }
        T result;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setQueryTimeout(QueryTimeout.seconds(queryTimeout));
          result = work.run(ps);
        }
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        SqlSchema.rollbackQuietly(c);
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // committed or rolled back already; a connection that cannot switch back is discarded by the pool
        }
      }
    }
  }
}
