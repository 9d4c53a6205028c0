package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.IdempotencyKey;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-attempt timeout, checked when the attempt returns (no timer task, no interrupt): the guard's ticker
 * is moved by the exchange itself, so an attempt "takes" exactly as long as a test says, without sleeping. A
 * timer-based timeout of the same duration would never fire in these tests.
 */
class AttemptTimeoutTest {

  static final String BASE = "https://api.acme-mail.example";
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  GuardFixtures f;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final AtomicInteger exchanges = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  IntegrationGuard guard() {
    return f.guard(GuardFixtures.provider(BASE).attemptTimeout(TIMEOUT).build()).ticker(nanos::get).build();
  }

  /** An exchange that takes {@code took} by the guard's ticker and then answers 200 with an id. */
  ProviderCall<JsonNode> taking(Duration took) {
    return ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      nanos.addAndGet(took.toNanos());
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-late\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
  }

  static IdempotencyKey key(String k) {
    return new IdempotencyKey(com.algosure.authz.TenantId.of(GuardFixtures.TENANT), ProviderId.of(GuardFixtures.PROVIDER),
        GuardFixtures.SEND, k);
  }

  @Test
  void executeWhenTheAttemptReturnsAfterTheTimeoutThenEscalatedNeverAcceptedAndKeyStaysReserved() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-late").build(), taking(TIMEOUT.plusMillis(1)));

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(out.value()).isEmpty();
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).as("a late answer is not even classified").isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("error", "timeout after 2000 ms").containsEntry("requestSent", "true"));
    assertThat(f.escalations.escalations()).singleElement()
        .satisfies(e -> assertThat(e.lastError()).isEqualTo("timeout after 2000 ms"));
    assertThat(f.idempotency.isReserved(key("k-late"))).isTrue();
    assertThat(exchanges).hasValue(1);
  }

  /**
   * Regression: the answer an exchange returned after its timeout was dropped, so the unknown state was escalated
   * without the one piece of evidence that could settle it (the provider's answer, with the id of what it did).
   */
  @Test
  void executeWhenTheAttemptReturnsAfterTheTimeoutThenItsAnswerIsKeptAsTheEscalationsEvidence() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-late").build(), taking(TIMEOUT.plusMillis(1)));

    assertThat(out).isInstanceOfSatisfying(IntegrationOutcome.Escalated.class, e -> {
      com.algosure.integration.spi.Evidence kept = f.evidence.find(e.evidenceRef()).orElseThrow();
      assertThat(kept.status()).hasValue(200);
      assertThat(new String(kept.responseBody(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"msg-late\"}");
    });
    assertThat(out.value()).as("still never a fact").isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).as("a late answer is not classified").isEmpty();
  }

  @Test
  void executeWhenTheAttemptTakesExactlyTheTimeoutThenItIsATimeout() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-exact").build(), taking(TIMEOUT));

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
  }

  @Test
  void executeWhenTheAttemptReturnsJustInTimeThenAccepted() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-in-time").build(), taking(TIMEOUT.minusNanos(1)));

    assertThat(out.accepted()).isTrue();
    assertThat(out.value().orElseThrow().get("id").asText()).isEqualTo("msg-late");
  }

  @Test
  void executeWhenTheAttemptThrowsAfterTheTimeoutThenTheTimeoutWinsOverTheFailure() {
    ProviderCall<JsonNode> failsLate = ProviderCall.of(ctx -> {
      nanos.addAndGet(TIMEOUT.toNanos() * 2);
      throw new IllegalStateException("late failure");
    }, JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-throws-late").build(), failsLate);

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(f.escalations.escalations()).singleElement()
        .satisfies(e -> assertThat(e.lastError()).isEqualTo("timeout after 2000 ms"));
  }

  @Test
  void executeWhenAnAttemptThatReportsSendingTimesOutBeforeSendingThenItIsRetried() {
    AtomicInteger attempt = new AtomicInteger();
    ProviderCall<JsonNode> slowThenFast = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) {
        if (attempt.incrementAndGet() == 1) {
          nanos.addAndGet(TIMEOUT.toNanos() + 1); // stuck before anything left: a transient failure
          return ProviderResponse.of(200, Map.of(), "{\"id\":\"never-sent\"}".getBytes(StandardCharsets.UTF_8));
        }
        context.markSent();
        return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-2\"}".getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().require("id", JsonType.STRING).build();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-retry").build(), slowThenFast);

    assertThat(out.accepted()).isTrue();
    assertThat(out.value().orElseThrow().get("id").asText()).isEqualTo("msg-2");
    assertThat(((IntegrationOutcome.Accepted<JsonNode>) out).attempts()).isEqualTo(2);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("error", "timeout after 2000 ms").containsEntry("requestSent", "false"));
  }

  @Test
  void executeWhenTheAttemptTimeoutHasPassedBeforeSendIsCalledThenNothingIsSentAndTheAttemptIsRetried() {
    // the exchange spent the attempt's time before it sent (a slow template, say): send() refuses to start the request,
    // so the timeout is a failure before sending, retried, never an unknown state
    AtomicInteger attempt = new AtomicInteger();
    ProviderCall<JsonNode> lateSend = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        if (attempt.incrementAndGet() == 1) {
          nanos.addAndGet(TIMEOUT.toNanos());
          return context.send(context.newRequest("messages").POST(context.payloadPublisher()).build());
        }
        context.markSent();
        return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-2\"}".getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().require("id", JsonType.STRING).build();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-late-send").build(), lateSend);

    assertThat(out.accepted()).as("%s", out).isTrue();
    assertThat(((IntegrationOutcome.Accepted<JsonNode>) out).attempts()).isEqualTo(2);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("requestSent", "false"));
  }

  @Test
  void executeWhenTheExchangeIsInterruptedThenTheInterruptStaysVisibleToTheCaller() {
    ProviderCall<JsonNode> interrupted = ProviderCall.of(ctx -> {
      throw new InterruptedException("host shutdown");
    }, JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-interrupted").build(), interrupted);

    assertThat(out.accepted()).isFalse();
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE); // may have been sent: never resent blindly
    assertThat(Thread.currentThread().isInterrupted()).isTrue();
  }

  @Test
  void executeWhenAFastAttemptFailsThenItsOwnClassificationApplies() {
    ProviderCall<JsonNode> refused = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws IOException {
        throw new java.net.ConnectException("refused");
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().require("id", JsonType.STRING).build();
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-refused").build(), refused);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).filteredOn(e -> e.details().containsKey("error"))
        .allSatisfy(e -> assertThat(e.details()).containsEntry("error", "java.net.ConnectException"));
  }

  /** The provider of the claim tests: the claim holds maxRetryDuration (15 s) + attemptTimeout (2 s) + 1 min = 77 s. */
  static ProviderPolicy shortTtl() {
    return GuardFixtures.provider(BASE).attemptTimeout(TIMEOUT).idempotencyTtl(Duration.ofSeconds(1)).build();
  }

  IntegrationGuard guard(com.algosure.integration.spi.SecretStore secrets) {
    return IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(shortTtl()).clock(f.clock).auditSink(f.audit)
        .consents(f.consents).secrets(secrets).idempotencyStore(f.idempotency).escalations(f.escalations)
        .evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp()).ticker(nanos::get).build();
  }

  /**
   * Regression: a call whose steps before its attempt (here a vault answering after 80 s) outlasted its idempotency
   * claim still sent, although a duplicate had meanwhile claimed the expired key and sent: two effects.
   */
  @Test
  void executeWhenTheClaimWouldRunOutBeforeTheAttemptCouldEndThenNothingIsSentSoTheDuplicateIsTheOnlyEffect() {
    IntegrationGuard[] guard = new IntegrationGuard[1];
    AtomicInteger resolutions = new AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<IntegrationOutcome<JsonNode>> duplicate =
        new java.util.concurrent.atomic.AtomicReference<>();
    guard[0] = guard((ref, now) -> {
      if (resolutions.incrementAndGet() == 1) {
        nanos.addAndGet(Duration.ofSeconds(80).toNanos());
        f.clock.advance(Duration.ofSeconds(80));
        duplicate.set(guard[0].execute(request("k-slow-vault").build(), taking(Duration.ZERO)));
      }
      return f.secrets.resolve(ref, now);
    });

    IntegrationOutcome<JsonNode> out = guard[0].execute(request("k-slow-vault").build(), taking(Duration.ZERO));

    assertThat(duplicate.get().accepted()).isTrue();
    assertThat(exchanges).as("sent once, by the duplicate that holds the key").hasValue(1);
    assertThat(out.accepted()).isFalse();
    assertThat(out.reason()).isEqualTo(OutcomeReason.CALL_FAILED);
    assertThat(out.toString()).contains("idempotency claim");
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.details().get("lastError")).contains("idempotency claim").contains("not sent"));
  }

  /**
   * An exchange that ignores its timeout past the claim cannot be stopped by the guard (it never interrupts), so a
   * duplicate claiming the expired key sends again; the guard says so in the escalation, not only in a log line.
   */
  @Test
  void executeWhenTheExchangeOutlastsTheClaimThenTheEscalationSaysADuplicateMayHaveSentAgain() {
    IntegrationGuard[] guard = new IntegrationGuard[1];
    java.util.concurrent.atomic.AtomicReference<IntegrationOutcome<JsonNode>> duplicate =
        new java.util.concurrent.atomic.AtomicReference<>();
    ProviderCall<JsonNode> ignoresTimeout = ProviderCall.of(ctx -> {
      if (exchanges.incrementAndGet() == 1) {
        nanos.addAndGet(Duration.ofSeconds(80).toNanos());
        f.clock.advance(Duration.ofSeconds(80));
        duplicate.set(guard[0].execute(request("k-stuck").build(), taking(Duration.ZERO)));
      }
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-late\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
    guard[0] = guard(f.secrets);

    IntegrationOutcome<JsonNode> out = guard[0].execute(request("k-stuck").build(), ignoresTimeout);

    assertThat(duplicate.get().accepted()).isTrue();
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(f.escalations.escalations()).singleElement().satisfies(e -> assertThat(e.lastError())
        .isEqualTo("timeout after 2000 ms; the idempotency claim ran out while the attempt ran (the exchange ignored its "
            + "timeout), so a duplicate under the key may have sent the request again"));
  }
}
