/**
 * The service provider interfaces of the integration guard, each with in-memory implementations as static
 * factories: {@link com.algosure.integration.spi.ConsentRegistry consent},
 * {@link com.algosure.integration.spi.SecretStore secrets}, {@link com.algosure.integration.spi.IdempotencyStore
 * idempotency}, {@link com.algosure.integration.spi.RateLimitStore rate-limit state},
 * {@link com.algosure.integration.spi.EscalationHandler escalation} and
 * {@link com.algosure.integration.spi.EvidenceStore evidence}.
 *
 * <p>Every SPI is shaped so that a distributed implementation (Redis, JDBC) can answer each call atomically in
 * one round trip. Implementations must be thread-safe. The guard wraps every call: an SPI that throws or
 * returns null makes the call fail closed (a denial or a failure outcome), never an escaped exception and
 * never an accepted fact. Depends on {@code com.algosure.integration} value types and the authorization
 * core's identifiers only.
 */
@NullMarked
package com.algosure.integration.spi;

import org.jspecify.annotations.NullMarked;
