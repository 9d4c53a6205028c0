package com.algosure.authz.token;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetBasedJWKSource;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * nimbus's {@link JWKSetBasedJWKSource}, but reading time from our {@link Clock}. nimbus's JWKS sources (cache,
 * refresh-ahead, rate limit, outage tolerance) take the current time as an argument; only the outermost adapter
 * reads {@code System.currentTimeMillis()}. This replaces that adapter, so every TTL of the chain follows the
 * injected clock.
 *
 * <p>The second lookup after a miss (an unknown {@code kid}) asks for a refresh; when the rate limiter refuses it,
 * the result is "no key" (the token's key is unknown), not an outage.
 */
final class ClockedJwkSource implements JWKSource<SecurityContext>, Closeable {

  private final JWKSetSource<SecurityContext> source;
  private final Clock clock;

  ClockedJwkSource(JWKSource<SecurityContext> built, Clock clock) {
    if (!(built instanceof JWKSetBasedJWKSource<SecurityContext> based)) {
      throw new IllegalStateException("unexpected JWKSource from nimbus: " + built.getClass().getName());
    }
    this.source = based.getJWKSetSource();
    this.clock = clock;
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    long now = clock.millis();
    JWKSet held = source.getJWKSet(JWKSetCacheRefreshEvaluator.noRefresh(), now, context);
    List<JWK> keys = selector.select(held);
    if (!keys.isEmpty()) {
      return keys;
    }
    JWKSet fresh;
    try {
      fresh = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(held), now, context);
    } catch (RateLimitReachedException e) {
      return List.of();
    }
    return selector.select(fresh);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
