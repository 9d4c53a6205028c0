package com.algosure.authz.spi;

import com.algosure.authz.TenantId;
import java.util.Map;
import java.util.Objects;

/**
 * The billing domain's answer to "what may this tenant use?". The decision point caches answers briefly
 * (see {@code PolicyDecisionPoint.Builder#entitlementCacheTtl}), except for the usage of a limit: a permission that
 * counts against a limit the plan lists asks the source on every decision. A source that throws or returns null makes
 * every permission that needs an entitlement deny with {@code ENTITLEMENT_UNAVAILABLE}.
 *
 * <p>Implementations must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EntitlementSource {

  /**
   * @param tenant a tenant
   * @return the tenant's entitlements; {@link Entitlements#none()} for a tenant with none
   */
  Entitlements entitlementsOf(TenantId tenant);

  /**
   * An in-memory source, for tests and examples.
   *
   * @param byTenant the entitlements of each tenant; other tenants have none
   * @return the source
   */
  static EntitlementSource inMemory(Map<TenantId, Entitlements> byTenant) {
    Map<TenantId, Entitlements> copy = Map.copyOf(Objects.requireNonNull(byTenant, "byTenant"));
    return tenant -> copy.getOrDefault(tenant, Entitlements.none());
  }

  /** @return a source that grants nothing: permissions needing an entitlement are denied */
  static EntitlementSource none() {
    return tenant -> Entitlements.none();
  }
}
