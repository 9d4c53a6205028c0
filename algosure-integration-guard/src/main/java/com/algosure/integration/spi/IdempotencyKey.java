package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.util.Objects;

/**
 * The scope of an idempotency key: the caller's key counts only within one tenant, provider and action.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant
 * @param provider the provider
 * @param action the provider action (for callbacks: {@code callback})
 * @param key the caller's idempotency key (for callbacks: the delivery id), 1 to 255 visible ASCII characters
 * @since 0.1.0
 */
public record IdempotencyKey(TenantId tenant, ProviderId provider, String action, String key) {

  /** @throws IllegalArgumentException if a component is missing or the key is not 1 to 255 visible ASCII characters */
  public IdempotencyKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(action, "action");
    requireKey(key);
  }

  /**
   * Checks a caller's key.
   *
   * @param key the key
   * @return the key
   * @throws IllegalArgumentException if it is not 1 to 255 visible ASCII characters
   */
  public static String requireKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 255) {
      throw new IllegalArgumentException("idempotency key must be 1 to 255 characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("idempotency key must be visible ASCII (no spaces or control characters)");
      }
    }
    return key;
  }
}
