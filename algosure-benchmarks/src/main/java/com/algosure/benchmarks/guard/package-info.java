/**
 * The integration guard benchmarks: {@code IntegrationGuard.execute} with every step in memory against a bare
 * Failsafe executor and a Resilience4j decoration with the same retry, circuit breaker and rate limiter.
 */
@NullMarked
package com.algosure.benchmarks.guard;

import org.jspecify.annotations.NullMarked;
