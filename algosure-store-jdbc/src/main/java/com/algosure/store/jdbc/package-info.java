/**
 * PostgreSQL-backed stores over plain JDBC ({@link javax.sql.DataSource}): the hash-chained, append-only
 * {@link com.algosure.store.jdbc.JdbcAuditSink}. The schema ships as versioned SQL files under
 * {@code META-INF/algosure/jdbc/} (Flyway naming), applied by the host's migration tool or by an explicit
 * {@code initialize()} call; no store runs DDL on its own.
 *
 * <p>Depends on the authorization core's audit model only; the host brings the JDBC driver and the pool.
 */
@NullMarked
package com.algosure.store.jdbc;

import org.jspecify.annotations.NullMarked;
