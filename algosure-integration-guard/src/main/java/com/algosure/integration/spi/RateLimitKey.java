package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rate limit or a provider's pause applies to: one tenant's calls to a provider, or all calls to
 * it (provider-wide).
 *
 * <p>Immutable and thread-safe.
 *
 * @param provider the provider
 * @param tenant the tenant, or empty for the provider-wide key
 * @since 0.1.0
 */
public record RateLimitKey(ProviderId provider, Optional<TenantId> tenant) {

  /** @throws NullPointerException if a component is null */
  public RateLimitKey {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(tenant, "tenant");
  }

  /**
   * @param provider the provider
   * @param tenant the tenant
   * @return the tenant × provider key
   */
  public static RateLimitKey of(ProviderId provider, TenantId tenant) {
    return new RateLimitKey(provider, Optional.of(tenant));
  }

  /**
   * @param provider the provider
   * @return the provider-wide key
   */
  public static RateLimitKey providerWide(ProviderId provider) {
    return new RateLimitKey(provider, Optional.empty());
  }

  @Override
  public String toString() {
    return tenant.map(t -> provider + "@" + t).orElse(provider + "@*");
  }
}
