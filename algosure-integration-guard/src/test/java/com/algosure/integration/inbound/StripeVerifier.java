package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * How a host adds Stripe's scheme: {@code Stripe-Signature: t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">}
 * (several {@code v1} during a rotation). The delivery id is the event's {@code id} read from the signed body, never
 * a header: the signature covers no header, so a captured delivery replayed under a fresh header id would otherwise
 * be handled again inside its window. Stripe retries an event with the same {@code id}, so its retries are duplicates.
 */
final class StripeVerifier implements CallbackVerifier {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Secret secret;

  StripeVerifier(Secret secret) {
    this.secret = secret;
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    Optional<String> header = request.header("Stripe-Signature");
    if (header.isEmpty()) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "header Stripe-Signature is required");
    }
    String t = null;
    boolean matched = false;
    for (String part : header.get().split(",")) {
      if (part.startsWith("t=")) {
        t = part.substring(2);
      }
    }
    if (t == null || t.isEmpty() || t.length() > 12 || !t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "Stripe-Signature has no t=<seconds>");
    }
    byte[] body = request.body();
    byte[] expected = Signatures.hmacSha256(secret.revealBytes(), (t + ".").getBytes(StandardCharsets.UTF_8), body);
    for (String part : header.get().split(",")) {
      if (part.startsWith("v1=")) {
        matched |= Signatures.constantTimeEquals(expected, Signatures.fromHex(part.substring(3)));
      }
    }
    if (!matched) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "no v1 signature in Stripe-Signature matches");
    }
    // the id the signature covers: the event's, inside the signed body
    JsonNode id;
    try {
      id = JSON.readTree(body).path("id");
    } catch (IOException e) {
      return Verification.failed(CallbackReason.PAYLOAD_INVALID, "the signed body is not a JSON event");
    }
    if (!id.isTextual() || id.asText().isEmpty()) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "the signed event has no id (member id)");
    }
    return Verification.verified(id.asText(), Optional.of(Instant.ofEpochSecond(Long.parseLong(t))), body);
  }
}
