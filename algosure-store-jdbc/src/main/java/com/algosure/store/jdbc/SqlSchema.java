package com.algosure.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where a store's tables live (an optional schema) and how its versioned scripts are applied. Immutable and
 * thread-safe.
 */
final class SqlSchema {

  /** Where the versioned scripts are, for the host's migration tool. */
  static final String SCRIPT_LOCATION = "META-INF/algosure/jdbc/";

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /**
   * The transaction-scoped advisory lock every script is applied under ("algosure" in ASCII): PostgreSQL's
   * {@code CREATE ... IF NOT EXISTS} is not safe against itself, so two instances initializing at once both found
   * the schema or table missing and the second failed on the catalog's unique index (SQL state 23505).
   */
  static final long INITIALIZATION_LOCK = 0x616c676f73757265L;

  private final @Nullable String schema;

  private SqlSchema(@Nullable String schema) {
    this.schema = schema;
  }

  static SqlSchema searchPath() {
    return new SqlSchema(null);
  }

  static SqlSchema named(String schema) {
    if (!IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException("schema must be a lowercase SQL identifier (letters, digits, '_', at most 63, "
          + "not starting with a digit), was '" + schema + "'");
    }
    return new SqlSchema(schema);
  }

  Optional<String> name() {
    return Optional.ofNullable(schema);
  }

  /** @return the table's name, qualified with the schema where one is set */
  String table(String table) {
    return schema == null ? table : '"' + schema + "\"." + table;
  }

  /** Applies one script in one transaction, in the schema (created if missing) where one is set. */
  void apply(DataSource dataSource, String script, Duration lockTimeout) {
    String sql = read(script);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = " + lockTimeout.toMillis());
        // one initializer at a time: the next one waits here, then finds everything created and changes nothing
        s.execute("SELECT pg_advisory_xact_lock(" + INITIALIZATION_LOCK + ")");
        if (schema != null) {
          s.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + '"');
          s.execute("SET LOCAL search_path TO \"" + schema + '"');
        }
        s.execute(sql);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new SchemaInitializationException("schema script " + SCRIPT_LOCATION + script + " could not be applied"
          + (schema == null ? "" : " in schema '" + schema + "'") + " (SQL state " + e.getSQLState() + "): "
          + e.getMessage() + "; check the database is reachable and the user may create tables there, or apply the "
          + "script with your migration tool instead", e);
    }
  }

  static String read(String script) {
    String path = SCRIPT_LOCATION + script;
    try (InputStream in = SqlSchema.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("schema script " + path + " is missing from the classpath: the algosure-store-jdbc jar is broken");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("schema script " + path + " could not be read", e);
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is what matters; a connection that cannot roll back is discarded by the pool
    }
  }

  @Override
  public String toString() {
    return schema == null ? "(search path)" : schema;
  }
}
