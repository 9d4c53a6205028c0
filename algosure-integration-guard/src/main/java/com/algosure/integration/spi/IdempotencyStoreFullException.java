package com.algosure.integration.spi;

import com.algosure.integration.IntegrationException;

/**
 * A bounded idempotency store holds as many live keys (in flight, or completed and not yet expired) as it may,
 * so it refuses a new key rather than forget a live one: a forgotten key would let a retry or a duplicate of
 * that call run a second time. Its subclass {@link IdempotencyTenantFullException} says that the key's tenant, not
 * the whole store, holds its maximum. The guard turns this into {@code FAILED (IDEMPOTENCY_UNAVAILABLE)} before
 * anything is sent, and the callback guard into a rejected delivery the provider redelivers later.
 *
 * <p>What to do: raise the store's maximum, shorten the idempotency or dedupe time to live, or use a
 * distributed store. Thrown by the store; immutable.
 *
 * @since 0.1.0
 */
public class IdempotencyStoreFullException extends IntegrationException {

  private static final long serialVersionUID = 1L;

  private final long maximumKeys;

  /** @param maximumKeys the store's maximum number of live keys */
  public IdempotencyStoreFullException(long maximumKeys) {
    super("the in-memory idempotency store holds its maximum of " + maximumKeys + " live keys (in flight or"
        + " completed within their time to live), so a new key is refused rather than evicting a live one, which"
        + " could let a duplicate run twice: raise maximumKeys (IdempotencyStore.inMemory(clock, maximumKeys,"
        + " maximumKeysPerTenant), in Spring algosure.idempotency.maximum-keys),"
        + " shorten the time to live (ProviderPolicy idempotencyTtl, CallbackGuard dedupeTtl), or use a"
        + " distributed store");
    this.maximumKeys = maximumKeys;
  }

  /**
   * For subclasses that name another bound.
   *
   * @param message what was refused and what to do, without a key or a secret
   * @param maximumKeys the store's maximum number of live keys
   */
  protected IdempotencyStoreFullException(String message, long maximumKeys) {
    super(message);
    this.maximumKeys = maximumKeys;
  }

  /** @return the store's maximum number of live keys */
  public long maximumKeys() {
    return maximumKeys;
  }
}
