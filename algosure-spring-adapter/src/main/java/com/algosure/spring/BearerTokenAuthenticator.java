package com.algosure.spring;

import com.algosure.authz.Actor;

/**
 * Turns a bearer access token into an authenticated {@link Actor}, or refuses it. The adapter's default is
 * the core {@code AccessTokenValidator} configured from {@code algosure.issuers} and {@code algosure.keycloak};
 * a host may declare its own bean. It is called exactly once per request, by the security filter chain.
 *
 * <p>Implementations must be thread-safe and must never put the token into an exception message or a log
 * line.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BearerTokenAuthenticator {

  /**
   * Validates a token.
   *
   * @param token the compact token, without the {@code Bearer } prefix
   * @return the authenticated actor
   * @throws RuntimeException if the token is refused; a {@code TokenRejectedException} carries the reason,
   *     any other exception is refused as {@code TOKEN_INVALID}
   */
  Actor authenticate(String token);
}
