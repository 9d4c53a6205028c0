package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import java.util.Optional;

/**
 * How a host adds GitHub's scheme: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}, the
 * delivery id in {@code X-GitHub-Delivery}, no signed timestamp (so the registration turns the timestamp
 * requirement off and relies on the delivery-id dedupe).
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
    return Verification.verified(delivery.get(), Optional.empty(), request.body());
  }
}
