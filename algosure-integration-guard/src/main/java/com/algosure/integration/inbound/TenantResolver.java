package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import java.util.Optional;

/**
 * Names the tenant a callback belongs to, before its signature is checked (secrets may be per tenant), for
 * a registration shared by several tenants: from a header or a path segment the host routes on. The
 * signature check that follows is what makes the answer trustworthy. Must be thread-safe; empty, null or
 * throwing rejects the callback ({@code TENANT_MISSING}).
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
