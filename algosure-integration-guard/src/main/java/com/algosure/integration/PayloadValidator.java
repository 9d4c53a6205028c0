package com.algosure.integration;

import java.util.Arrays;

/**
 * Turns an untrusted payload (a provider's 2xx response, a callback's body) into a value, or rejects it.
 * Nothing that a validator rejects becomes an accepted fact.
 *
 * <p>Implementations must be thread-safe. Throwing anything, or returning null, rejects the payload.
 * {@link JsonValidator} covers JSON (required fields, types, size and depth limits).
 *
 * @param <T> the value's type
 * @since 0.1.0
 */
@FunctionalInterface
public interface PayloadValidator<T> {

  /**
   * @param payload the raw bytes as received
   * @return the value and its audit-safe fields
   * @throws InvalidPayloadException if the payload is not acceptable; the message names the rule, never a value
   */
  Validated<T> validate(byte[] payload);

  /**
   * @param maxBytes the largest acceptable payload
   * @return a validator that accepts any bytes up to a size (for binary answers a host checks itself)
   */
  static PayloadValidator<byte[]> bytes(int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    return payload -> {
      if (payload.length > maxBytes) {
        throw new InvalidPayloadException("payload is " + payload.length + " bytes, over the limit of " + maxBytes);
      }
      return Validated.of(Arrays.copyOf(payload, payload.length));
    };
  }
}
