package com.algosure.store.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * The base of every exception the JDBC stores throw. Messages say what failed, where and what to do, and
 * name rows by tenant, sequence and event id; they never carry an event's details, a secret or a SQL
 * parameter value.
 *
 * @since 0.1.0
 */
public class JdbcStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, where, and what to do */
  public JdbcStoreException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, where, and what to do
   * @param cause the underlying failure, if any
   */
  public JdbcStoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
