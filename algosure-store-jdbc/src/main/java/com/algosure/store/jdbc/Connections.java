package com.algosure.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Connections for the stores' single statements, each of which must commit on its own. */
final class Connections {

  private Connections() {}

  /**
   * A connection of the data source in auto-commit mode. A pool configured not to auto-commit (HikariCP's
   * {@code auto-commit=false}, common where every transaction is managed) would otherwise leave each statement in
   * a transaction that nobody commits and the pool rolls back: an idempotency claim two instances both won, a
   * consent never recorded. Pools restore their own setting when the connection returns.
   *
   * @param dataSource the store's data source (its connections must not be bound to a caller's transaction)
   * @return the connection, auto-committing
   * @throws SQLException if no connection could be had or set to auto-commit
   */
  static Connection autoCommitting(DataSource dataSource) throws SQLException {
    Connection c = dataSource.getConnection();
    try {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return c;
    } catch (SQLException e) {
      try {
        c.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }
}
