package com.algosure.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.benchmarks.authz.DecideBenchmark;
import com.algosure.benchmarks.authz.DecideScalingBenchmark;
import com.algosure.benchmarks.authz.DecideThroughputBenchmark;
import com.algosure.benchmarks.callback.CallbackBenchmark;
import com.algosure.benchmarks.guard.GuardBenchmark;
import com.algosure.benchmarks.token.TokenCachedBenchmark;
import com.algosure.benchmarks.token.TokenMissBenchmark;
import com.algosure.benchmarks.token.TokenThroughputBenchmark;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A ratio of ours to a peer is honest only if the peer's fork runs the peer, not our fixtures. JMH runs the
 * fixtures of a benchmark class that is itself a {@code @State} for every benchmark method in it, peers included:
 * a per-iteration fixture building our guards, or a per-invocation one signing our next delivery, would then run
 * (and allocate, and warm the caches) around every peer call too.
 */
class BenchmarkFixturesTest {

  private static final List<Class<?>> BENCHMARKS = List.of(DecideBenchmark.class, DecideScalingBenchmark.class,
      DecideThroughputBenchmark.class, TokenCachedBenchmark.class, TokenMissBenchmark.class,
      TokenThroughputBenchmark.class, GuardBenchmark.class, CallbackBenchmark.class);

  @Test
  void benchmarkClassWhenItIsAStateThenHasOnlyTrialFixtures() {
    List<String> shared = new ArrayList<>();
    for (Class<?> c : BENCHMARKS) {
      if (c.isAnnotationPresent(State.class)) {
        for (Method m : c.getDeclaredMethods()) {
          Level level = level(m);
          if (level != null && level != Level.Trial) {
            shared.add(c.getSimpleName() + "." + m.getName() + " (Level." + level + ")");
          }
        }
      }
    }
    assertThat(shared).as("per-iteration or per-invocation fixtures every method of the class runs, peers' included")
        .isEmpty();
  }

  @Test
  void stateWithAPerInvocationFixtureWhenTakenThenOnlyByOurBenchmarks() {
    List<String> peers = new ArrayList<>();
    for (Class<?> c : BENCHMARKS) {
      for (Method m : c.getDeclaredMethods()) {
        if (!m.isAnnotationPresent(Benchmark.class) || m.getName().startsWith("algosure")) {
          continue;
        }
        List<Class<?>> states = new ArrayList<>(List.of(m.getParameterTypes()));
        if (c.isAnnotationPresent(State.class)) {
          states.add(c);
        }
        for (Class<?> s : states) {
          for (Method f : s.getDeclaredMethods()) {
            if (level(f) == Level.Invocation) {
              peers.add(c.getSimpleName() + "." + m.getName() + " runs " + s.getSimpleName() + "." + f.getName());
            }
          }
        }
      }
    }
    assertThat(peers).as("peers running a per-invocation fixture").isEmpty();
  }

  private static @Nullable Level level(Method m) {
    Setup setup = m.getAnnotation(Setup.class);
    if (setup != null) {
      return setup.value();
    }
    TearDown tearDown = m.getAnnotation(TearDown.class);
    return tearDown == null ? null : tearDown.value();
  }
}
