/**
 * Spring Security integration: bearer tokens are validated once per request by the
 * {@link com.algosure.spring.BearerTokenAuthenticator} (the core validator by default) and become an
 * {@link com.algosure.spring.AlgosureAuthentication}; refusals become 401 problem responses with
 * {@code WWW-Authenticate: Bearer error="invalid_token"}.
 */
@NullMarked
package com.algosure.spring.security;

import org.jspecify.annotations.NullMarked;
