package com.algosure.integration.spi;

import com.algosure.integration.testing.IdempotencyStoreContract;

/** The idempotency store contract on the in-memory store: one store is every "instance", outcomes replay whole. */
class InMemoryIdempotencyStoreContractTest extends IdempotencyStoreContract {

  private final InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock);

  @Override
  protected IdempotencyStore store() {
    return store;
  }

  @Override
  protected IdempotencyStore otherInstance() {
    return store;
  }
}
