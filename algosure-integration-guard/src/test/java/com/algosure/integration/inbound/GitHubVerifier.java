package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import java.util.Optional;

/**
 * How a host adds GitHub's scheme: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}, no signed
 * timestamp (so the registration turns the timestamp requirement off and relies on the dedupe). The signature does
 * not cover the {@code X-GitHub-Delivery} id either, so the delivery is named by the signed body's hash
 * ({@link Signatures#sha256Fingerprint}): GitHub redelivers the same body, and a replay under a fresh id is still
 * recognised.
 */
final class GitHubVerifier implements CallbackVerifier {

  private final Secret secret;

  GitHubVerifier(Secret secret) {
    this.secret = secret;
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    Optional<String> sig = request.header("X-Hub-Signature-256");
    Optional<String> delivery = request.header("X-GitHub-Delivery");
    if (sig.isEmpty() || delivery.isEmpty() || !sig.get().startsWith("sha256=")) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "headers X-Hub-Signature-256 and X-GitHub-Delivery are required");
    }
    byte[] expected = Signatures.hmacSha256(secret.revealBytes(), request.body());
    byte[] given = Signatures.fromHex(sig.get().substring("sha256=".length()));
    if (!Signatures.constantTimeEquals(expected, given)) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "X-Hub-Signature-256 does not match");
    }
    byte[] body = request.body();
    return Verification.verified(Signatures.sha256Fingerprint(body), Optional.empty(), body);
  }
}
