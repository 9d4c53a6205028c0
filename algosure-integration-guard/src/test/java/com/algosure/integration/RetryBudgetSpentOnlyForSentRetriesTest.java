package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry budget bounds the retries sent to a provider: a retry the guard itself refuses before sending it (the
 * tenant's rate limit, a pause) put no load on the provider and must not spend the budget that other calls' retries
 * draw on. The budget here allows one retry per window and nothing more (ratio 0).
 */
class RetryBudgetSpentOnlyForSentRetriesTest {

  static final String BASE = "https://api.acme-mail.example";

  GuardFixtures f;
  final AtomicInteger exchanges = new AtomicInteger();
  /** While set, the rate-limit store refuses the next attempt that asks it for a permit, once. */
  final AtomicBoolean refuseNext = new AtomicBoolean();

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  IntegrationGuard guard() {
    RateLimitStore store = RateLimitStore.inMemory();
    RateLimitStore refusing = GuardFixtures.acquiring(store, (key, limit, now) -> refuseNext.compareAndSet(true, false)
        ? new RateLimitDecision.Exhausted(now.plusSeconds(30)) : store.acquire(key, limit, now));
    ProviderPolicy policy = GuardFixtures.provider(BASE).maxAttempts(2).retryBudget(0, 1, Duration.ofMinutes(1))
        .circuitBreaker(10, 10, Duration.ofMinutes(1)).tenantRateLimit(RateLimit.of(1_000, Duration.ofSeconds(1)))
        .build();
    return f.guard(policy).rateLimitStore(refusing).build();
  }

  /** Answers 503 to its first attempt, then 200; the refused retry of the first call is asked for by its 503. */
  ProviderCall<JsonNode> failingOnce(boolean refuseTheRetry) {
    AtomicInteger attempts = new AtomicInteger();
    return ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      if (attempts.incrementAndGet() == 1) {
        refuseNext.set(refuseTheRetry);
        return ProviderResponse.of(503, Map.of(), new byte[0]);
      }
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
  }

  /** Regression: the retry the rate limit refused had spent the window's only retry, so the next call got none. */
  @Test
  void executeWhenTheRateLimitRefusesARetryThenTheRetryBudgetIsNotSpentOnIt() {
    IntegrationGuard guard = guard();

    IntegrationOutcome<JsonNode> limited = guard.execute(request("k-1").build(), failingOnce(true));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-2").build(), failingOnce(false));

    assertThat(limited.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_EXCEEDED);
    assertThat(next.accepted()).as("the window's one retry is still there: %s", next).isTrue();
    assertThat(exchanges).as("503, then 503 and its retry").hasValue(3);
  }

  @Test
  void executeWhenARetryIsSentThenItSpendsTheBudget() {
    IntegrationGuard guard = guard();

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-1").build(), failingOnce(false));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-2").build(), failingOnce(false));

    assertThat(first.accepted()).isTrue();
    assertThat(next.reason()).as("%s", next).isEqualTo(OutcomeReason.RETRY_BUDGET_EXHAUSTED);
    assertThat(exchanges).hasValue(3);
  }
}
