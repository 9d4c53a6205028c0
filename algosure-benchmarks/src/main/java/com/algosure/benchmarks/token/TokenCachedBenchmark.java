package com.algosure.benchmarks.token;

import com.algosure.authz.Actor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Bearer token (RS256, a real Keycloak payload) to authenticated actor when our validator has the token cached,
 * against Spring Security's {@code NimbusJwtDecoder}, which has no token cache and verifies every time.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenCachedBenchmark {

  /** @param s the shared set-up @return the actor, from our validator's cache */
  @Benchmark
  public Actor algosure(CachedToken s) {
    return s.algosure.authenticate(s.token);
  }

  /** @param s the shared set-up @return Spring's verified token */
  @Benchmark
  public Jwt spring(CachedToken s) {
    return s.spring.decode(s.token);
  }
}
