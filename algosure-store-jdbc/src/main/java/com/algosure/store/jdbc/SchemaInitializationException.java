package com.algosure.store.jdbc;

/**
 * A store's schema script could not be applied by {@code initialize()}.
 *
 * @since 0.1.0
 */
public final class SchemaInitializationException extends JdbcStoreException {

  private static final long serialVersionUID = 1L;

  SchemaInitializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
