package com.algosure.benchmarks.authz;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.exception.AuthException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A typical tenant + organization RBAC request with an entitlement check, in a world of 10 roles and 1,000
 * bindings (25 tenants, 100 organizations, 250 users): our {@code decide} (audit event built, entitlements
 * from the in-memory source through the decision point's cache) against jCasbin's {@code enforce} and
 * Cedar's {@code isAuthorized} on the same roles, bindings and requests. Each call takes the next of 256
 * typical requests of different users, so no result is one hot cache line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecideBenchmark {

  /** The size of the world: 10 roles, 1,000 bindings. */
  public static final String TYPICAL_WORLD = "10x1000";

  private AlgosurePdp algosure;
  private AuthorizationRequest[] ours;
  private CasbinPdp casbin;
  private Object[][] casbins;
  private CedarPdp cedar;
  private CedarPdp.Prepared[] cedars;
  private int next;

  /** Builds the three implementations and checks they permit every typical request. */
  @Setup(Level.Trial)
  public void setUp() throws AuthException {
    PdpWorld world = PdpWorld.parse(TYPICAL_WORLD);
    algosure = new AlgosurePdp(world);
    ours = AlgosurePdp.prepare(world.typical());
    casbin = new CasbinPdp(world);
    casbins = CasbinPdp.prepare(world.typical());
    cedar = new CedarPdp(world);
    cedars = cedar.prepare(world.typical());
    for (int i = 0; i < ours.length; i++) {
      if (!algosure.permits(ours[i]) || !casbin.permits(casbins[i]) || !cedar.permits(cedars[i])) {
        throw new IllegalStateException("typical request " + world.typical().get(i) + " is not permitted by all three");
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

  /** @return Cedar's answer @throws AuthException if the engine fails */
  @Benchmark
  public AuthorizationResponse cedar() throws AuthException {
    return cedar.decide(cedars[next()]);
  }
}
