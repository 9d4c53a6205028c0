package com.algosure.benchmarks.authz;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the typical request of {@link DecideBenchmark}, one decision point (and one enforcer)
 * shared by all threads; run with {@code -t 1} and {@code -t 2} to see contention.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecideThroughputBenchmark {

  /** Our decision point, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Ours {
    AlgosurePdp pdp;
    AuthorizationRequest[] requests;

    /** Builds it. */
    @Setup
    public void setUp() {
      PdpWorld world = PdpWorld.parse(DecideBenchmark.TYPICAL_WORLD);
      pdp = new AlgosurePdp(world);
      requests = AlgosurePdp.prepare(world.typical());
    }
  }

  /** jCasbin's enforcer, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Casbin {
    CasbinPdp pdp;
    Object[][] requests;

    /** Builds it. */
    @Setup
    public void setUp() {
      PdpWorld world = PdpWorld.parse(DecideBenchmark.TYPICAL_WORLD);
      pdp = new CasbinPdp(world);
      requests = CasbinPdp.prepare(world.typical());
    }
  }

  /** Each thread's place in the request list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int next(int length) {
      int i = next;
      next = i + 1 == length ? 0 : i + 1;
      return i;
    }
  }

  /** @param s shared state @param c this thread's cursor @return our decision */
  @Benchmark
  public AuthorizationDecision algosure(Ours s, Cursor c) {
    return s.pdp.pdp().decide(s.requests[c.next(s.requests.length)]);
  }

  /** @param s shared state @param c this thread's cursor @return jCasbin's answer */
  @Benchmark
  public boolean jcasbin(Casbin s, Cursor c) {
    return s.pdp.enforcer().enforce(s.requests[c.next(s.requests.length)]);
  }
}
