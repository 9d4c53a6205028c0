package com.algosure.integration.spi;

/**
 * A tenant holds as many live keys (in flight, or completed and not yet expired) as a bounded idempotency store
 * (the in-memory one, or {@code RedisIdempotencyStore}) lets one tenant hold, so its new key is refused rather than a
 * live one forgotten; other tenants' keys are still taken. The store is shared by every tenant, and without a bound
 * of its own one tenant's keys (a flood of fresh keys, or heavy use within the time to live) would fill it and fail
 * every other tenant's calls too. The guard turns this into {@code FAILED (IDEMPOTENCY_TENANT_LIMIT)} before anything
 * is sent, and the callback guard into a rejected delivery the provider redelivers later.
 *
 * <p>What to do: raise the store's per-tenant maximum, shorten the idempotency or dedupe time to live, or use a
 * distributed store. The message names the tenant and the bounds, nothing else of the request.
 *
 * @since 0.1.0
 */
public class IdempotencyTenantFullException extends IdempotencyStoreFullException {

  private static final long serialVersionUID = 1L;

  private final String tenant;
  private final long maximumKeysPerTenant;

  /**
   * @param tenant the tenant's id
   * @param maximumKeysPerTenant the store's maximum number of live keys a tenant holds
   * @param maximumKeys the store's maximum number of live keys, all tenants together
   */
  public IdempotencyTenantFullException(String tenant, long maximumKeysPerTenant, long maximumKeys) {
    super("tenant '" + tenant + "' holds its maximum of " + maximumKeysPerTenant + " live keys in the in-memory"
        + " idempotency store (in flight or completed within their time to live), so its new key is refused rather"
        + " than evicting a live one, which could let a duplicate run twice; other tenants are still served: raise"
        + " maximumKeysPerTenant (IdempotencyStore.inMemory(clock, maximumKeys, maximumKeysPerTenant), in Spring"
        + " algosure.idempotency.maximum-keys-per-tenant), shorten the time to live (ProviderPolicy idempotencyTtl,"
        + " CallbackGuard dedupeTtl), or use a distributed store", maximumKeys);
    this.tenant = tenant;
    this.maximumKeysPerTenant = maximumKeysPerTenant;
  }

  /**
   * For a store other than the in-memory one (Redis, a database), whose message names where its own bound is set.
   * The guard and the callback guard answer it as they answer the in-memory store's.
   *
   * @param message what was refused and what to do, naming the tenant and the bound, never a key or a secret
   * @param tenant the tenant's id
   * @param maximumKeysPerTenant the store's maximum number of live keys a tenant holds
   * @param maximumKeys the store's maximum number of live keys, all tenants together, or {@link Long#MAX_VALUE} for
   *     a store that no count of keys bounds as a whole (Redis is bounded by its memory)
   * @since 0.1.0
   */
  public IdempotencyTenantFullException(String message, String tenant, long maximumKeysPerTenant, long maximumKeys) {
    super(message, maximumKeys);
    this.tenant = tenant;
    this.maximumKeysPerTenant = maximumKeysPerTenant;
  }

  /** @return the id of the tenant whose key was refused */
  public String tenant() {
    return tenant;
  }

  /** @return the store's maximum number of live keys a tenant holds */
  public long maximumKeysPerTenant() {
    return maximumKeysPerTenant;
  }
}
