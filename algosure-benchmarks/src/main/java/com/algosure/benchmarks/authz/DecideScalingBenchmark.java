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
 * sizes. Each call takes the next of up to 256 typical requests of different users.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecideScalingBenchmark {

  /** Roles × bindings. */
  @Param({"10x10", "100x1000", "1000x10000", "1000x100000"})
  public String size;

  private AlgosurePdp algosure;
  private AuthorizationRequest[] ours;
  private CasbinPdp casbin;
  private Object[][] casbins;
  private int next;

  /** Builds both implementations and checks they permit every typical request. */
  @Setup(Level.Trial)
  public void setUp() {
    PdpWorld world = PdpWorld.parse(size);
    algosure = new AlgosurePdp(world);
    ours = AlgosurePdp.prepare(world.typical());
    casbin = new CasbinPdp(world);
    casbins = CasbinPdp.prepare(world.typical());
    for (int i = 0; i < ours.length; i++) {
      if (!algosure.permits(ours[i]) || !casbin.permits(casbins[i])) {
        throw new IllegalStateException("typical request " + world.typical().get(i) + " is not permitted by both");
      }
    }
  }

  private int next() {
    int i = next;
    next = i + 1 == ours.length ? 0 : i + 1;
    return i;
  }

  /** @return our decision */
  @Benchmark
  public AuthorizationDecision algosure() {
    return algosure.pdp().decide(ours[next()]);
  }

  /** @return jCasbin's answer */
  @Benchmark
  public boolean jcasbin() {
    return casbin.enforcer().enforce(casbins[next()]);
  }
}
