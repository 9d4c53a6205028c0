package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.testing.MutableClock;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The in-memory rate-limit store keeps a key's limiter as long as dropping it could give the key its permits back.
 *
 * <p>The store's ticker follows the test clock, so moving the clock drops unused limiters; the limiters themselves
 * count on {@code System.nanoTime}, so moving the clock never frees a permit of a limiter that is kept.
 */
class InMemoryRateLimitStoreTest {

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  final Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());

  static RateLimitKey key(String tenant) {
    return RateLimitKey.of(ProviderId.of("p"), TenantId.of(tenant));
  }

  private InMemoryRateLimitStore store() {
    return new InMemoryRateLimitStore(ticker);
  }

  private RateLimitDecision acquire(InMemoryRateLimitStore s, String tenant, RateLimit limit) {
    return s.acquire(key(tenant), limit, clock.instant());
  }

  /** Regression: limiters unused for an hour were dropped whatever their period, so a day-long limit burst again. */
  @Test
  void acquireWhenADayLongLimitIsUsedUpAndTheKeyIdlesTwoHoursThenStillExhausted() {
    InMemoryRateLimitStore s = store();
    RateLimit threeADay = RateLimit.of(3, Duration.ofDays(1));
    for (int i = 0; i < 3; i++) {
      assertThat(acquire(s, "acme", threeADay)).as("permit %d", i + 1).isSameAs(RateLimitDecision.granted());
    }

    clock.advance(Duration.ofHours(2));

    assertThat(acquire(s, "acme", threeADay)).isInstanceOf(RateLimitDecision.Exhausted.class);
  }
}
