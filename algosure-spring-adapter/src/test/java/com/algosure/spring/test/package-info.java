/**
 * The host test kit (the adapter's test-jar): {@link com.algosure.spring.test.AlgosureTestIssuer} mints
 * signed Keycloak-shaped tokens for any actor and serves their JWKS on loopback. Needs the authorization
 * core's test-jar (key generation and minting) and Spring's test support.
 */
@NullMarked
package com.algosure.spring.test;

import org.jspecify.annotations.NullMarked;
