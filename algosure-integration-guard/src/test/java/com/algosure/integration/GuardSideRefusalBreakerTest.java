package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An attempt the guard itself refuses before sending anything (its idempotency claim would run out, its enforcing
 * client refuses the host, its own ticker fails) after an earlier attempt of the call may have been sent is escalated
 * as an unknown state, but the provider did nothing: its circuit breaker must not count it as the provider's failure.
 * The breaker here opens at 2 failures of 2 attempts, so the earlier attempt's 503 alone leaves it closed.
 */
class GuardSideRefusalBreakerTest {

  static final String BASE = "https://api.acme-mail.example";

  GuardFixtures f;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicInteger exchanges = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  /** The claim holds maxRetryDuration (15 s) + attemptTimeout (2 s) + 1 min = 77 s. */
  IntegrationGuard guard(AuditSink audit) {
    ProviderPolicy policy = GuardFixtures.provider(BASE).attemptTimeout(Duration.ofSeconds(2))
        .idempotencyTtl(Duration.ofSeconds(1)).maxAttempts(3).circuitBreaker(2, 2, Duration.ofMinutes(1)).build();
    return builder(policy, audit).ticker(nanos::get).build();
  }

  IntegrationGuard.Builder builder(ProviderPolicy policy, AuditSink audit) {
    return IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(policy).clock(f.clock).auditSink(audit)
        .consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency).escalations(f.escalations)
        .evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp());
  }

  static ProviderResponse answer(int status, String body) {
    return ProviderResponse.of(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  static final JsonValidator ID = JsonValidator.builder().require("id", JsonType.STRING).build();

  /** Answers 503 to its first attempt; then does what {@code retry} does. */
  ProviderCall<JsonNode> failingOnceThen(ProviderExchange retry) {
    return ProviderCall.of(ctx -> exchanges.incrementAndGet() == 1 ? answer(503, "") : retry.exchange(ctx), ID);
  }

  ProviderCall<JsonNode> ok() {
    return ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return answer(200, "{\"id\":\"msg-1\"}");
    }, ID);
  }

  void assertNextCallStillGoesThrough(IntegrationGuard guard) {
    IntegrationOutcome<JsonNode> next = guard.execute(request("k-next").build(), ok());
    assertThat(next.accepted()).as("the provider answered one 503 of 2 attempts: %s", next).isTrue();
  }

  @Test
  void executeWhenTheClaimWouldRunOutBeforeARetryThenTheRefusalDoesNotOpenTheProvidersBreaker() {
    // the steps around the retry (here, its audit) outlast the claim
    IntegrationGuard guard = guard(e -> {
      f.audit.record(e);
      if (e.type() == AuditEventType.INTEGRATION_RETRY) {
        nanos.addAndGet(Duration.ofSeconds(80).toNanos());
      }
    });

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-claim").build(), failingOnceThen(ctx -> answer(200, "{\"id\":\"x\"}")));

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(exchanges).as("the retry was not sent").hasValue(1);
    assertNextCallStillGoesThrough(guard);
  }

  @Test
  void executeWhenTheGuardsClientRefusesARetrysHostThenTheRefusalDoesNotOpenTheProvidersBreaker() {
    IntegrationGuard guard = guard(f.audit);

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-host").build(), failingOnceThen(ctx -> {
      ctx.send(ctx.newRequest("https://elsewhere.example/v1/messages").GET().build());
      return answer(200, "{\"id\":\"x\"}");
    }));

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertNextCallStillGoesThrough(guard);
  }

  @Test
  void executeWhenTheGuardsOwnTickerFailsOnARetryThenTheFailureDoesNotOpenTheProvidersBreaker() {
    AtomicBoolean broken = new AtomicBoolean();
    ProviderPolicy policy = GuardFixtures.provider(BASE).maxAttempts(3).circuitBreaker(2, 2, Duration.ofMinutes(1)).build();
    IntegrationGuard guard = builder(policy, e -> {
      f.audit.record(e);
      if (e.type() == AuditEventType.INTEGRATION_RETRY) {
        broken.set(true);
      }
    }).ticker(() -> {
      if (broken.get()) {
        throw new IllegalStateException("ticker failed");
      }
      return nanos.get();
    }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-ticker").build(), failingOnceThen(ctx -> answer(200, "{\"id\":\"x\"}")));
    broken.set(false);

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(exchanges).as("the retry was not sent").hasValue(1);
    assertNextCallStillGoesThrough(guard);
  }
}
