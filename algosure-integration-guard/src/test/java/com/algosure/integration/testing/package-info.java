/**
 * Contract tests shared through the guard's test-jar: what every {@link com.algosure.integration.spi.IdempotencyStore}
 * promises, written once and extended by each store's test (in memory, JDBC, Redis). Test code only; depends on
 * the guard's API and the core's test fixtures.
 */
package com.algosure.integration.testing;
