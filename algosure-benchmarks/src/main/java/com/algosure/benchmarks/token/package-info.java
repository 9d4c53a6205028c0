/**
 * The token benchmarks: bearer token to authenticated actor with our {@code AccessTokenValidator}, against
 * raw nimbus {@code DefaultJWTProcessor} and Spring Security's {@code NimbusJwtDecoder} making the same checks
 * against the same JWKS.
 */
@NullMarked
package com.algosure.benchmarks.token;

import org.jspecify.annotations.NullMarked;
