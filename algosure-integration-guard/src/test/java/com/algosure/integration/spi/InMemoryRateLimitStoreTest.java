package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.algosure.testing.MutableClock;
import com.algosure.testing.Race;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The in-memory rate-limit store keeps a key's limiter as long as dropping it could give the key its permits back,
 * and at its bound refuses new keys instead of evicting live limiters.
 *
 * <p>The store's ticker follows the test clock, so moving the clock drops unused limiters; the limiters themselves
 * count on {@code System.nanoTime}, so moving the clock never frees a permit of a limiter that is kept.
 */
class InMemoryRateLimitStoreTest {

  static final RateLimit TWO_AN_HOUR = RateLimit.of(2, Duration.ofHours(1));
  /**
   * How late an unused limiter may still count toward the bound: Caffeine removes an expired entry when its timer
   * wheel next turns past it, up to 2^30 ns (about 1.07 s) after it expired.
   */
  static final Duration REMOVAL_LAG = Duration.ofSeconds(2);

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  final Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());

  static RateLimitKey key(String tenant) {
    return RateLimitKey.of(ProviderId.of("p"), TenantId.of(tenant));
  }

  private InMemoryRateLimitStore store(long maximumKeys) {
    return new InMemoryRateLimitStore(maximumKeys, ticker);
  }

  private RateLimitDecision acquire(InMemoryRateLimitStore s, String tenant, RateLimit limit) {
    return s.acquire(key(tenant), limit, clock.instant());
  }

  /** Regression: limiters unused for an hour were dropped whatever their period, so a day-long limit burst again. */
  @Test
  void acquireWhenADayLongLimitIsUsedUpAndTheKeyIdlesTwoHoursThenStillExhausted() {
    InMemoryRateLimitStore s = store(InMemoryRateLimitStore.DEFAULT_MAXIMUM_KEYS);
    RateLimit threeADay = RateLimit.of(3, Duration.ofDays(1));
    for (int i = 0; i < 3; i++) {
      assertThat(acquire(s, "acme", threeADay)).as("permit %d", i + 1).isSameAs(RateLimitDecision.granted());
    }

    clock.advance(Duration.ofHours(2));

    assertThat(acquire(s, "acme", threeADay)).isInstanceOf(RateLimitDecision.Exhausted.class);
  }

  @Test
  void acquireWhenALimitersPeriodIsLongerThanAnHourThenItIsDroppedOnlyAfterAPeriodUnused() {
    InMemoryRateLimitStore s = store(1);
    RateLimit threeADay = RateLimit.of(3, Duration.ofDays(1));
    acquire(s, "acme", threeADay);

    clock.advance(Duration.ofDays(1).minusMillis(1));
    assertThatThrownBy(() -> acquire(s, "globex", threeADay)).isInstanceOf(RateLimitStoreFullException.class);

    clock.advance(Duration.ofMillis(1).plus(REMOVAL_LAG));
    assertThat(acquire(s, "globex", threeADay)).isSameAs(RateLimitDecision.granted());
  }

  @Test
  void acquireWhenASecondLongLimiterIsUnusedForAnHourThenItIsDroppedAndItsKeyNoLongerCounts() {
    InMemoryRateLimitStore s = store(1);
    RateLimit fiveASecond = RateLimit.of(5, Duration.ofSeconds(1));
    acquire(s, "acme", fiveASecond);

    clock.advance(Duration.ofMinutes(59));
    assertThatThrownBy(() -> acquire(s, "globex", fiveASecond)).as("kept for an hour, however short its period")
        .isInstanceOf(RateLimitStoreFullException.class);

    clock.advance(Duration.ofMinutes(1).plus(REMOVAL_LAG));
    assertThat(acquire(s, "globex", fiveASecond)).isSameAs(RateLimitDecision.granted());
  }

  @Test
  void acquireWhenTheStoreHoldsItsMaximumOfLiveKeysThenANewKeyIsRefusedAndHeldKeysKeepTheirCounts() {
    InMemoryRateLimitStore s = store(3);
    for (String t : List.of("a", "b", "c")) {
      assertThat(acquire(s, t, TWO_AN_HOUR)).as(t).isSameAs(RateLimitDecision.granted());
    }

    assertThatThrownBy(() -> acquire(s, "d", TWO_AN_HOUR))
        .isInstanceOfSatisfying(RateLimitStoreFullException.class, e -> assertThat(e.maximumKeys()).isEqualTo(3))
        .hasMessageContaining("maximum of 3 live keys")
        .hasMessageContaining("rather than evicting a live limiter")
        .hasMessageContaining("raise maximumKeys (RateLimitStore.inMemory(maximumKeys), in Spring algosure.rate-limit.maximum-keys)")
        .hasMessageContaining("use the Redis store");

    for (String t : List.of("a", "b", "c")) {
      assertThat(acquire(s, t, TWO_AN_HOUR)).as(t).isSameAs(RateLimitDecision.granted());
      assertThat(acquire(s, t, TWO_AN_HOUR)).as(t).isInstanceOf(RateLimitDecision.Exhausted.class);
    }

    clock.advance(Duration.ofHours(1).plus(REMOVAL_LAG));

    assertThat(acquire(s, "d", TWO_AN_HOUR)).isSameAs(RateLimitDecision.granted());
  }

  @Test
  void acquireWhenTheStoreIsFullThenAHeldKeyWhoseLimitChangedIsNotRefused() {
    InMemoryRateLimitStore s = store(1);
    acquire(s, "acme", TWO_AN_HOUR);

    assertThat(acquire(s, "acme", RateLimit.of(1, Duration.ofHours(1)))).isSameAs(RateLimitDecision.granted());
    assertThat(acquire(s, "acme", RateLimit.of(1, Duration.ofHours(1)))).isInstanceOf(RateLimitDecision.Exhausted.class);
  }

  /** Regression: at its bound the store used to evict live limiters (Caffeine's maximumSize), resetting their counts. */
  @Test
  void usedUpKeysAreNeverGivenTheirPermitsBackWhenMoreKeysArrive() {
    InMemoryRateLimitStore s = store(100);
    RateLimit oneAnHour = RateLimit.of(1, Duration.ofHours(1));
    List<String> granted = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      try {
        assertThat(acquire(s, "t-" + i, oneAnHour)).isSameAs(RateLimitDecision.granted());
        granted.add("t-" + i);
      } catch (RateLimitStoreFullException e) {
        // refused: the store is at its bound
      }
    }

    for (String tenant : granted) {
      assertThat(acquire(s, tenant, oneAnHour)).as(tenant).isInstanceOf(RateLimitDecision.Exhausted.class);
    }
    assertThat(granted).hasSize(100);
  }

  @Test
  void acquireWhenThreadsRaceForTheLastRoomThenTheBoundHoldsWithinOneKeyAThreadAndNoHeldKeyIsReset() throws Exception {
    int threads = 8;
    int keysEach = 1_000;
    int bound = 2_000;
    InMemoryRateLimitStore s = store(bound);
    RateLimit oneAnHour = RateLimit.of(1, Duration.ofHours(1));
    List<String> granted = Race.gather(threads, thread -> {
      List<String> mine = new ArrayList<>();
      for (int i = 0; i < keysEach; i++) {
        String tenant = "t" + thread + "-" + i;
        try {
          if (acquire(s, tenant, oneAnHour) instanceof RateLimitDecision.Granted) {
            mine.add(tenant);
          }
        } catch (RateLimitStoreFullException full) {
          // refused: the store is at its bound
        }
      }
      return mine;
    });

    assertThat(granted.size()).isBetween(bound, bound + threads);
    for (String tenant : granted) {
      assertThat(acquire(s, tenant, oneAnHour)).as(tenant).isInstanceOf(RateLimitDecision.Exhausted.class);
    }
  }

  @Test
  void inMemoryWhenMaximumKeysBelowOneThenRejected() {
    assertThatThrownBy(() -> RateLimitStore.inMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maximumKeys must be at least 1, was 0");
  }

  @Test
  void maximumKeysReportsTheBoundTheStoreWasMadeWith() {
    assertThat(RateLimitStore.inMemory().maximumKeys()).isEqualTo(100_000);
    assertThat(RateLimitStore.inMemory(7).maximumKeys()).isEqualTo(7);
  }

  /**
   * Regression: an exhausted key was told to retry after one permit's share of the period (here 200 ms), but a
   * bursty limiter gives permits back only when its next period starts (here 400 ms after it was built), so a
   * caller retrying at that time was refused again. Runs on real time: the limiter counts on System.nanoTime.
   */
  @Test
  void acquireWhenExhaustedThenRetryAtIsWhenThePermitsAreBackAndNoLaterThanAPeriod() throws InterruptedException {
    InMemoryRateLimitStore s = store(InMemoryRateLimitStore.DEFAULT_MAXIMUM_KEYS);
    RateLimit twoPer400Ms = RateLimit.of(2, Duration.ofMillis(400));
    long start = System.nanoTime();
    assertThat(acquire(s, "acme", twoPer400Ms)).isSameAs(RateLimitDecision.granted());
    assertThat(acquire(s, "acme", twoPer400Ms)).isSameAs(RateLimitDecision.granted());
    java.time.Instant asked = clock.instant();

    RateLimitDecision refused = acquire(s, "acme", twoPer400Ms);
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(refused).isInstanceOf(RateLimitDecision.Exhausted.class);
    Duration wait = Duration.between(asked, ((RateLimitDecision.Exhausted) refused).retryAt());
    assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMillis(400));
    if (elapsedMillis < 150) { // the usual case; on a machine that stalled longer, only the retry below is checked
      assertThat(wait).as("the wait runs to the end of the period, not one permit's share of it")
          .isGreaterThan(Duration.ofMillis(400 - 150 - 1));
    }
    Thread.sleep(wait.toMillis() + 1);
    assertThat(acquire(s, "acme", twoPer400Ms)).as("a retry at the time given").isSameAs(RateLimitDecision.granted());
  }
}
