package com.algosure.store.redis;

/**
 * The base of every exception the Redis stores throw. The guard turns any of them into a fail-closed outcome
 * (nothing is sent, nothing is accepted). Messages name the Redis host and port, never a password, a key's
 * caller-supplied parts or a stored value.
 *
 * @since 0.1.0
 */
public class RedisStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, where, and what to do */
  public RedisStoreException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, where, and what to do
   * @param cause the underlying failure
   */
  public RedisStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
