package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.testing.Clocks;
import com.algosure.testing.MutableClock;
import java.time.Clock;
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

    assertThat(retriesGranted(budget, 20)).isEqualTo(4); // 20 % of 20 calls
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

    // lock-free counting lost nothing
    assertThat(retriesGranted(budget, threads * callsEach)).isEqualTo(threads * callsEach / 2);
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

  /**
   * Regression: a thread that read the time, then stalled (a GC pause, a descheduled thread) for a whole window before
   * counting its call, found its bucket counting a newer tenth and started it again for its own old one, which wiped
   * the retries other threads had spent since; the next retry then started it once more and was granted anew.
   */
  @Test
  void callCountedByAThreadStalledSinceItReadTheTimeThenSpentRetriesStaySpent() throws Exception {
    CountDownLatch read = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    Thread[] stalled = new Thread[1];
    Clock stalling = Clocks.answering(() -> {
      Instant now = clock.instant();
      if (Thread.currentThread() == stalled[0]) {
        read.countDown();
        try {
          resume.await(); // the time was read; the thread resumes a window later
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return now;
    });
    RetryBudget budget = new RetryBudget(0.0, 1, Duration.ofSeconds(10), stalling);
    Thread t = new Thread(budget::recordCall);
    stalled[0] = t;
    t.start();
    assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();

    clock.advance(Duration.ofSeconds(10)); // the same bucket, a whole window later
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();
    resume.countDown();
    t.join(10_000);

    assertThat(budget.tryRetry()).as("the retry spent in this window").isFalse();
  }

  /** Regression: a wall clock stepped back a whole window started the current bucket again, and spent retries with it. */
  @Test
  void clockSteppedBackAWindowThenSpentRetriesStaySpent() {
    RetryBudget budget = new RetryBudget(0.0, 1, Duration.ofSeconds(10), clock);
    assertThat(budget.tryRetry()).isTrue();
    assertThat(budget.tryRetry()).isFalse();

    clock.advance(Duration.ofSeconds(-10));
    budget.recordCall();

    assertThat(budget.tryRetry()).isFalse();
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

  @Test
  void retryAfterWhenDeltaSecondsHaveLeadingZerosThenTheyCountForNothing() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(RetryAfter.parse("0000300", now)).contains(now.plusSeconds(300));
    assertThat(RetryAfter.parse("000000000000000000000000120", now)).contains(now.plusSeconds(120));
    assertThat(RetryAfter.parse("0000000", now)).contains(now);
    assertThat(RetryAfter.parse("00001234567", now)).contains(now.plusSeconds(86_400)); // still capped at a day
  }

  @Test
  void retryAfterAcceptsTheObsoleteRfc850AndAsctimeDatesThatRfc9110RequiresRecipientsToAccept() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(RetryAfter.parse("Monday, 23-Nov-26 10:01:00 GMT", now)).contains(now.plusSeconds(60));
    assertThat(RetryAfter.parse("Tuesday, 24-Nov-26 09:00:00 GMT", now)).contains(now.plus(Duration.ofHours(23)));
    assertThat(RetryAfter.parse("Mon Nov 23 10:01:00 2026", now)).contains(now.plusSeconds(60));
    assertThat(RetryAfter.parse("Tue Nov 24 09:00:00 2026", now)).contains(now.plus(Duration.ofHours(23)));
    assertThat(RetryAfter.parse("Tue Dec  1 09:00:00 2026", now)).contains(now.plusSeconds(86_400)); // capped
    assertThat(RetryAfter.parse("monday, 23-nov-26 10:01:00 gmt", now)).contains(now.plusSeconds(60));
    // RFC 9110's own examples, on their day
    Instant then = Instant.parse("1994-11-06T08:00:00Z");
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", then)).contains(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", then)).contains(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", then)).contains(Instant.parse("1994-11-06T08:49:37Z"));
  }

  @Test
  void retryAfterRfc850YearMoreThanFiftyYearsAheadIsThePastCentury() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    // exactly 50 years ahead is still ahead (2076, a Monday): capped at a day
    assertThat(RetryAfter.parse("Monday, 23-Nov-76 10:00:00 GMT", now)).contains(now.plusSeconds(86_400));
    // a second more is the past century (1976, a Tuesday): already passed
    assertThat(RetryAfter.parse("Tuesday, 23-Nov-76 10:00:01 GMT", now)).contains(now);
    // the day names pin the year: 2076-11-23 10:00:01 is not a Tuesday, 1976-11-23 is not a Monday
    assertThat(RetryAfter.parse("Monday, 23-Nov-76 10:00:01 GMT", now)).isEmpty();
    assertThat(RetryAfter.parse("Tuesday, 23-Nov-76 10:00:00 GMT", now)).isEmpty();
    // late in a century, a small two-digit year is the next century's: from 2094, 00 is 2100 (a Friday), not 2000
    Instant late = Instant.parse("2094-01-01T00:00:00Z");
    assertThat(RetryAfter.parse("Friday, 01-Jan-00 00:00:00 GMT", late)).contains(late.plusSeconds(86_400));
    assertThat(RetryAfter.parse("Saturday, 01-Jan-00 00:00:00 GMT", late)).isEmpty();
  }

  @Test
  void retryAfterRejectsMalformedObsoleteDates() {
    Instant now = Instant.parse("1994-11-06T08:00:00Z");

    assertThat(RetryAfter.parse("Monday, 06-Nov-94 08:49:37 GMT", now)).isEmpty(); // a Sunday
    assertThat(RetryAfter.parse("Sunday, 31-Feb-94 08:49:37 GMT", now)).isEmpty();
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 24:00:00 GMT", now)).isEmpty();
    assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 UTC", now)).isEmpty();
    assertThat(RetryAfter.parse("Sunday, 6-Nov-94 08:49:37 GMT", now)).isEmpty();
    assertThat(RetryAfter.parse("Sun Nov 6 08:49:37 1994", now)).isEmpty(); // a one-digit day is padded with a space
    assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 94", now)).isEmpty();
    assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994 GMT", now)).isEmpty();
    assertThat(RetryAfter.parse("Sun Nvb  6 08:49:37 1994", now)).isEmpty();
  }

  /**
   * @return how many retries the budget grants in a row, asking at most {@code max} times: a budget that never refuses
   *     answers {@code max}, and the test fails rather than loop for ever
   */
  private static int retriesGranted(RetryBudget budget, int max) {
    int granted = 0;
    while (granted < max && budget.tryRetry()) {
      granted++;
    }
    return granted;
  }
}
