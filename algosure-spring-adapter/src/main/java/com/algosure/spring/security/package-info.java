/**
 * Spring Security integration: bearer tokens are validated once per request by the
 * {@link com.algosure.spring.BearerTokenAuthenticator} (the core validator by default) and become an
 * {@link com.algosure.spring.AlgosureAuthentication}; a refused token becomes a 401 problem response with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} (one that could not be checked because the issuer's keys are
 * unavailable a 503), a missing one a 401 with {@code WWW-Authenticate: Bearer},
 * and a request the firewall refuses a 400 ({@code REQUEST_REJECTED}).
 */
@NullMarked
package com.algosure.spring.security;

import org.jspecify.annotations.NullMarked;
