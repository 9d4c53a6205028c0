package com.algosure.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/** Bounds the current transaction's statements and lock waits (PostgreSQL {@code SET LOCAL}). */
final class Timeouts {

  private Timeouts() {}

  static void setLocal(Connection c, Duration timeout) throws SQLException {
    String millis = Long.toString(Math.max(1, timeout.toMillis()));
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT set_config('statement_timeout', ?, true), set_config('lock_timeout', ?, true)")) {
      ps.setString(1, millis);
      ps.setString(2, millis);
      ps.execute();
    }
  }
}
