/**
 * Access-token validation and Keycloak signal mapping: {@link com.algosure.authz.token.AccessTokenValidator}
 * turns a bearer token into an {@link com.algosure.authz.token.AuthenticatedToken} and an
 * {@link com.algosure.authz.Actor}, {@link com.algosure.authz.token.KeycloakMapping} turns Keycloak's roles,
 * groups and claims into {@link com.algosure.authz.IdentitySignals}, and every refusal is a
 * {@link com.algosure.authz.token.TokenRejectedException} with a {@link com.algosure.authz.token.TokenRejectionReason}.
 *
 * <p>Depends on {@code com.algosure.authz} (actors, signals, roles) and on nimbus-jose-jwt, Caffeine and Jackson;
 * nimbus types do not appear in the public API. Package-private classes are the internals (JWKS source, claim
 * reading, the validated-token cache).
 */
@NullMarked
package com.algosure.authz.token;

import org.jspecify.annotations.NullMarked;
