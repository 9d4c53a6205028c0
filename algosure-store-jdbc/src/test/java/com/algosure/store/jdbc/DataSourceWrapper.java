package com.algosure.store.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** Delegates everything to a real DataSource; tests override what they need. */
class DataSourceWrapper implements DataSource {

  private final DataSource target;

  DataSourceWrapper(DataSource target) {
    this.target = target;
  }

  /**
   * @param pool a pool that rolls back what is left uncommitted when a connection returns (as HikariCP does)
   * @return its connections with auto-commit off, as a pool configured {@code auto-commit=false} hands them out
   */
  static DataSource notAutoCommitting(DataSource pool) {
    return new DataSourceWrapper(pool) {
      @Override
      public Connection getConnection() throws SQLException {
        Connection c = super.getConnection();
        c.setAutoCommit(false);
        return c;
      }
    };
  }

  @Override
  public Connection getConnection() throws SQLException {
    return target.getConnection();
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return target.getConnection(user, password);
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return target.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    target.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    target.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return target.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return target.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    return target.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return target.isWrapperFor(iface);
  }
}
