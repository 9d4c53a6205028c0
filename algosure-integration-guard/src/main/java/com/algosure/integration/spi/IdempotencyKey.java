package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;

/**
 * The scope of an idempotency key: the caller's key counts only within one tenant, provider and action.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant
 * @param provider the provider
 * @param action the provider action, a permission name (for callbacks: {@code #callback}, which no permission can be
 *     named, so a delivery never shares a key with an outbound call in a shared store)
 * @param key the caller's idempotency key (for callbacks: the delivery id), 1 to 255 visible ASCII characters
 * @since 0.1.0
 */
public record IdempotencyKey(TenantId tenant, ProviderId provider, String action, String key) {

  /**
   * @throws IllegalArgumentException if a component is missing, or the action or the key is not 1 to 255 visible
   *     ASCII characters (stores hash the parts as UTF-8, where unpaired surrogates of two actions would be one)
   */
  public IdempotencyKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(action, "action");
    requireVisibleAscii("action", action);
    requireKey(key);
  }

  /**
   * The key the guard forwards to the provider (its idempotency header, {@code Idempotency-Key} by default) in place
   * of the caller's: a UUID derived from tenant, provider, action and the caller's key (the first 128 bits of their
   * SHA-256, as an RFC 9562 version 8 UUID; 36 characters, within every provider's length limit). It is the same for
   * every submission under this key, so the provider recognises a repeat, and differs between tenants: tenants whose
   * calls share one account at the provider never share a key there, where with the caller's key alone one tenant's
   * request could be answered with another tenant's first answer, and never sent.
   *
   * @return the forwarded key, such as {@code 3f0c2a9e-51b7-8d04-9a6e-0c1d2e3f4a5b}
   */
  public String providerKey() {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    // a space is in none of the parts (identifiers, visible ASCII), so no two scoped keys share this input
    byte[] h = sha256.digest((tenant.value() + ' ' + provider.value() + ' ' + action + ' ' + key)
        .getBytes(StandardCharsets.UTF_8));
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = msb << 8 | (h[i] & 0xff);
      lsb = lsb << 8 | (h[i + 8] & 0xff);
    }
    msb = (msb & ~0xf000L) | 0x8000L; // version 8: custom (a hash)
    lsb = (lsb & 0x3fffffffffffffffL) | 0x8000000000000000L; // the RFC 9562 variant
    return new UUID(msb, lsb).toString();
  }

  /**
   * Checks a caller's key.
   *
   * @param key the key
   * @return the key
   * @throws IllegalArgumentException if it is not 1 to 255 visible ASCII characters
   */
  public static String requireKey(String key) {
    return requireVisibleAscii("idempotency key", key);
  }

  private static String requireVisibleAscii(String what, String value) {
    if (value == null || value.isEmpty() || value.length() > 255) {
      throw new IllegalArgumentException(what + " must be 1 to 255 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(what + " must be visible ASCII (no spaces or control characters)");
      }
    }
    return value;
  }
}
