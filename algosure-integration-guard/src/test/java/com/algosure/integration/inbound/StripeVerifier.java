package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * How a host adds Stripe's scheme: {@code Stripe-Signature: t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">}
 * (several {@code v1} during a rotation); the delivery id is the event's id, passed here in a header the
 * host's router extracted ({@code X-Event-Id}) to keep the example short.
 */
final class StripeVerifier implements CallbackVerifier {

  private final Secret secret;

  StripeVerifier(Secret secret) {
    this.secret = secret;
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    Optional<String> header = request.header("Stripe-Signature");
    Optional<String> id = request.header("X-Event-Id");
    if (header.isEmpty() || id.isEmpty()) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "headers Stripe-Signature and X-Event-Id are required");
    }
    String t = null;
    boolean matched = false;
    for (String part : header.get().split(",")) {
      if (part.startsWith("t=")) {
        t = part.substring(2);
      }
    }
    if (t == null || t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "Stripe-Signature has no t=<seconds>");
    }
    byte[] expected = Signatures.hmacSha256(secret.revealBytes(), (t + ".").getBytes(StandardCharsets.UTF_8), request.body());
    for (String part : header.get().split(",")) {
      if (part.startsWith("v1=")) {
        matched |= Signatures.constantTimeEquals(expected, Signatures.fromHex(part.substring(3)));
      }
    }
    if (!matched) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "no v1 signature in Stripe-Signature matches");
    }
    return Verification.verified(id.get(), Optional.of(Instant.ofEpochSecond(Long.parseLong(t))), request.body());
  }
}
