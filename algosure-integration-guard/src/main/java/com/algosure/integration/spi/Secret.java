package com.algosure.integration.spi;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret value (a provider credential, a token, a webhook secret) together with its reference.
 *
 * <p>The value is only ever returned by {@link #reveal()} and {@link #revealBytes()}: {@link #toString()}
 * names the reference and redacts the value, {@link #equals(Object)} is identity (so comparing secrets can
 * leak nothing, not even through timing), the class is not {@link java.io.Serializable} (Java serialization
 * fails with {@link java.io.NotSerializableException}) and Jackson writes it as the redacted string.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class Secret {

  private final SecretRef ref;
  private final byte[] value;

  private Secret(SecretRef ref, byte[] value) {
    this.ref = Objects.requireNonNull(ref, "ref");
    this.value = value;
  }

  /**
   * Wraps a value.
   *
   * @param ref the reference the value was resolved from
   * @param value the value (UTF-8 when revealed as text)
   * @return the secret
   * @throws IllegalArgumentException if the value is empty
   */
  public static Secret of(SecretRef ref, String value) {
    Objects.requireNonNull(value, "value");
    return ofBytes(ref, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Wraps a binary value; the array is copied.
   *
   * @param ref the reference the value was resolved from
   * @param value the value
   * @return the secret
   * @throws IllegalArgumentException if the value is empty
   */
  public static Secret ofBytes(SecretRef ref, byte[] value) {
    Objects.requireNonNull(value, "value");
    if (value.length == 0) {
      throw new IllegalArgumentException("secret '" + ref + "' is empty");
    }
    return new Secret(ref, value.clone());
  }

  /** @return the reference this secret was resolved from; safe to log and audit */
  public SecretRef ref() {
    return ref;
  }

  /**
   * The value as text. Use it only to put it where the provider needs it (a header, a signature key),
   * never in a log line, a message or an audit event.
   *
   * @return the value, decoded as UTF-8
   */
  public String reveal() {
    return new String(value, StandardCharsets.UTF_8);
  }

  /** @return a copy of the value's bytes; same rules as {@link #reveal()} */
  public byte[] revealBytes() {
    return value.clone();
  }

  /** Identity, never the value: two secrets are equal only if they are the same object. */
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  /** @return {@code Secret[<ref>, value redacted]}; also what Jackson writes */
  @JsonValue
  @Override
  public String toString() {
    return "Secret[" + ref.name() + ", value redacted]";
  }
}
