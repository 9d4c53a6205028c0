package com.algosure.authz;

import org.jspecify.annotations.Nullable;

/**
 * The base of every exception the authorization core throws. Decisions themselves never throw: this is
 * thrown for bad configuration (a role catalogue, a builder) and at boundaries such as token validation.
 * Messages say what was wrong, where, and what to do; they never carry a token, a secret or a signature.
 *
 * @since 0.1.0
 */
public class AuthorizationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, where, and what to do */
  public AuthorizationException(String message) {
    super(message);
  }

  /** @param message what was wrong, where, and what to do @param cause the underlying failure */
  public AuthorizationException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
