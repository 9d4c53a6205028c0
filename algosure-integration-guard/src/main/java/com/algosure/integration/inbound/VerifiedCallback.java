package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A callback that passed every check, as the handler receives it.
 *
 * @param provider the provider
 * @param tenant the tenant
 * @param deliveryId the delivery's id
 * @param timestamp the signed timestamp, if the scheme signs one
 * @param payload the validated payload
 * @param <T> the payload's type
 * @since 0.1.0
 */
public record VerifiedCallback<T>(ProviderId provider, TenantId tenant, String deliveryId, Optional<Instant> timestamp, T payload) {

  /** @throws NullPointerException if a component is null */
  public VerifiedCallback {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(deliveryId, "deliveryId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public String toString() {
    return "VerifiedCallback[" + provider + ", tenant=" + tenant + ", delivery=" + deliveryId + "]";
  }
}
