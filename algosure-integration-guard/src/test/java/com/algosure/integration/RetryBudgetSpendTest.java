package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retry budget is spent only for a retry that is then made: Failsafe evaluates the abort condition (which asks
 * the budget) also when it then stops retrying for another reason (the maximum retry duration passed, or the breaker
 * opened and refuses the retry), and a token spent for such a retry is one the provider's other calls lack. The
 * budget here allows one retry per minute (ratio 0, minimum 1).
 */
class RetryBudgetSpendTest {

  GuardFixtures f;
  final AtomicInteger exchanges = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  static ProviderPolicy.Builder provider() {
    return ProviderPolicy.builder(GuardFixtures.PROVIDER).endpoint(URI.create("https://api.acme-mail.example/v1/"))
        .action(GuardFixtures.SEND, ConsentScope.MAIL).secret(GuardFixtures.SECRET_REF)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).maxAttempts(3).retryBudget(0.0, 1, Duration.ofMinutes(1));
  }

  /** Answers the statuses in turn (a 200 with an id), each after {@code takes}. */
  ProviderCall<JsonNode> answering(Duration takes, int... statuses) {
    return ProviderCall.of(ctx -> {
      int status = statuses[Math.min(exchanges.getAndIncrement(), statuses.length - 1)];
      Thread.sleep(takes.toMillis());
      return ProviderResponse.of(status, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
  }

  @Test
  void executeWhenTheLastAttemptFailsThenNoRetryIsAskedOfTheBudgetAndTheCallEndsAsRetriesExhausted() {
    // a budget of one retry: the first failure's retry spends it; the last attempt's failure asks no retry of it
    IntegrationGuard guard = f.guard(ProviderPolicy.builder(GuardFixtures.PROVIDER)
        .endpoint(URI.create("https://api.acme-mail.example/v1/")).action(GuardFixtures.SEND, ConsentScope.MAIL)
        .secret(GuardFixtures.SECRET_REF).backoff(Duration.ofMillis(5), Duration.ofMillis(20)).maxAttempts(2)
        .retryBudget(0.0, 1, Duration.ofMinutes(1)).build()).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-last").build(), answering(Duration.ZERO, 503));

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTheMaxRetryDurationHasPassedThenNoRetryIsMadeAndNoneOfTheBudgetIsSpent() {
    // the first call's audit sink takes longer than the maximum retry duration (the attempt itself is quick)
    java.util.concurrent.atomic.AtomicBoolean slowSink = new java.util.concurrent.atomic.AtomicBoolean(true);
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(provider().attemptTimeout(Duration.ofMillis(50)).maxRetryDuration(Duration.ofMillis(50)).build())
        .clock(f.clock).auditSink(e -> {
          f.audit.record(e);
          if (slowSink.get() && e.type() == com.algosure.audit.AuditEventType.INTEGRATION_REQUEST) {
            try {
              Thread.sleep(80);
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
        }).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency).escalations(f.escalations)
        .evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp()).build();

    IntegrationOutcome<JsonNode> slow = guard.execute(request("k-slow").build(), answering(Duration.ZERO, 503));
    slowSink.set(false);
    int slowExchanges = exchanges.getAndSet(0);
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-next").build(), answering(Duration.ZERO, 503, 200));

    assertThat(slow.reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    assertThat(slowExchanges).isEqualTo(1);
    assertThat(next.accepted()).as("the budget's one retry was never made: %s", next).isTrue();
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTheBreakerOpensOnAnAttemptThenTheRetryItRefusesSpendsNoneOfTheBudget() throws Exception {
    IntegrationGuard guard = f.guard(provider().circuitBreaker(2, 2, Duration.ofMillis(200)).build()).build();

    // a 500 (not retried) and a 503 open the breaker, which refuses the 503's retry
    guard.execute(request("k-500").build(), answering(Duration.ZERO, 500));
    exchanges.set(0);
    IntegrationOutcome<JsonNode> opened = guard.execute(request("k-503").build(), answering(Duration.ZERO, 503));
    Thread.sleep(300); // the breaker half-opens; a success closes it
    exchanges.set(0);
    IntegrationOutcome<JsonNode> trial = guard.execute(request("k-trial").build(), answering(Duration.ZERO, 200));
    exchanges.set(0);
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-next").build(), answering(Duration.ZERO, 503, 200));

    assertThat(opened.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(trial.accepted()).isTrue();
    assertThat(next.accepted()).as("the budget's one retry was never made: %s", next).isTrue();
    assertThat(exchanges).hasValue(2);
  }
}
