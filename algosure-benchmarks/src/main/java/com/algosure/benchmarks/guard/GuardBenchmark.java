package com.algosure.benchmarks.guard;

import com.algosure.benchmarks.FreshInstances;
import com.algosure.integration.GuardResilience;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.ProviderResponse;
import dev.failsafe.FailsafeExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code IntegrationGuard.execute} of a no-op provider call with every step in memory ({@link GuardWorld}),
 * each call with a fresh idempotency key (so each claims and completes a key; building the request, one
 * {@code IntegrationRequest.builder()...build()}, is included, as a caller pays it too; every
 * {@link GuardWorld#CALLS_PER_WORLD} calls the benchmark moves to a fresh guard and store, built before the
 * iteration, the store's table grown beforehand as a running store's is). Beside it: the guard's
 * resilient-execution step alone ({@code algosureResilience}: the guard's own retry + circuit breaker, rate-limit
 * permit, attempt audit event and per-attempt timeout, run by its real step class), a bare Failsafe executor with
 * the same retry + circuit breaker + rate limiter (and with the guard's timeout added), the least work the design
 * asks of any guard's resilience part ({@code resilienceFloor}: retry + circuit breaker, a tenant × provider permit
 * from a rate-limit store, the attempt's timeout measured), and Resilience4j's
 * Retry + CircuitBreaker + RateLimiter decoration as a reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// 1 s iterations unless told otherwise: the instances built for an iteration last about that long
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class GuardBenchmark {

  private GuardResilience resilience;
  private IntegrationRequest resilienceRequest;
  private FailsafeExecutor<ProviderResponse> failsafe;
  private FailsafeExecutor<ProviderResponse> failsafeWithTimeout;
  private Supplier<ProviderResponse> resilience4j;
  private Supplier<ProviderResponse> resilienceFloor;

  /** Builds the resilience step and the peers (light: no guard, no store). */
  @Setup(Level.Trial)
  public void setUp() {
    resilience = new GuardResilience(GuardWorld.provider(), GuardWorld.RESPONSE);
    resilienceRequest = new GuardWorld().request("resilience-only");
    failsafe = GuardWorld.failsafe();
    failsafeWithTimeout = GuardWorld.failsafeWithTimeout();
    resilience4j = GuardWorld.resilience4j();
    resilienceFloor = GuardWorld.resilienceFloor();
  }

  /**
   * The guards of {@link #algosureTotal}, built only for it: per iteration, fresh guards whose stores are empty with
   * their tables grown (a per-iteration fixture of the benchmark class itself would run in every method's fork,
   * building 40 guards before each iteration of the peers too).
   */
  @State(Scope.Thread)
  public static class Worlds {
    /** 40 worlds: enough for 1,000,000 calls an iteration; a few hundred thousand are made. */
    final FreshInstances<GuardWorld> worlds = new FreshInstances<>(40, GuardWorld.CALLS_PER_WORLD);
    long key;
    long notAccepted;

    /** Checks the guard accepts the benchmark's call. */
    @Setup(Level.Trial)
    public void setUp() {
      GuardWorld world = new GuardWorld();
      IntegrationOutcome<String> first = world.guard().execute(world.request("set-up"), world.call());
      if (!(first instanceof IntegrationOutcome.Accepted)) {
        throw new IllegalStateException("the guard did not accept the benchmark call: " + first);
      }
    }

    /**
     * Builds the worlds of the next iteration, outside the timed part: fresh guards, each store empty with its table
     * already grown, as a running store's is.
     */
    @Setup(Level.Iteration)
    public void freshWorlds() {
      worlds.refill(GuardWorld::steady);
    }

    /** Fails the run if any measured call was not accepted: the benchmark measures the accepted path only. */
    @TearDown(Level.Trial)
    public void checkEveryCallWasAccepted() {
      if (notAccepted > 0) {
        throw new IllegalStateException(notAccepted + " of " + key + " guard calls were not accepted");
      }
    }
  }

  /**
   * @param w the guards
   * @return the guard's outcome. Every {@link GuardWorld#CALLS_PER_WORLD} calls the benchmark moves to the next
   *     of the worlds built before the iteration and lets the last one go: a store's records then live at most
   *     that many calls, instead of piling up into a garbage-collector benchmark.
   */
  @Benchmark
  public IntegrationOutcome<String> algosureTotal(Worlds w) {
    GuardWorld world = w.worlds.next();
    IntegrationOutcome<String> out = world.guard().execute(world.request(Long.toString(w.key++)), world.call());
    if (!(out instanceof IntegrationOutcome.Accepted)) {
      w.notAccepted++;
    }
    return out;
  }

  /**
   * @return the provider's answer through the same parts as {@link #algosureTotal}, called directly in the guard's
   *     order without the guard ({@link GuardParts}), for the same kind of request, also built here
   */
  @Benchmark
  public Object guardParts(Parts p) {
    return p.parts.next().call(p.requests.request(Long.toString(p.key++)));
  }

  /** The instances of {@link #guardParts}, built only for it: fresh parts for each iteration, as the guard's worlds are. */
  @State(Scope.Thread)
  public static class Parts {
    final FreshInstances<GuardParts> parts = new FreshInstances<>(40, GuardWorld.CALLS_PER_WORLD);
    final GuardWorld requests = new GuardWorld();
    long key;

    /** Builds the parts of the next iteration, outside the timed part. */
    @Setup(Level.Iteration)
    public void fresh() {
      parts.refill(GuardParts::steady);
    }
  }

  /** @return the guard's resilient-execution step's result */
  @Benchmark
  public @Nullable Object algosureResilience() {
    return resilience.run(resilienceRequest);
  }

  /**
   * @return the answer through the least any guard's resilience part does by the design
   *     ({@link GuardWorld#resilienceFloor()}): what the resilience target's bound can be held against
   */
  @Benchmark
  public ProviderResponse resilienceFloor() {
    return resilienceFloor.get();
  }

  /** @return the answer through bare Failsafe */
  @Benchmark
  public ProviderResponse failsafe() {
    return failsafe.get(() -> GuardWorld.RESPONSE);
  }

  /** @return the answer through bare Failsafe with the guard's timeout */
  @Benchmark
  public ProviderResponse failsafeWithTimeout() {
    return failsafeWithTimeout.get(() -> GuardWorld.RESPONSE);
  }

  /** @return the answer through Resilience4j */
  @Benchmark
  public ProviderResponse resilience4j() {
    return resilience4j.get();
  }
}
