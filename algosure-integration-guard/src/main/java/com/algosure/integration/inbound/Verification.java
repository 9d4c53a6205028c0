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
   * For a scheme that signs its timestamp inside the payload (a JWS's {@code iat}): a redelivery signed anew at a
   * later time is the same delivery, recognised by its content without the time.
   *
   * @param deliveryId the delivery's id (for dedupe)
   * @param timestamp the signed timestamp, if the scheme signs one
   * @param payload the verified payload, not copied
   * @param content what tells this delivery's content from another's under the same id: the payload without what a
   *     redelivery changes (its signing times), not copied
   * @return a successful verification
   */
  static Verification verified(String deliveryId, Optional<Instant> timestamp, byte[] payload, byte[] content) {
    return new Verified(deliveryId, timestamp, payload, content);
  }

  /**
   * @param reason why: a reason of a delivery rejected before its handler, not one of a settled or handled delivery
   *     ({@code ACCEPTED}, {@code DUPLICATE}, {@code DUPLICATE_IN_PROGRESS}, {@code HANDLER_FAILED},
   *     {@code FACT_NOT_AUDITED})
   * @param message what was wrong, naming headers, never a signature or a secret
   * @return a failed verification
   * @throws IllegalArgumentException if the reason is one of a settled or handled delivery (the guard then rejects
   *     the callback as {@code VERIFICATION_UNAVAILABLE}, for redelivery)
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
   * @param content what the dedupe compares a redelivery by: the payload itself, unless the scheme signs its
   *     timestamp inside the payload (then the payload without its signing times)
   * @param keyRef which secret or key verified the signature, by reference and never by value (a secret's
   *     {@link com.algosure.integration.spi.SecretRef} name, a public key, a JWS {@code kid}): the guard's events of
   *     the callback carry it as the detail {@code keyRef}, so the facts a leaked secret verified can be found
   */
  record Verified(String deliveryId, Optional<Instant> timestamp, byte[] payload, byte[] content, Optional<String> keyRef)
      implements Verification {
    /**
     * @throws IllegalArgumentException if the delivery id is empty or over 255 characters, or the key reference is not
     *     1 to 255 visible ASCII characters
     */
    public Verified {
      Objects.requireNonNull(deliveryId, "deliveryId");
      if (deliveryId.isEmpty() || deliveryId.length() > 255) {
        throw new IllegalArgumentException("delivery id must be 1 to 255 characters");
      }
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(keyRef, "keyRef");
      if (keyRef.isPresent() && !isKeyRef(keyRef.get())) {
        throw new IllegalArgumentException("key reference must be 1 to 255 visible ASCII characters");
      }
    }

    /**
     * A verification that names no key.
     *
     * @param deliveryId the delivery's id
     * @param timestamp the signed timestamp, if any
     * @param payload the verified payload
     * @param content what the dedupe compares a redelivery by
     */
    public Verified(String deliveryId, Optional<Instant> timestamp, byte[] payload, byte[] content) {
      this(deliveryId, timestamp, payload, content, Optional.empty());
    }

    /**
     * A verification whose content is its payload.
     *
     * @param deliveryId the delivery's id
     * @param timestamp the signed timestamp, if any
     * @param payload the verified payload
     */
    public Verified(String deliveryId, Optional<Instant> timestamp, byte[] payload) {
      this(deliveryId, timestamp, payload, payload);
    }

    /**
     * @param keyRef which secret or key verified the signature, by reference (never the value)
     * @return this verification naming that key
     * @throws IllegalArgumentException if the reference is not 1 to 255 visible ASCII characters
     */
    public Verified signedWith(String keyRef) {
      return new Verified(deliveryId, timestamp, payload, content, Optional.of(keyRef));
    }

    /** @return whether the text can be a key reference: 1 to 255 visible ASCII characters */
    static boolean isKeyRef(String s) {
      if (s.isEmpty() || s.length() > 255) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c < 0x21 || c > 0x7e) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "Verified[" + deliveryId + ", " + timestamp + ", " + payload.length + " bytes"
          + (keyRef.isPresent() ? ", key " + keyRef.get() : "") + "]";
    }
  }

  /**
   * The callback is not authentic (or could not be checked).
   *
   * @param reason why
   * @param message what was wrong
   */
  record Failed(CallbackReason reason, String message) implements Verification {
    /**
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the reason is one of a settled or handled delivery: answered as it says
     *     (200 for {@code ACCEPTED} or {@code DUPLICATE}), a delivery never handled would not be redelivered
     */
    public Failed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      switch (reason) {
        case ACCEPTED, DUPLICATE, DUPLICATE_IN_PROGRESS, HANDLER_FAILED, FACT_NOT_AUDITED ->
            throw new IllegalArgumentException("a failed verification's reason must be one of a rejected callback "
                + "(SIGNATURE_INVALID, SIGNATURE_MISSING, TIMESTAMP_INVALID, ...), not " + reason
                + ", which says the delivery was settled or handled");
        default -> { }
      }
    }
  }
}
