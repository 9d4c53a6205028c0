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
 * bindings (10 tenants, 40 organizations, 250 users): our {@code decide} (entitlements from the in-memory source
 * through the decision point's cache) against jCasbin's {@code enforce} and Cedar's {@code isAuthorized} on the
 * same roles, bindings and requests. Each call takes the next of 256 typical requests (232 distinct, of 167
 * users), so no result is one hot cache line. Each implementation is built only in the forks that measure it.
 *
 * <p>Ours twice: {@link #algosure} audits through a sink that takes the decision itself
 * ({@code AuditSink.recordDecision}, no {@code AuditEvent} built: {@link AlgosurePdp.Audit#DECISION});
 * {@link #algosureAuditEvent} through a sink that implements only {@code record(AuditEvent)}, so every decision
 * builds its generic audit event, which is what {@link #algosure} measured before {@code recordDecision}
 * existed ({@link AlgosurePdp.Audit#EVENT}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecideBenchmark {

  /** The size of the world: 10 roles, 1,000 bindings. */
  public static final String TYPICAL_WORLD = "10x1000";

  /** Our decision point and requests, audited through {@code recordDecision}. */
  @State(Scope.Thread)
  public static class Ours {
    AlgosurePdp pdp;
    AuthorizationRequest[] requests;
    int next;

    AlgosurePdp.Audit audit() {
      return AlgosurePdp.Audit.DECISION;
    }

    /** Builds it and checks it permits every typical request. */
    @Setup(Level.Trial)
    public void setUp() {
      PdpWorld world = PdpWorld.parse(TYPICAL_WORLD);
      pdp = new AlgosurePdp(world, audit());
      requests = AlgosurePdp.prepare(world.typical());
      for (AuthorizationRequest r : requests) {
        if (!pdp.permits(r)) {
          throw new IllegalStateException("typical request " + r + " is not permitted");
        }
      }
    }

    AuthorizationRequest next() {
      int i = next;
      next = i + 1 == requests.length ? 0 : i + 1;
      return requests[i];
    }
  }

  /** Our decision point and requests, audited by a sink that wants the generic {@code AuditEvent}. */
  @State(Scope.Thread)
  public static class OursAuditEvent extends Ours {
    @Override
    AlgosurePdp.Audit audit() {
      return AlgosurePdp.Audit.EVENT;
    }
  }

  /** jCasbin's enforcer and requests. */
  @State(Scope.Thread)
  public static class Casbin {
    CasbinPdp pdp;
    Object[][] requests;
    int next;

    /** Builds it and checks it permits every typical request. */
    @Setup(Level.Trial)
    public void setUp() {
      PdpWorld world = PdpWorld.parse(TYPICAL_WORLD);
      pdp = new CasbinPdp(world);
      requests = CasbinPdp.prepare(world.typical());
      for (Object[] r : requests) {
        if (!pdp.permits(r)) {
          throw new IllegalStateException("typical request " + java.util.Arrays.toString(r) + " is not permitted");
        }
      }
    }

    Object[] next() {
      int i = next;
      next = i + 1 == requests.length ? 0 : i + 1;
      return requests[i];
    }
  }

  /** Cedar's engine, policies and requests. */
  @State(Scope.Thread)
  public static class Cedar {
    CedarPdp pdp;
    CedarPdp.Prepared[] requests;
    int next;

    /** Builds it and checks it permits every typical request. @throws AuthException if the engine fails */
    @Setup(Level.Trial)
    public void setUp() throws AuthException {
      PdpWorld world = PdpWorld.parse(TYPICAL_WORLD);
      pdp = new CedarPdp(world);
      requests = pdp.prepare(world.typical());
      for (CedarPdp.Prepared r : requests) {
        if (!pdp.permits(r)) {
          throw new IllegalStateException("typical request " + r.request() + " is not permitted");
        }
      }
    }

    CedarPdp.Prepared next() {
      int i = next;
      next = i + 1 == requests.length ? 0 : i + 1;
      return requests[i];
    }
  }

  /** @param s our state @return our decision, audited without an {@code AuditEvent} */
  @Benchmark
  public AuthorizationDecision algosure(Ours s) {
    return s.pdp.pdp().decide(s.next());
  }

  /** @param s our state @return our decision, with its generic {@code AuditEvent} built for the sink */
  @Benchmark
  public AuthorizationDecision algosureAuditEvent(OursAuditEvent s) {
    return s.pdp.pdp().decide(s.next());
  }

  /** @param s jCasbin's state @return jCasbin's answer */
  @Benchmark
  public boolean jcasbin(Casbin s) {
    return s.pdp.enforcer().enforce(s.next());
  }

  /** @param s Cedar's state @return Cedar's answer @throws AuthException if the engine fails */
  @Benchmark
  public AuthorizationResponse cedar(Cedar s) throws AuthException {
    return s.pdp.decide(s.next());
  }
}
