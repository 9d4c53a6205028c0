package com.algosure.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The shared PostgreSQL fixture: the real server on 127.0.0.1:5432 (database {@code test}, user
 * {@code postgres}, trust auth), one schema per test class, dropped afterwards, and a small connection pool so
 * tests measure the store rather than connection set-up.
 */
final class Postgres implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;

  final String schema;
  final PGSimpleDataSource direct;
  final Pool pool;

  private Postgres(String schema) {
    this.schema = schema;
    this.direct = dataSource(HOST, PORT);
    this.pool = new Pool(direct, 8);
  }

  /** A fresh schema named after the test class, with a random suffix so parallel builds do not collide. */
  static Postgres forClass(Class<?> testClass) {
    String name = ("t_" + testClass.getSimpleName() + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16))
        .toLowerCase(java.util.Locale.ROOT);
    return new Postgres(name);
  }

  static PGSimpleDataSource dataSource(String host, int port) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("test");
    ds.setUser("postgres");
    ds.setConnectTimeout(2);
    ds.setSocketTimeout(10);
    ds.setLoginTimeout(2);
    ds.setApplicationName("algosure-store-jdbc-tests");
    return ds;
  }

  JdbcConsentRegistry consents(java.time.Clock clock) {
    return JdbcConsentRegistry.builder(pool).schema(schema).clock(clock).build();
  }

  JdbcIdempotencyStore.Builder idempotency(java.time.Clock clock) {
    return JdbcIdempotencyStore.builder(pool).schema(schema).clock(clock);
  }

  JdbcAuditSink.Builder sink() {
    return JdbcAuditSink.builder(pool).schema(schema);
  }

  /** Runs SQL as the schema's owner, outside any sink: what an operator (or an attacker) with access could do. */
  void sql(String sql) {
    try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
      s.execute("SET search_path TO \"" + schema + '"');
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + sql, e);
    }
  }

  long count(String sql) {
    return Long.parseLong(text(sql));
  }

  /** @return the first column of the query's first row, as text (null if SQL NULL) */
  String text(String sql) {
    try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
      s.execute("SET search_path TO \"" + schema + '"');
      try (var rs = s.executeQuery(sql)) {
        if (!rs.next()) {
          throw new IllegalStateException("test SQL returned no row: " + sql);
        }
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + sql, e);
    }
  }

  @Override
  public void close() {
    pool.close();
    try (Connection c = direct.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test schema " + schema, e);
    }
  }

  /**
   * A minimal fixed-size pool: at most {@code size} connections are lent at once, and a caller waits (up to 30 s)
   * for one to come back, as a real pool does; enough for tests, hosts use HikariCP or their container's pool.
   * (Without the bound, 400 concurrent callers opened up to 400 connections and met PostgreSQL's
   * max_connections of 100, which the stores rightly turned into denials.)
   */
  static final class Pool implements DataSource, AutoCloseable {
    private final DataSource target;
    private final BlockingQueue<Connection> idle;
    private final java.util.concurrent.Semaphore lendable;
    private final ConcurrentLinkedQueue<Connection> all = new ConcurrentLinkedQueue<>();

    Pool(DataSource target, int size) {
      this.target = target;
      this.idle = new ArrayBlockingQueue<>(size);
      this.lendable = new java.util.concurrent.Semaphore(size);
    }

    @Override
    public Connection getConnection() throws SQLException {
      try {
        if (!lendable.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new SQLException("test pool: no connection came back within 30 s", "08001");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("test pool: interrupted while waiting for a connection", "08001", e);
      }
      Connection physical;
      try {
        physical = idle.poll();
        if (physical == null || physical.isClosed()) {
          physical = target.getConnection();
          all.add(physical);
        }
      } catch (SQLException | RuntimeException e) {
        lendable.release();
        throw e;
      }
      Connection p = physical;
      java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            if (method.getName().equals("close")) {
              if (!returned.compareAndSet(false, true)) {
                return null;
              }
              try {
                if (!p.isClosed() && !p.getAutoCommit()) {
                  p.rollback();
                  p.setAutoCommit(true);
                }
                if (p.isClosed() || !idle.offer(p)) {
                  p.close();
                }
              } finally {
                lendable.release();
              }
              return null;
            }
            if (method.getName().equals("isClosed") && returned.get()) {
              return true;
            }
            try {
              return method.invoke(p, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      throw new SQLFeatureNotSupportedException("pool has one user");
    }

    @Override
    public void close() {
      for (Connection c : all) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing test connections
        }
      }
    }

    @Override
    public PrintWriter getLogWriter() {
      return new PrintWriter(System.err);
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
