package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry budget (ours: Failsafe has none) and the Retry-After parser. */
class RetryBudgetTest {

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

  @Test
  void retriesAreAtMostTheRatioOfRecentCallsButTheMinimumIsAlwaysAllowed() {
    RetryBudget budget = new RetryBudget(0.2, 2, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 20; i++) {
      budget.recordCall();
    }

    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
    }

    assertThat(allowed).isEqualTo(4); // 20 % of 20 calls
  }

  @Test
  void withFewCallsTheMinimumApplies() {
    RetryBudget budget = new RetryBudget(0.2, 2, Duration.ofSeconds(10), clock);
    budget.recordCall();

    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
  }

  @Test
  void spentRetriesAgeOutOfTheWindow() {
    RetryBudget budget = new RetryBudget(0.0, 1, Duration.ofSeconds(10), clock);
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();

    clock.advance(Duration.ofSeconds(11));

    assertThat(budget.tryRetry()).isTrue();
  }

  @Test
  void callsCountedFromManyThreadsAtOnceAreAllCounted() throws Exception {
    RetryBudget budget = new RetryBudget(0.5, 0, Duration.ofSeconds(10), clock);
    int threads = 8;
    int callsEach = 20_000;
    runConcurrently(threads, () -> {
      for (int i = 0; i < callsEach; i++) {
        budget.recordCall();
      }
    });

    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
    }

    assertThat(allowed).isEqualTo(threads * callsEach / 2); // lock-free counting lost nothing
  }

  @Test
  void retriesRacingForTheLastOfTheBudgetAreGrantedExactlyTheBudget() throws Exception {
    RetryBudget budget = new RetryBudget(0.1, 0, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 1_000; i++) {
      budget.recordCall();
    }
    AtomicInteger granted = new AtomicInteger();
    runConcurrently(8, () -> {
      for (int i = 0; i < 1_000; i++) {
        if (budget.tryRetry()) {
          granted.incrementAndGet();
        }
      }
    });

    assertThat(granted).hasValue(100);
  }

  @Test
  void callsAndRetriesRacingAcrossBucketsNeverGrantMoreThanTheWindowAllows() throws Exception {
    RetryBudget budget = new RetryBudget(0.2, 5, Duration.ofSeconds(10), clock);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    runConcurrently(4, () -> {
      for (int i = 0; i < 5_000; i++) {
        budget.recordCall();
        calls.incrementAndGet();
        if (i % 100 == 0) {
          clock.advance(Duration.ofMillis(100)); // new buckets start while others count (within one window)
        }
        if (budget.tryRetry()) {
          granted.incrementAndGet();
        }
      }
    });

    assertThat(granted.get()).isPositive().isLessThanOrEqualTo(Math.max(5, (int) (0.2 * calls.get())));
  }

  private static void runConcurrently(int threads, Runnable task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          go.await();
          task.run();
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDatesAndCapsAbsurdValues() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(RetryAfter.parse("2", now)).contains(now.plusSeconds(2));
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:01:00 GMT", now)).contains(now.plusSeconds(60));
    assertThat(RetryAfter.parse("99999999999", now)).contains(now.plusSeconds(86_400));
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:00 GMT", now)).contains(now);
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
  }
}
