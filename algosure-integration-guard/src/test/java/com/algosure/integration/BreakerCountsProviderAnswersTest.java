package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.failsafe.CircuitBreaker;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider's circuit breaker hears only what the provider did. A call the guard refuses before sending (its rate
 * limit, an audit sink that fails on the request) says nothing of the provider's health: it must
 * neither dilute the failures of a closed breaker nor close a breaker that waits for its half-open trial; and a
 * trial the guard took but could not send must not leave the breaker waiting for it.
 */
class BreakerCountsProviderAnswersTest {

  static final String BASE = "https://api.acme-mail.example";
  /** How long the breakers of the half-open tests stay open: Failsafe measures it on System.nanoTime. */
  static final Duration OPEN_FOR = Duration.ofMillis(500);

  GuardFixtures f;
  final AtomicInteger exchanges = new AtomicInteger();
  /** How many rate-limit permits the attempts asked the store for. */
  final AtomicInteger permitsAsked = new AtomicInteger();
  /** While set, the rate-limit store has no permit left for the tenant × provider key. */
  final AtomicBoolean exhausted = new AtomicBoolean();
  /** While set, the audit sink fails on the request's SENDING event. */
  final AtomicBoolean auditFails = new AtomicBoolean();
  /** Counted down when the audit sink is about to fail; it fails once {@link #auditRelease} is open. */
  final CountDownLatch auditFailing = new CountDownLatch(1);
  volatile CountDownLatch auditRelease = new CountDownLatch(0);

  /**
   * @return the call "k-trial", started on another thread and held in its exchange (the breaker's trial while it is
   *     half-open) until {@code release} opens; it answers 200 then
   */
  CompletableFuture<IntegrationOutcome<JsonNode>> trialUnderWay(IntegrationGuard guard, CountDownLatch release)
      throws InterruptedException {
    CountDownLatch inTrial = new CountDownLatch(1);
    CompletableFuture<IntegrationOutcome<JsonNode>> trial = CompletableFuture.supplyAsync(() -> guard.execute(
        request("k-trial").build(), ProviderCall.of(ctx -> {
          exchanges.incrementAndGet();
          inTrial.countDown();
          release.await(10, TimeUnit.SECONDS);
          return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
        }, JsonValidator.builder().require("id", JsonType.STRING).build())));
    assertThat(inTrial.await(10, TimeUnit.SECONDS)).isTrue();
    return trial;
  }

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  IntegrationGuard guard(int failures, int window, Duration openFor) {
    RateLimitStore store = RateLimitStore.inMemory();
    RateLimitStore pausable = GuardFixtures.acquiring(store, (key, limit, now) -> {
      permitsAsked.incrementAndGet();
      return exhausted.get() ? new RateLimitDecision.Exhausted(now.plusSeconds(30)) : store.acquire(key, limit, now);
    });
    ProviderPolicy policy = GuardFixtures.provider(BASE).maxAttempts(1).circuitBreaker(failures, window, openFor)
        .tenantRateLimit(RateLimit.of(1_000, Duration.ofSeconds(1))).build();
    return IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(policy).clock(f.clock).auditSink(e -> {
      if (auditFails.get() && e.type() == AuditEventType.INTEGRATION_REQUEST) {
        auditFailing.countDown();
        try {
          auditRelease.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("audit sink down");
      }
      f.audit.record(e);
    }).rateLimitStore(pausable).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency)
        .escalations(f.escalations).evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp()).build();
  }

  ProviderCall<JsonNode> answering(int status) {
    return ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(status, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
  }

  IntegrationOutcome<JsonNode> refusedByRateLimit(IntegrationGuard guard, String key) {
    exhausted.set(true);
    IntegrationOutcome<JsonNode> out = guard.execute(request(key).build(), answering(200));
    exhausted.set(false);
    assertThat(out.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_EXCEEDED);
    return out;
  }

  IntegrationOutcome<JsonNode> refusedByAudit(IntegrationGuard guard, String key) {
    auditFails.set(true);
    IntegrationOutcome<JsonNode> out = guard.execute(request(key).build(), answering(200));
    auditFails.set(false);
    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    return out;
  }

  @Test
  void executeWhenTheRateLimitRefusesACallBetweenTwoProviderFailuresThenTheBreakerStillOpens() {
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));

    guard.execute(request("k-1").build(), answering(503));
    refusedByRateLimit(guard, "k-limited");
    guard.execute(request("k-2").build(), answering(503));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.reason()).as("2 of the provider's last 2 answers failed: %s", next).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(exchanges).as("the third call was not sent").hasValue(2);
  }

  @Test
  void executeWhenTheAuditSinkRefusesACallBetweenTwoProviderFailuresThenTheBreakerStillOpens() {
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));

    guard.execute(request("k-1").build(), answering(503));
    refusedByAudit(guard, "k-unaudited");
    guard.execute(request("k-2").build(), answering(503));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.reason()).as("2 of the provider's last 2 answers failed: %s", next).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTwoCallsEndInAnUnknownStateThenTheBreakerOpens() {
    // sent, then the connection reset: escalated, and a failure of the provider as far as the breaker goes
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));
    ProviderCall<JsonNode> reset = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      throw new java.io.IOException("connection reset");
    }, JsonValidator.builder().build());

    assertThat(guard.execute(request("k-1").build(), reset).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(guard.execute(request("k-2").build(), reset).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.reason()).as("%s", next).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTheProviderRefusesRequestsWith4xxThenTheBreakerStaysClosed() {
    // a 400 is the request's fault, not the provider's health
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));

    assertThat(guard.execute(request("k-1").build(), answering(400)).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
    assertThat(guard.execute(request("k-2").build(), answering(422)).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.accepted()).as("%s", next).isTrue();
    assertThat(exchanges).hasValue(3);
  }

  @Test
  void executeWhenTheProviderAnswers429BetweenTwoFailuresThenItCountsAsAnAnswerAndTheBreakerStaysClosed() {
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));
    ProviderCall<JsonNode> throttled = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      // Retry-After 0: the tenant is not left paused for the next call
      return ProviderResponse.of(429, Map.of("Retry-After", java.util.List.of("0")), new byte[0]);
    }, JsonValidator.builder().build());

    guard.execute(request("k-1").build(), answering(503));
    assertThat(guard.execute(request("k-429").build(), throttled).reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    guard.execute(request("k-2").build(), answering(503));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.accepted()).as("1 of the provider's last 2 answers failed: %s", next).isTrue();
    assertThat(exchanges).hasValue(4);
  }

  @Test
  void executeWhenTheProviderAnswersTooMuchBetweenTwoFailuresThenItCountsAsAnAnswerAndTheBreakerStaysClosed() {
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));
    ProviderCall<JsonNode> tooLarge = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(200, Map.of(), new byte[1024 * 1024 + 1]); // over the default 1 MiB limit
    }, JsonValidator.builder().build());

    guard.execute(request("k-1").build(), answering(503));
    assertThat(guard.execute(request("k-large").build(), tooLarge).reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
    guard.execute(request("k-2").build(), answering(503));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.accepted()).as("1 of the provider's last 2 answers failed: %s", next).isTrue();
    assertThat(exchanges).hasValue(4);
  }

  @Test
  void executeWhenACallFailsBeforeSendingBetweenTwoProviderFailuresThenTheBreakerStillOpens() {
    // the host's exchange refused its own request before sending (a bad argument): the provider said nothing
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));
    ProviderCall<JsonNode> refusedBeforeSending = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) {
        throw new IllegalArgumentException("no such template");
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().build();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    guard.execute(request("k-1").build(), answering(503));
    assertThat(guard.execute(request("k-bad").build(), refusedBeforeSending).reason()).isEqualTo(OutcomeReason.CALL_FAILED);
    guard.execute(request("k-2").build(), answering(503));
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.reason()).as("2 of the provider's last 2 answers failed: %s", next).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTheBreakerIsOpenThenTheRefusedCallSpendsNoRateLimitPermit() {
    IntegrationGuard guard = guard(2, 2, Duration.ofMinutes(1));
    guard.execute(request("k-1").build(), answering(503));
    guard.execute(request("k-2").build(), answering(503));
    int asked = permitsAsked.get();

    IntegrationOutcome<JsonNode> refused = guard.execute(request("k-3").build(), answering(200));

    assertThat(refused.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(asked).as("each sent attempt took its permit").isEqualTo(2);
    assertThat(permitsAsked).as("the refused call took none of the tenant's permits").hasValue(asked);
  }

  @Test
  void executeWhenTheRateLimitRefusesTheFirstCallAfterTheOpenTimeThenTheBreakerWaitsForARealTrial() throws Exception {
    IntegrationGuard guard = guard(1, 1, OPEN_FOR);
    guard.execute(request("k-1").build(), answering(503));
    Thread.sleep(OPEN_FOR.toMillis() + 100);

    refusedByRateLimit(guard, "k-limited");
    // the breaker is still waiting for its one trial: a call that holds it keeps every other call out
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<IntegrationOutcome<JsonNode>> trial = trialUnderWay(guard, release);
    IntegrationOutcome<JsonNode> during;
    try {
      during = guard.execute(request("k-during").build(), answering(200));
    } finally {
      release.countDown();
    }

    assertThat(during.reason()).as("the refusal closed the breaker: %s", during).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(trial.get(10, TimeUnit.SECONDS).accepted()).isTrue();
    assertThat(exchanges).as("the 503 and the trial").hasValue(2);
    assertThat(guard.execute(request("k-after").build(), answering(200)).accepted()).as("the trial closed it").isTrue();
  }

  @Test
  void executeWhenTheAuditSinkRefusesTheHalfOpenTrialThenTheTrialCountsAsFailedAndTheBreakerRecoversLater()
      throws Exception {
    IntegrationGuard guard = guard(1, 1, OPEN_FOR);
    guard.execute(request("k-1").build(), answering(503));
    Thread.sleep(OPEN_FOR.toMillis() + 100);

    refusedByAudit(guard, "k-unaudited");
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-2").build(), answering(200));
    Thread.sleep(OPEN_FOR.toMillis() + 100);
    IntegrationOutcome<JsonNode> later = guard.execute(request("k-3").build(), answering(200));

    assertThat(next.reason()).as("the unsent trial closed the breaker: %s", next).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(later.accepted()).as("the breaker still waits for the unsent trial: %s", later).isTrue();
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenAnAttemptTakenWhileClosedIsRefusedAfterTheBreakerHalfOpenedThenTheRefusalDoesNotFailTheTrial()
      throws Exception {
    IntegrationGuard guard = guard(1, 1, Duration.ofMinutes(1));
    CircuitBreaker<?> breaker = breakerOf(guard);
    auditRelease = new CountDownLatch(1);
    auditFails.set(true);
    CompletableFuture<IntegrationOutcome<JsonNode>> slow =
        CompletableFuture.supplyAsync(() -> guard.execute(request("k-slow").build(), answering(200)));
    assertThat(auditFailing.await(10, TimeUnit.SECONDS)).isTrue();
    // while its audit sink is slow, the breaker opens (other calls failed) and its open time passes
    breaker.open();
    breaker.halfOpen();
    auditFails.set(false);
    auditRelease.countDown();

    assertThat(slow.get(10, TimeUnit.SECONDS).reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(breaker.isHalfOpen()).as("the attempt held no trial of the half-open breaker, yet failed it").isTrue();
    IntegrationOutcome<JsonNode> trial = guard.execute(request("k-trial").build(), answering(200));
    assertThat(trial.accepted()).as("the breaker's trial: %s", trial).isTrue();
    assertThat(exchanges).hasValue(1);
    assertThat(breaker.isClosed()).isTrue();
  }

  /**
   * Regression: while a half-open breaker's trials were all under way, every other call took the tenant's rate-limit
   * permits and was then refused by the breaker without reaching the provider, so the tenant's budget drained while
   * the provider was down.
   */
  @Test
  void executeWhenTheHalfOpenBreakersTrialIsUnderWayThenARefusedCallSpendsNoRateLimitPermit() throws Exception {
    IntegrationGuard guard = guard(1, 1, Duration.ofMinutes(1));
    CircuitBreaker<?> breaker = breakerOf(guard);
    breaker.open();
    breaker.halfOpen();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<IntegrationOutcome<JsonNode>> trial = trialUnderWay(guard, release);
    int asked = permitsAsked.get();
    IntegrationOutcome<JsonNode> refused;
    try {
      refused = guard.execute(request("k-during").build(), answering(200));
    } finally {
      release.countDown();
    }

    assertThat(refused.reason()).as("%s", refused).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(asked).as("the trial took its permit").isEqualTo(1);
    assertThat(permitsAsked).as("the refused call took none of the tenant's permits").hasValue(asked);
    assertThat(trial.get(10, TimeUnit.SECONDS).accepted()).isTrue();
    assertThat(breaker.isClosed()).as("the trial closed it").isTrue();
    assertThat(guard.execute(request("k-after").build(), answering(200)).accepted()).isTrue();
  }

  /** The guard's count of a half-open breaker's trials is the count Failsafe's half-open breaker permits at once. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"1,1", "2,2", "5,10", "3,7"})
  void halfOpenTrialsIsHowManyPermitsTheHalfOpenBreakerGives(int failures, int window) {
    CircuitBreaker<Object> breaker = CircuitBreaker.builder().withFailureThreshold(failures, window)
        .withDelay(Duration.ofMinutes(1)).build();
    breaker.open();
    breaker.halfOpen();
    int permits = 0;
    while (permits <= window && breaker.tryAcquirePermit()) {
      permits++;
    }

    assertThat(ProviderRuntime.halfOpenTrials(breaker.getConfig())).isEqualTo(permits).isPositive();
  }

  /** The breaker of the guard's one provider, for a test that moves it as time and other calls would. */
  static CircuitBreaker<?> breakerOf(IntegrationGuard guard) throws ReflectiveOperationException {
    Field providers = IntegrationGuard.class.getDeclaredField("providers");
    providers.setAccessible(true);
    Map<?, ?> byId = (Map<?, ?>) providers.get(guard);
    return ((ProviderRuntime) byId.values().iterator().next()).primary.breaker;
  }
}
