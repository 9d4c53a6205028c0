package com.algosure.benchmarks.authz;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
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

/**
 * The typical request of {@link DecideBenchmark} as the catalogue grows from 10 to 1,000 roles and the
 * directory from 10 to 100,000 bindings ({@code size} is roles × bindings), ours against jCasbin at the same
 * sizes. Each call takes the next of {@code requests} typical requests, drawn with repetition (at 10x10 they are
 * the 9 that world has): 256 (the larger the world, the more of them miss the CPU caches, as in a service) or 1
 * (the same request every time: only the algorithm's growth). Each implementation is built only in the forks that
 * measure it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecideScalingBenchmark {

  /** The size, shared by both states. */
  @State(Scope.Benchmark)
  public static class Size {
    /** Roles × bindings. */
    @Param({"10x10", "100x1000", "1000x10000", "1000x100000"})
    public String size;

    /** How many distinct typical requests the calls go through. */
    @Param({"256", "1"})
    public int requests;

    java.util.List<PdpWorld.Question> questions(PdpWorld world) {
      return world.typical().subList(0, Math.min(requests, world.typical().size()));
    }
  }

  /** Our decision point and requests. */
  @State(Scope.Thread)
  public static class Ours {
    AlgosurePdp pdp;
    AuthorizationRequest[] requests;
    int next;

    /** @param size the size @throws IllegalStateException if a typical request is not permitted */
    @Setup(Level.Trial)
    public void setUp(Size size) {
      PdpWorld world = PdpWorld.parse(size.size);
      pdp = new AlgosurePdp(world);
      requests = AlgosurePdp.prepare(size.questions(world));
      for (AuthorizationRequest r : requests) {
        if (!pdp.permits(r)) {
          throw new IllegalStateException("typical request " + r + " is not permitted");
        }
      }
    }
  }

  /** jCasbin's enforcer and requests. */
  @State(Scope.Thread)
  public static class Casbin {
    CasbinPdp pdp;
    Object[][] requests;
    int next;

    /** @param size the size @throws IllegalStateException if a typical request is not permitted */
    @Setup(Level.Trial)
    public void setUp(Size size) {
      PdpWorld world = PdpWorld.parse(size.size);
      pdp = new CasbinPdp(world);
      requests = CasbinPdp.prepare(size.questions(world));
      for (Object[] r : requests) {
        if (!pdp.permits(r)) {
          throw new IllegalStateException("typical request " + java.util.Arrays.toString(r) + " is not permitted");
        }
      }
    }
  }

  /** @param s our state @return our decision */
  @Benchmark
  public AuthorizationDecision algosure(Ours s) {
    int i = s.next;
    s.next = i + 1 == s.requests.length ? 0 : i + 1;
    return s.pdp.pdp().decide(s.requests[i]);
  }

  /** @param s jCasbin's state @return jCasbin's answer */
  @Benchmark
  public boolean jcasbin(Casbin s) {
    int i = s.next;
    s.next = i + 1 == s.requests.length ? 0 : i + 1;
    return s.pdp.enforcer().enforce(s.requests[i]);
  }
}
