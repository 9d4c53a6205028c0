package com.algosure.benchmarks.token;

import com.algosure.authz.token.AuthenticatedToken;
import com.algosure.authz.token.AccessTokenValidator;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Bearer token to authenticated actor when the token is not cached: 512 distinct tokens of the same payload
 * taken in turn, so our validator (token cache of one entry) hashes, misses, verifies, maps and caches each;
 * raw nimbus {@code DefaultJWTProcessor} and Spring's {@code NimbusJwtDecoder} verify the same tokens with the
 * same checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenMissBenchmark {

  private static final int TOKENS = 512;

  /** The signature algorithm. */
  @Param({"RS256", "ES256"})
  public String alg;

  private TokenWorld world;
  private AccessTokenValidator algosure;
  private DefaultJWTProcessor<SecurityContext> nimbus;
  private NimbusJwtDecoder spring;
  private String[] tokens;
  private int next;

  /** Starts the JWKS server, mints the tokens, checks all three accept them. @throws Exception if not */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    world = new TokenWorld();
    algosure = world.algosure(1);
    nimbus = world.nimbus();
    spring = world.spring();
    tokens = new String[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      tokens[i] = world.token(alg.equals("ES256"), i);
    }
    algosure.validate(tokens[0]);
    nimbus.process(tokens[0], null);
    spring.decode(tokens[0]);
  }

  /** Stops the server. */
  @TearDown(Level.Trial)
  public void tearDown() {
    world.close();
  }

  private String next() {
    int i = next;
    next = i + 1 == TOKENS ? 0 : i + 1;
    return tokens[i];
  }

  /** @return our validated token with its actor */
  @Benchmark
  public AuthenticatedToken algosure() {
    return algosure.validate(next());
  }

  /** @return nimbus's verified claims @throws Exception if rejected */
  @Benchmark
  public JWTClaimsSet nimbus() throws ParseException, BadJOSEException, JOSEException {
    return nimbus.process(next(), null);
  }

  /** @return Spring's verified token */
  @Benchmark
  public Jwt spring() {
    return spring.decode(next());
  }
}
