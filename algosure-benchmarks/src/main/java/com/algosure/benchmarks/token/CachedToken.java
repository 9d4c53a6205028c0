package com.algosure.benchmarks.token;

import com.algosure.authz.token.AccessTokenValidator;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * The set-up of the cached-token benchmarks: one RS256 token (a real Keycloak payload), our validator with the
 * token already cached, and Spring's {@code NimbusJwtDecoder} (no token cache), both reading the same JWKS.
 * Shared by all threads of a trial.
 */
@State(Scope.Benchmark)
public class CachedToken {

  private TokenWorld world;
  AccessTokenValidator algosure;
  NimbusJwtDecoder spring;
  String token;

  /** Starts the JWKS server, builds both, validates the token once with each. */
  @Setup(Level.Trial)
  public void setUp() {
    world = new TokenWorld();
    algosure = world.algosure(10_000);
    spring = world.spring();
    token = world.token(false, 0);
    algosure.authenticate(token);
    spring.decode(token);
  }

  /** Stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    world.close();
  }
}
