package com.algosure.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Starts a transaction of the audit writer: at READ COMMITTED, its statements and lock waits bounded (PostgreSQL
 * {@code SET LOCAL}). One round trip.
 */
final class Timeouts {

  private Timeouts() {}

  /**
   * Must be the transaction's first statement. READ COMMITTED whatever the pool's {@code transactionIsolation} or the
   * database's default: under REPEATABLE READ or SERIALIZABLE, locking a chain head another writer had moved since the
   * transaction began failed with a serialization failure (40001), on every retry while the others kept writing, and
   * the batch's events were reported lost. At READ COMMITTED the lock waits, then reads the head as that writer left it.
   */
  static void setLocal(Connection c, Duration timeout) throws SQLException {
    long millis = Math.max(1, timeout.toMillis()); // a number: nothing of the caller's reaches the SQL text
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = " + millis
          + "; SET LOCAL lock_timeout = " + millis);
    }
  }
}
