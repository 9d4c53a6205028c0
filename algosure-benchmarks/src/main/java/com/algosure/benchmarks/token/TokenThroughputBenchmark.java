package com.algosure.benchmarks.token;

import com.algosure.authz.Actor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Throughput of the cached token path of {@link TokenCachedBenchmark}, one validator shared by all threads;
 * run with {@code -t 1} and {@code -t 2} to see contention.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TokenThroughputBenchmark {

  /** @param s the shared set-up @return the actor, from our validator's cache */
  @Benchmark
  public Actor algosureCached(CachedToken s) {
    return s.algosure.authenticate(s.token);
  }

  /** @param s the shared set-up @return Spring's verified token */
  @Benchmark
  public Jwt spring(CachedToken s) {
    return s.spring.decode(s.token);
  }
}
