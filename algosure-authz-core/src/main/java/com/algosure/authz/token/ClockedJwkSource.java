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
import com.nimbusds.jose.proc.SimpleSecurityContext;
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
 *
 * <p>A lookup with the context {@link #AFTER_SIGNATURE_MISS} (a token without {@code kid} that no held key verifies:
 * the issuer may have rotated its key) asks for that refresh at once, under the same rate limit; when the limiter
 * refuses it, the keys held are the result (the caller skips those it tried).
 */
final class ClockedJwkSource implements JWKSource<SecurityContext>, Closeable {

  /**
   * The context of a lookup for a token without {@code kid} whose signature no held key verifies: the JWKS is
   * refreshed first, as for an unknown {@code kid} and under the same rate limit.
   */
  static final SecurityContext AFTER_SIGNATURE_MISS = new SimpleSecurityContext();

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
    boolean afterMiss = context == AFTER_SIGNATURE_MISS;
    if (!afterMiss) {
      List<JWK> keys = selector.select(held);
      if (!keys.isEmpty()) {
        return keys;
      }
    }
    JWKSet fresh;
    try {
      fresh = source.getJWKSet(JWKSetCacheRefreshEvaluator.referenceComparison(held), now, context);
    } catch (RateLimitReachedException e) {
      // after a signature miss, the keys held now: another validation may have refreshed since
      return afterMiss ? selector.select(held) : List.of();
    }
    return selector.select(fresh);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
