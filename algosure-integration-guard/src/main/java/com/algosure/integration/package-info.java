/**
 * The outbound integration guard: {@link com.algosure.integration.IntegrationGuard} runs every call to an
 * external provider through tenant context, authorization (the core
 * {@link com.algosure.authz.PolicyDecisionPoint}), consent, transport policy, rate limiting, idempotency,
 * secrets, resilient execution (Failsafe) and response validation, and returns a sealed
 * {@link com.algosure.integration.IntegrationOutcome}. Depends on the authorization core and on the SPIs
 * in {@code com.algosure.integration.spi}; the inbound {@code CallbackGuard} lives in
 * {@code com.algosure.integration.inbound}.
 */
@NullMarked
package com.algosure.integration;

import org.jspecify.annotations.NullMarked;
