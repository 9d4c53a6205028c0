package com.algosure.store.redis;

/**
 * Redis could not be reached, or did not answer within the configured command timeout. The operation may or
 * may not have run; the guard fails the call closed either way.
 *
 * @since 0.1.0
 */
public final class RedisStoreUnavailableException extends RedisStoreException {

  private static final long serialVersionUID = 1L;

  RedisStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
