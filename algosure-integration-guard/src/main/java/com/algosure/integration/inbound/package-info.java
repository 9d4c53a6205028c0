/**
 * The inbound callback guard: {@link com.algosure.integration.inbound.CallbackGuard} verifies a provider's
 * callback (registration, tenant, signature, timestamp window, dedupe, payload) before any handler sees
 * it, and returns a sealed {@link com.algosure.integration.inbound.CallbackOutcome}. Built-in verifiers:
 * Standard Webhooks ({@code v1} HMAC-SHA256 and {@code v1a} Ed25519) and JWS (nimbus); hosts add their own
 * {@link com.algosure.integration.inbound.CallbackVerifier} for provider-specific schemes. Depends on
 * {@code com.algosure.integration} value types and SPIs.
 */
@NullMarked
package com.algosure.integration.inbound;

import org.jspecify.annotations.NullMarked;
