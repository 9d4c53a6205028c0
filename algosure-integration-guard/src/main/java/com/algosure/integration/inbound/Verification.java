package com.algosure.integration.inbound;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link CallbackVerifier} found.
 *
 * @since 0.1.0
 */
public sealed interface Verification permits Verification.Verified, Verification.Failed {

  /**
   * @param deliveryId the delivery's id (for dedupe)
   * @param timestamp the signed timestamp, if the scheme signs one
   * @param payload the verified payload (the body, or a JWS's payload); not copied, so a verifier may pass
   *     the bytes it verified (the built-in Standard Webhooks verifier passes the request's own body)
   * @return a successful verification
   */
  static Verification verified(String deliveryId, Optional<Instant> timestamp, byte[] payload) {
    return new Verified(deliveryId, timestamp, payload);
  }

  /**
   * @param reason why
   * @param message what was wrong, naming headers, never a signature or a secret
   * @return a failed verification
   */
  static Verification failed(CallbackReason reason, String message) {
    return new Failed(reason, message);
  }

  /**
   * The signature matched.
   *
   * @param deliveryId the delivery's id
   * @param timestamp the signed timestamp, if any
   * @param payload the verified payload
   */
  record Verified(String deliveryId, Optional<Instant> timestamp, byte[] payload) implements Verification {
    /** @throws IllegalArgumentException if the delivery id is empty or over 255 characters */
    public Verified {
      Objects.requireNonNull(deliveryId, "deliveryId");
      if (deliveryId.isEmpty() || deliveryId.length() > 255) {
        throw new IllegalArgumentException("delivery id must be 1 to 255 characters");
      }
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public String toString() {
      return "Verified[" + deliveryId + ", " + timestamp + ", " + payload.length + " bytes]";
    }
  }

  /**
   * The callback is not authentic (or could not be checked).
   *
   * @param reason why
   * @param message what was wrong
   */
  record Failed(CallbackReason reason, String message) implements Verification {
    /** @throws NullPointerException if a component is null */
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
