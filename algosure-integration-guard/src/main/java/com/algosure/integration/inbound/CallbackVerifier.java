package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;

/**
 * Checks that a callback is authentic and says which delivery it is. Built in:
 * {@link StandardWebhooksVerifier} ({@code v1} HMAC and {@code v1a} Ed25519) and {@link JwsCallbackVerifier}.
 * A host adds a provider-specific scheme (GitHub's {@code X-Hub-Signature-256}, Stripe's
 * {@code t=...,v1=...}) by implementing this interface, with {@link Signatures} for the HMAC and the
 * constant-time comparison.
 *
 * <p>Implementations must be thread-safe, compare signatures in constant time, work on the raw body bytes
 * as received, and never put a signature or a secret into a message. The delivery id they report is what the dedupe
 * recognises a replay by, so it must be covered by the signature, never read from a header the signature does not
 * cover: where the signed body names the event (Stripe signs {@code t.body}, and the body's {@code id} is the event's),
 * report that id; where the scheme signs no id at all (GitHub's {@code X-GitHub-Delivery} is not signed), report
 * {@link Signatures#sha256Fingerprint} of the signed body instead. Throwing or returning null rejects the callback.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CallbackVerifier {

  /**
   * @param request the callback as received
   * @param tenant the tenant the registration resolved (secrets may be per tenant)
   * @return verified (with the delivery id, signed timestamp and payload) or failed (with a reason)
   */
  Verification verify(CallbackRequest request, TenantId tenant);
}
