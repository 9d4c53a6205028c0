package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
  void retryAfterAcceptsSecondsAndHttpDatesAndCapsAbsurdValues() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");

    assertThat(RetryAfter.parse("2", now)).contains(now.plusSeconds(2));
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 10:01:00 GMT", now)).contains(now.plusSeconds(60));
    assertThat(RetryAfter.parse("99999999999", now)).contains(now.plusSeconds(86_400));
    assertThat(RetryAfter.parse("Mon, 23 Nov 2026 09:00:00 GMT", now)).contains(now);
    assertThat(RetryAfter.parse("soon", now)).isEmpty();
  }
}
