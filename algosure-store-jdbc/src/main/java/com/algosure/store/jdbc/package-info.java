/**
 * PostgreSQL-backed stores over plain JDBC ({@link javax.sql.DataSource}): the hash-chained, append-only
 * {@link com.algosure.store.jdbc.JdbcAuditSink}, the {@link com.algosure.store.jdbc.JdbcConsentRegistry} and the
 * {@link com.algosure.store.jdbc.JdbcIdempotencyStore} (for hosts without Redis). The schema ships as versioned SQL files under
 * {@code META-INF/algosure/jdbc/} (Flyway naming), applied by the host's migration tool or by an explicit
 * {@code initialize()} call; no store runs DDL on its own.
 *
 * <p>Depends on the authorization core's audit model and the integration guard's SPIs; the host brings the JDBC
 * driver and the pool.
 */
@NullMarked
package com.algosure.store.jdbc;

import org.jspecify.annotations.NullMarked;
