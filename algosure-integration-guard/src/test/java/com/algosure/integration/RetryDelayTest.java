package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The delay before a retry (ProviderRuntime#retryDelay): a rate-limited attempt waits out the provider's time, never
 * less once Failsafe's jitter is applied; anything else leaves the backoff to apply. Read on the guard's clock, so
 * no test waits.
 */
class RetryDelayTest {

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");

  @Test
  void retryDelayWhenRateLimitedUntilLaterThenTheTimeUntilThen() {
    Instant at = clock.instant().plusMillis(300);

    assertThat(ProviderRuntime.retryDelay(AttemptResult.Kind.RATE_LIMITED, at, clock, 0))
        .isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void retryDelayWhenJitterAppliesThenStretchedSoThatTheShortestJitteredDelayIsTheProvidersTime() {
    Instant at = clock.instant().plusMillis(300);

    Duration delay = ProviderRuntime.retryDelay(AttemptResult.Kind.RATE_LIMITED, at, clock, 0.25);

    assertThat(delay).isEqualTo(Duration.ofMillis(400));
    // Failsafe's jitter factor takes off at most a quarter: what is left is still the provider's time
    assertThat(delay.toNanos() * (1 - 0.25)).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
  }

  @Test
  void retryDelayWhenTheRetryTimeIsNowOrPastThenTheBackoffApplies() {
    assertThat(ProviderRuntime.retryDelay(AttemptResult.Kind.RATE_LIMITED, clock.instant(), clock, 0))
        .isEqualTo(ProviderRuntime.BACKOFF);
    assertThat(ProviderRuntime.retryDelay(AttemptResult.Kind.RATE_LIMITED, clock.instant().minusSeconds(1), clock, 0))
        .isEqualTo(ProviderRuntime.BACKOFF);
  }

  @Test
  void retryDelayWhenNotRateLimitedThenTheBackoffApplies() {
    assertThat(ProviderRuntime.retryDelay(AttemptResult.Kind.TRANSIENT, clock.instant().plusSeconds(5), clock, 0))
        .isEqualTo(ProviderRuntime.BACKOFF);
    assertThat(ProviderRuntime.retryDelay(AttemptResult.Kind.RATE_LIMITED, null, clock, 0))
        .isEqualTo(ProviderRuntime.BACKOFF);
  }
}
