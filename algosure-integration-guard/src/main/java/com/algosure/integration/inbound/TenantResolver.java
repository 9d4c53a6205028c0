package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import java.util.Optional;

/**
 * Names the tenant a callback belongs to, before its signature is checked, for a registration shared by
 * several tenants: from a header or a path segment the host routes on. Neither is covered by the signature, so
 * the answer is trustworthy only when the signature is checked with that tenant's own secrets (a
 * {@link StandardWebhooksVerifier} with only a {@link StandardWebhooksVerifier.Builder#secretSource}, or a host
 * verifier that does the same); with secrets shared by all tenants, name the tenant from the signed body
 * instead ({@link CallbackRegistration.Builder#tenantFromBody}). Must be thread-safe; empty, null or throwing
 * rejects the callback ({@code TENANT_MISSING}).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface TenantResolver {

  /**
   * @param request the callback as received
   * @return the tenant, or empty if the callback names none the host knows
   */
  Optional<TenantId> resolve(CallbackRequest request);
}
