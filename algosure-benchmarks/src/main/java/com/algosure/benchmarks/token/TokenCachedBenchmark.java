package com.algosure.benchmarks.token;

import com.algosure.authz.Actor;
import com.algosure.authz.token.AccessTokenValidator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Bearer token (RS256, a real Keycloak payload) to authenticated actor when our validator has the token cached,
 * against Spring Security's {@code NimbusJwtDecoder}, which has no token cache and verifies every time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenCachedBenchmark {

  private TokenWorld world;
  private AccessTokenValidator algosure;
  private NimbusJwtDecoder spring;
  private String token;

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

  /** @return the actor, from our validator's cache */
  @Benchmark
  public Actor algosure() {
    return algosure.authenticate(token);
  }

  /** @return Spring's verified token */
  @Benchmark
  public Jwt spring() {
    return spring.decode(token);
  }
}
