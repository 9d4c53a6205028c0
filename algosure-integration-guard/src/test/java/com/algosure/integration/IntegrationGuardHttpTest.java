package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.SECRET_VALUE;
import static com.algosure.integration.GuardFixtures.request;
import static com.algosure.integration.GuardFixtures.sendCall;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Consent;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.RateLimit;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbound guard against a provider simulated by WireMock on 127.0.0.1, through the guard's own client. */
class IntegrationGuardHttpTest {

  /** Requests counted as they arrive (before any response delay), so the count is exact when a call returns. */
  static final AtomicInteger arrivals = new AtomicInteger();
  static final List<String> keysSeen = java.util.Collections.synchronizedList(new ArrayList<>());
  static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
      .extensions(new ResponseDefinitionTransformerV2() {
        @Override
        public ResponseDefinition transform(ServeEvent event) {
          arrivals.incrementAndGet();
          keysSeen.add(String.valueOf(event.getRequest().getHeader("Idempotency-Key")));
          return event.getResponseDefinition();
        }

        @Override
        public String getName() {
          return "arrivals";
        }
      }));
  static final String MESSAGES = "/v1/messages";
  /** Another server, on another origin than the provider's: where the provider's credential must never go. */
  static final WireMockServer elsewhere = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  GuardFixtures f;
  String base;

  @BeforeAll
  static void start() {
    provider.start();
    elsewhere.start();
  }

  @AfterAll
  static void stop() {
    provider.stop();
    elsewhere.stop();
  }

  @BeforeEach
  void setUp() {
    provider.resetAll();
    elsewhere.resetAll();
    elsewhere.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
        .willReturn(okJson("{\"id\":\"from-elsewhere\"}")));
    arrivals.set(0);
    keysSeen.clear();
    f = new GuardFixtures();
    f.grantMailConsent();
    base = "http://127.0.0.1:" + provider.port();
  }

  private int received() {
    return arrivals.get();
  }

  private void answer(int status, String body) {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
  }

  private void sequence(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... answers) {
    String state = STARTED;
    for (int i = 0; i < answers.length; i++) {
      String nextState = "step-" + (i + 1);
      provider.stubFor(post(MESSAGES).inScenario("sequence").whenScenarioStateIs(state).willReturn(answers[i])
          .willSetStateTo(nextState));
      state = nextState;
    }
  }

  @Test
  void executeWhenProviderAnswers503Twice200ThenAcceptedAfterTwoAuditedRetries() {
    sequence(aResponse().withStatus(503), aResponse().withStatus(503), okJson("{\"id\":\"msg-1\"}"));
    IntegrationGuard guard = f.guard(base);

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-503").build(), sendCall());

    assertThat(out).isInstanceOf(IntegrationOutcome.Accepted.class);
    IntegrationOutcome.Accepted<JsonNode> accepted = (IntegrationOutcome.Accepted<JsonNode>) out;
    assertThat(accepted.attempts()).isEqualTo(3);
    assertThat(accepted.value().orElseThrow().get("id").asText()).isEqualTo("msg-1");
    assertThat(accepted.safeFields()).containsEntry("id", "msg-1");
    assertThat(received()).isEqualTo(3);
    // the same key on every attempt, so provider-side dedupe works across our retries
    assertThat(keysSeen).containsExactly(key("k-503").providerKey(), key("k-503").providerKey(), key("k-503").providerKey());
    List<AuditEvent> retries = f.audit.events(AuditEventType.INTEGRATION_RETRY);
    assertThat(retries).hasSize(2);
    assertThat(retries).extracting(e -> e.details().get("attempt")).containsExactly("2", "3");
    assertThat(retries).allSatisfy(e -> {
      assertThat(e.tenant()).contains(GuardFixtures.TENANT);
      assertThat(e.provider()).contains(GuardFixtures.PROVIDER);
      assertThat(e.details()).containsEntry("idempotencyKey", "k-503");
      assertThat(e.correlationId()).contains("corr-k-503");
    });
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("field.id", "msg-1"));
  }

  @Test
  void executeForwardsIdempotencyKeyCorrelationIdAndCredentialToTheProvider() {
    answer(200, "{\"id\":\"msg-2\"}");

    f.guard(base).execute(request("k-headers").build(), sendCall());

    provider.verify(exactly(1), postRequestedFor(urlEqualTo(MESSAGES))
        .withHeader("Idempotency-Key", equalTo(key("k-headers").providerKey()))
        .withHeader("X-Correlation-Id", equalTo("corr-k-headers"))
        .withHeader("Authorization", equalTo("Bearer " + SECRET_VALUE))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalTo("{\"subject\":\"hello\",\"to\":\"bob@example.com\"}")));
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("secretRef", GuardFixtures.SECRET_REF));
  }

  @Test
  void executeWhenTwoTenantsUseTheSameKeyThenEachIsSentAndNeitherGetsTheOthersAnswerFromTheProvider() throws Exception {
    // one provider account for every tenant, which (as Stripe does) answers a key it has seen with its first answer
    java.util.Map<String, String> firstAnswers = new java.util.concurrent.ConcurrentHashMap<>();
    AtomicInteger created = new AtomicInteger();
    com.sun.net.httpserver.HttpServer idempotent = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    idempotent.createContext("/v1/messages", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      String answer = firstAnswers.computeIfAbsent(exchange.getRequestHeaders().getFirst("Idempotency-Key"),
          k -> "{\"id\":\"msg-" + created.incrementAndGet() + "\",\"request\":" + body + "}");
      byte[] bytes = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    idempotent.start();
    try {
      f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plus(Duration.ofDays(1)));
      IntegrationGuard guard = f.guard("http://127.0.0.1:" + idempotent.getAddress().getPort());
      IntegrationRequest globexOrder = IntegrationRequest.builder().actor(GuardFixtures.user())
          .tenant(GuardFixtures.OTHER_TENANT).provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND)
          .idempotencyKey("order-1001").jsonPayload(Map.of("to", "carol@globex.example")).build();

      IntegrationOutcome<JsonNode> acme = guard.execute(request("order-1001").build(), sendCall());
      IntegrationOutcome<JsonNode> globex = guard.execute(globexOrder, sendCall());

      assertThat(acme.accepted()).isTrue();
      assertThat(globex.accepted()).isTrue();
      assertThat(globex.value().orElseThrow().get("request").get("to").asText())
          .as("globex's accepted fact is its own mail, not acme's answer").isEqualTo("carol@globex.example");
      assertThat(created).as("messages the provider created").hasValue(2);
      // each tenant's key is the same at the provider on every submission, so the provider still recognises a repeat
      assertThat(guard.execute(request("order-1001").build(), sendCall()).reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    } finally {
      idempotent.stop(0);
    }
  }

  @Test
  void executeWhenProviderAnswers503ForeverThenFailedAfterBoundedAttempts() {
    answer(503, "");

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-down").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).attempts()).isEqualTo(3);
    assertThat(received()).isEqualTo(3);
    // nothing took effect: the key is released, so the caller may resubmit
    assertThat(f.idempotency.isReserved(key("k-down"))).isFalse();
    // the call's failure is audited, besides each attempt's
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).filteredOn(e -> e.outcome().equals("FAILED"))
        .singleElement().satisfies(e -> {
          assertThat(e.reasons()).containsExactly("RETRIES_EXHAUSTED");
          assertThat(e.details()).containsEntry("attempts", "3").containsEntry("lastError", "status 503");
        });
  }

  @Test
  void executeWhenProviderAnswers503WithRetryAfterThenRateLimitedUntilThenAndNotRetriedBeforeIt() {
    // RFC 9110 section 10.2.3: a 503's Retry-After says how long the service expects to be unavailable
    sequence(aResponse().withStatus(503).withHeader("Retry-After", "120"), okJson("{\"id\":\"msg-503\"}"));
    IntegrationGuard guard = f.guard(base);
    Instant start = f.clock.instant();

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-503-ra").build(), sendCall());

    assertThat(first).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class, r -> {
      assertThat(r.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
      assertThat(r.retryAfter()).isEqualTo(start.plusSeconds(120));
    });
    assertThat(received()).isEqualTo(1);
    IntegrationOutcome<JsonNode> paused = guard.execute(request("k-503-ra-2").build(), sendCall());
    assertThat(paused.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
    assertThat(received()).isEqualTo(1);

    f.clock.advance(Duration.ofSeconds(120));
    assertThat(guard.execute(request("k-503-ra").build(), sendCall()).accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenProviderAnswers429WithRetryAfterZeroThenTheRetryStillWaitsTheBackoff() {
    // "Retry-After: 0" (or a date already past) is no reason to re-send at once: the bounded backoff still applies
    sequence(aResponse().withStatus(429).withHeader("Retry-After", "0"), okJson("{\"id\":\"msg-ra0\"}"));
    IntegrationGuard guard = f.guard(ProviderPolicy.builder(GuardFixtures.PROVIDER).endpoint(URI.create(base + "/v1/"))
        .action(GuardFixtures.SEND, ConsentScope.MAIL).secret(GuardFixtures.SECRET_REF)
        .backoff(Duration.ofMillis(400), Duration.ofSeconds(1)).build()).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-429-ra0").build(), sendCall());

    assertThat(out.accepted()).as("%s", out).isTrue();
    List<Long> sent = provider.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    assertThat(sent).hasSize(2);
    // 400 ms less the 25 % jitter at most
    assertThat(sent.get(1) - sent.get(0)).as("ms between the attempts").isGreaterThanOrEqualTo(300);
  }

  @Test
  void executeWhenProviderAnswers429WithRetryAfterThenRateLimitedAndAcceptedAfterClockPasses() {
    sequence(aResponse().withStatus(429).withHeader("Retry-After", "2"), okJson("{\"id\":\"msg-3\"}"));
    IntegrationGuard guard = f.guard(base);
    Instant start = f.clock.instant();

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-429").build(), sendCall());

    assertThat(first).isInstanceOf(IntegrationOutcome.RateLimited.class);
    assertThat(first.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    IntegrationOutcome.RateLimited<JsonNode> limited = (IntegrationOutcome.RateLimited<JsonNode>) first;
    assertThat(limited.retryAfter()).isEqualTo(start.plusSeconds(2));
    assertThat(received()).isEqualTo(1);

    // while paused, nothing is sent
    IntegrationOutcome<JsonNode> paused = guard.execute(limited.request(), sendCall());
    assertThat(paused.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
    assertThat(received()).isEqualTo(1);

    f.clock.advance(Duration.ofSeconds(2));
    IntegrationOutcome<JsonNode> resubmitted = guard.execute(limited.request(), sendCall());

    assertThat(resubmitted.accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RATE_LIMITED)).hasSize(2);
  }

  @Test
  void executeWhenAnotherCallIsPausedMidwayThenTheNextAttemptHonoursThePause() {
    // a 503 answer is retried, but between the attempts a concurrent call got a 429 that paused the key
    sequence(aResponse().withStatus(503), okJson("{\"id\":\"never\"}"));
    com.algosure.integration.spi.InMemoryRateLimitStore store = com.algosure.integration.spi.RateLimitStore.inMemory();
    IntegrationGuard guard = f.guard(GuardFixtures.provider(base).build()).rateLimitStore(store)
        .build();
    ProviderCall<JsonNode> base503 = sendCall();
    ProviderCall<JsonNode> pausingAfterFirst = ProviderCall.of(ctx -> {
      ProviderResponse r = base503.exchange(ctx);
      store.pause(com.algosure.integration.spi.RateLimitKey.of(ProviderId.of(GuardFixtures.PROVIDER), TenantId.of(GuardFixtures.TENANT)),
          f.clock.instant().plusSeconds(30));
      return r;
    }, base503.validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-midway").build(), pausingAfterFirst);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenRetryAfterIsAnHttpDateThenPausedUntilThatDate() {
    Instant until = f.clock.instant().plusSeconds(30);
    answer(429, "");
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429)
        .withHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(until.atOffset(ZoneOffset.UTC)))));

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-date").build(), sendCall());

    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) out).retryAfter()).isEqualTo(until);
  }

  @Test
  void executeWhenRetryAfterIsAnObsoleteRfc850OrAsctimeDateThenPausedUntilThatDateNotTheDefault() {
    Instant until = f.clock.instant().plusSeconds(30);
    String[] dates = {
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", java.util.Locale.US).format(until.atOffset(ZoneOffset.UTC)),
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.US).format(until.atOffset(ZoneOffset.UTC)),
    };
    for (String date : dates) {
      provider.resetAll();
      provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", date)));

      IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-date-" + date.length()).build(), sendCall());

      assertThat(out).as(date).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class,
          r -> assertThat(r.retryAfter()).isEqualTo(until));
    }
  }

  @Test
  void executeWhenProviderSignalsShortThrottleThenWaitsItOutWithinTheCapAndAccepts() {
    // a provider-specific signal: 503 with X-Throttle-Ms, classified by the provider adapter
    sequence(aResponse().withStatus(503).withHeader("X-Throttle-Ms", "20"), okJson("{\"id\":\"msg-4\"}"));
    ProviderCall<JsonNode> base503 = sendCall();
    ProviderCall<JsonNode> throttleAware = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        return base503.exchange(context);
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return base503.validator();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }

      @Override
      public Classification classify(ProviderResponse response, Instant now) {
        return response.header("X-Throttle-Ms")
            .map(ms -> Classification.rateLimited(now.plusMillis(Long.parseLong(ms))))
            .orElseGet(() -> Classification.standard(response, now));
      }
    };

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-throttle").build(), throttleAware);

    assertThat(out.accepted()).isTrue();
    assertThat(((IntegrationOutcome.Accepted<JsonNode>) out).attempts()).isEqualTo(2);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RATE_LIMITED)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("WAITING"));
  }

  @Test
  void executeWhenProviderAnswers400ThenFailedWithoutRetry() {
    answer(400, "{\"error\":\"bad recipient\"}");

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-400").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).status()).isEqualTo(400);
    assertThat(received()).isEqualTo(1);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RETRY)).isEmpty();
  }

  @Test
  void executeWhenProviderAnswers408ThenRetried() {
    sequence(aResponse().withStatus(408), okJson("{\"id\":\"msg-408\"}"));

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-408").build(), sendCall());

    assertThat(out.accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenResponseIsMalformedJsonThenRejectedAuditedAndEvidenceKept() {
    answer(200, "{\"id\": \"msg-5\", ");

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-malformed").build(), sendCall());

    assertThat(out).isInstanceOf(IntegrationOutcome.Rejected.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(out.value()).isEmpty();
    String ref = ((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef().orElseThrow();
    assertThat(new String(f.evidence.find(ref).orElseThrow().responseBody())).isEqualTo("{\"id\": \"msg-5\", ");
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("evidenceRef", ref));
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
  }

  @Test
  void executeWhenResponseMissesARequiredFieldThenRejected() {
    answer(200, "{\"status\":\"queued\"}");

    IntegrationOutcome<JsonNode> out = f.guard(base).execute(request("k-missing").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).message()).contains("required field id is missing");
  }

  @Test
  void executeWhenResponseIsLargerThanTheLimitThenRejected() {
    answer(200, "{\"id\":\"" + "x".repeat(2000) + "\"}");
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(1000));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-large").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
  }

  @Test
  void executeWhenA2xxAnswerIsOverTheSizeLimitThenTheRejectionsEvidenceKeepsItsStatus() {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"" + "x".repeat(2000) + "\"}")));
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(1000));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-large-status").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
    String ref = ((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef().orElseThrow();
    assertThat(f.evidence.find(ref)).get().satisfies(e -> {
      assertThat(e.status()).isEqualTo(java.util.OptionalInt.of(201));
      assertThat(e.responseBody()).as("a body over the limit is not read, so none is kept").isEmpty();
    });
  }

  @Test
  void executeWhenTheHostsExchangeReturnsABodyOverTheSizeLimitThenTheRejectionsEvidenceKeepsItsStatus() {
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(100));
    ProviderCall<JsonNode> ownClient = ProviderCall.of(ctx -> ProviderResponse.of(200, Map.of(),
        ("{\"id\":\"" + "x".repeat(500) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-large-own").build(), ownClient);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
    String ref = ((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef().orElseThrow();
    assertThat(f.evidence.find(ref)).get().satisfies(e -> {
      assertThat(e.status()).isEqualTo(java.util.OptionalInt.of(200));
      assertThat(e.responseBody()).as("a body over the limit is not kept").isEmpty();
    });
  }

  @Test
  void executeWhenTheAnswerIsExactlyTheSizeLimitThenAcceptedAndOneByteMoreIsRejected() {
    String body = "{\"id\":\"" + "x".repeat(100) + "\"}";
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(body.length()));
    answer(200, body);
    IntegrationOutcome<JsonNode> atLimit = guard.execute(request("k-at-limit").build(), sendCall());
    answer(200, "{\"id\":\"" + "x".repeat(101) + "\"}");
    IntegrationOutcome<JsonNode> overByOne = guard.execute(request("k-over-by-one").build(), sendCall());

    assertThat(atLimit.accepted()).as("%s", atLimit).isTrue();
    assertThat(overByOne.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
  }

  @Test
  void executeWhenA2xxAnswerIsOverTheSizeLimitThenSendThrowsResponseTooLargeToTheExchange() {
    // CallContext#send's contract: a 2xx body over the limit is never handed to the exchange as an answer
    answer(200, "{\"id\":\"" + "x".repeat(2000) + "\"}");
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(1000));
    java.util.concurrent.atomic.AtomicReference<Object> seen = new java.util.concurrent.atomic.AtomicReference<>();
    ProviderCall<JsonNode> sending = ProviderCall.of(ctx -> {
      try {
        ProviderResponse r = ctx.send(ctx.newRequest("messages").POST(ctx.payloadPublisher()).build());
        seen.set(r);
        return r;
      } catch (ResponseTooLargeException e) {
        seen.set(e);
        throw e;
      }
    }, sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-large-send").build(), sending);

    assertThat(seen.get()).isInstanceOf(ResponseTooLargeException.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
  }

  @Test
  void executeWhenA503ErrorPageIsOverTheSizeLimitThenItIsRetriedAsTransient() {
    sequence(aResponse().withStatus(503).withHeader("Content-Type", "text/html").withBody("<html>" + "x".repeat(500) + "</html>"),
        okJson("{\"id\":\"msg-after-big-503\"}"));
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(256));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-big503").build(), sendCall());

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED);
    assertThat(received()).isEqualTo(2);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).first()
        .satisfies(e -> assertThat(e.details()).containsEntry("status", "503").containsEntry("bodyOverLimit", "256"));
  }

  @Test
  void executeWhenA429IsOverTheSizeLimitThenRateLimitedUntilItsRetryAfter() {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")
        .withBody("x".repeat(500))));
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(256));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-big429").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) out).retryAfter()).isEqualTo(f.clock.instant().plusSeconds(120));
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenAnAnswerClassifiedAsSuccessIsOverTheSizeLimitThenRejectedNeverAFact() {
    answer(404, "{\"id\":\"" + "x".repeat(500) + "\"}");
    IntegrationGuard guard = f.guard(base, p -> p.maxResponseBytes(256));
    ProviderCall<JsonNode> notFoundIsAnAnswer = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        return sendCall().exchange(context);
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return sendCall().validator();
      }

      @Override
      public Classification classify(ProviderResponse response, Instant now) {
        return response.status() == 404 ? Classification.success() : Classification.standard(response, now);
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-big404").build(), notFoundIsAnAnswer);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
  }

  @Test
  void executeWhenTheBodyStallsAfterTheHeadersThenTheAttemptTimeoutEndsItAsAnUnknownState() throws Exception {
    CountDownLatch testDone = new CountDownLatch(1);
    try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Thread stalling = new Thread(() -> {
        try (java.net.Socket s = server.accept()) {
          s.getInputStream().read(new byte[8192]);
          java.io.OutputStream o = s.getOutputStream();
          // the headers promise 100 bytes; 6 come, then nothing
          o.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          o.flush();
          testDone.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          // the guard closed the connection
        }
      });
      stalling.setDaemon(true);
      stalling.start();
      IntegrationGuard guard = f.guard("http://127.0.0.1:" + server.getLocalPort(), p -> p.attemptTimeout(Duration.ofMillis(300)));

      long t0 = System.nanoTime();
      IntegrationOutcome<JsonNode> out = guard.execute(request("k-stall").build(), sendCall());
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      testDone.countDown();

      assertThat(tookMs).as("attempt timeout 300 ms; the stalled body held the call for").isLessThan(2000);
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(f.escalations.escalations()).singleElement()
          .satisfies(e -> assertThat(e.lastError()).isEqualTo("timeout after 300 ms"));
      assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
  }

  @Test
  void executeWhenResponseIsDelayedPastTheTimeoutThenEscalatedAndKeyStaysReserved() {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"late\"}").withFixedDelay(1500)));
    IntegrationGuard guard = f.guard(base, p -> p.attemptTimeout(Duration.ofMillis(150)));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-timeout").build(), sendCall());

    assertThat(out).isInstanceOf(IntegrationOutcome.Escalated.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(Thread.currentThread().isInterrupted()).as("the timeout's interrupt must not leak to the caller").isFalse();
    IntegrationOutcome.Escalated<JsonNode> escalated = (IntegrationOutcome.Escalated<JsonNode>) out;
    assertThat(escalated.attempts()).isEqualTo(1);
    assertThat(f.idempotency.isReserved(key("k-timeout"))).isTrue();
    assertThat(f.escalations.escalations()).singleElement().satisfies(e -> {
      assertThat(e.tenant()).isEqualTo(TenantId.of(GuardFixtures.TENANT));
      assertThat(e.provider().value()).isEqualTo(GuardFixtures.PROVIDER);
      assertThat(e.action()).isEqualTo(GuardFixtures.SEND);
      assertThat(e.idempotencyKey()).contains("k-timeout");
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.lastError()).containsIgnoringCase("timeout");
      assertThat(e.evidenceRef()).isEqualTo(escalated.evidenceRef());
    });
    assertThat(f.evidence.find(escalated.evidenceRef())).isPresent();

    // a later call with the same key does not blindly resend
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-timeout").build(), sendCall());
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(((IntegrationOutcome.Duplicate<JsonNode>) again).first().orElseThrow().kind())
        .isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenACustomExchangeAnswersAfterTheTimeoutThenItsAnswerIsNeverAFact() {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"too-late\"}").withFixedDelay(400)));
    IntegrationGuard guard = f.guard(base, p -> p.attemptTimeout(Duration.ofMillis(100)));
    // a host exchange that ignores the attempt timeout and waits for the (late) answer
    ProviderCall<JsonNode> patient = ProviderCall.of(ctx -> {
      java.net.http.HttpResponse<byte[]> r = ctx.httpClient().send(
          java.net.http.HttpRequest.newBuilder(ctx.endpoint().resolve("messages")).POST(ctx.payloadPublisher()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      return ProviderResponse.of(r.statusCode(), r.headers().map(), r.body());
    }, sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-late").build(), patient);

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void executeWith200ConcurrentCallersOnTheSameKeyThenProviderReceivesExactlyOneRequest() throws Exception {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"msg-once\"}").withFixedDelay(200)));
    IntegrationGuard guard = f.guard(base);
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<IntegrationOutcome<JsonNode>>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        futures.add(pool.submit(() -> {
          go.await();
          return guard.execute(request("k-concurrent").build(), sendCall());
        }));
      }
      go.countDown();
      List<IntegrationOutcome<JsonNode>> outcomes = new ArrayList<>();
      for (Future<IntegrationOutcome<JsonNode>> fu : futures) {
        outcomes.add(fu.get(30, TimeUnit.SECONDS));
      }

      assertThat(received()).as("requests received; outcomes: %s", outcomes.stream()
          .collect(java.util.stream.Collectors.groupingBy(IntegrationOutcome::reason, java.util.stream.Collectors.counting())))
          .isEqualTo(1);
      assertThat(outcomes).filteredOn(IntegrationOutcome::accepted).hasSize(1);
      assertThat(outcomes).filteredOn(o -> !o.accepted())
          .allSatisfy(o -> assertThat(o.kind()).isEqualTo(IntegrationOutcome.Kind.DUPLICATE));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void executeWhenDuplicateWaitIsSetThenConcurrentDuplicatesGetTheFirstOutcome() throws Exception {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"msg-wait\"}").withFixedDelay(150)));
    IntegrationGuard guard = f.guard(base, p -> p.duplicateWait(Duration.ofSeconds(5)));
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Future<IntegrationOutcome<JsonNode>>> futures = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        futures.add(pool.submit(() -> guard.execute(request("k-wait").build(), sendCall())));
      }
      int accepted = 0;
      for (Future<IntegrationOutcome<JsonNode>> fu : futures) {
        IntegrationOutcome<JsonNode> o = fu.get(30, TimeUnit.SECONDS);
        IntegrationOutcome<JsonNode> first = o instanceof IntegrationOutcome.Duplicate<JsonNode> d ? d.first().orElseThrow() : o;
        assertThat(first.value().orElseThrow().get("id").asText()).isEqualTo("msg-wait");
        if (o.accepted()) {
          accepted++;
        } else {
          assertThat(o.value()).isEmpty(); // a duplicate is no second fact
        }
      }
      assertThat(accepted).isEqualTo(1);
      assertThat(received()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void executeWhenAWaitingDuplicatesFirstCallEndsWithoutEffectThenTheDuplicateRunsOnce() throws Exception {
    // the first call fails without effect (a 400: key released) while a duplicate waits for it
    sequence(aResponse().withStatus(400).withFixedDelay(200), okJson("{\"id\":\"msg-second\"}"));
    IntegrationGuard guard = f.guard(base, p -> p.duplicateWait(Duration.ofSeconds(5)));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<IntegrationOutcome<JsonNode>> first = pool.submit(() -> guard.execute(request("k-released").build(), sendCall()));
      while (received() == 0 && !first.isDone()) {
        // until the first call reached the provider and holds the key; one that ended without sending fails the test
        // below rather than leave it spinning for ever
        Thread.onSpinWait();
      }
      IntegrationOutcome<JsonNode> duplicate = guard.execute(request("k-released").build(), sendCall());

      assertThat(first.get(10, TimeUnit.SECONDS).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
      assertThat(duplicate.accepted()).isTrue();
      assertThat(received()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void executeWhenKeyCompletedThenDuplicateReturnsTheFirstOutcomeWithoutCalling() {
    answer(200, "{\"id\":\"msg-6\"}");
    IntegrationGuard guard = f.guard(base);

    guard.execute(request("k-dup").build(), sendCall());
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-dup").build(), sendCall());

    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(((IntegrationOutcome.Duplicate<JsonNode>) again).first().flatMap(IntegrationOutcome::value).orElseThrow()
        .get("id").asText()).isEqualTo("msg-6");
    assertThat(received()).isEqualTo(1);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DUPLICATE)).hasSize(1);
  }

  @Test
  void executeWhenIdempotencyRecordExpiredThenTheKeyCanBeUsedAgain() {
    answer(200, "{\"id\":\"msg-7\"}");
    IntegrationGuard guard = f.guard(base, p -> p.idempotencyTtl(Duration.ofHours(1)));

    guard.execute(request("k-ttl").build(), sendCall());
    f.clock.advance(Duration.ofHours(1));
    IntegrationOutcome<JsonNode> later = guard.execute(request("k-ttl").build(), sendCall());

    assertThat(later.accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenTheIdempotencyTtlIsShorterThanTheCallThenADuplicateDuringTheCallIsNotSentAgain() throws Exception {
    // a 10 s TTL, and a call still in its first attempt 11 s after it claimed its key (its provider is slow)
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"msg-slow\"}").withFixedDelay(500)));
    IntegrationGuard guard = f.guard(base, p -> p.idempotencyTtl(Duration.ofSeconds(10)));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<IntegrationOutcome<JsonNode>> first = pool.submit(() -> guard.execute(request("k-short-ttl").build(), sendCall()));
      while (received() == 0 && !first.isDone()) {
        // until the first call reached the provider and holds the key; one that ended without sending fails the test
        // below rather than leave it spinning for ever
        Thread.onSpinWait();
      }
      f.clock.advance(Duration.ofSeconds(11));

      IntegrationOutcome<JsonNode> duplicate = guard.execute(request("k-short-ttl").build(), sendCall());

      assertThat(duplicate.reason()).isEqualTo(OutcomeReason.DUPLICATE_IN_PROGRESS);
      assertThat(first.get(10, TimeUnit.SECONDS).accepted()).isTrue();
      assertThat(received()).as("requests the provider received").isEqualTo(1);
      // the completed record is kept for the TTL, as configured
      assertThat(guard.execute(request("k-short-ttl").build(), sendCall()).reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
      f.clock.advance(Duration.ofSeconds(10));
      assertThat(f.idempotency.isReserved(key("k-short-ttl"))).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void executeWhenSameKeyComesWithAnotherPayloadThenRejectedAndNothingSent() {
    answer(200, "{\"id\":\"msg-8\"}");
    IntegrationGuard guard = f.guard(base);
    guard.execute(request("k-reuse").build(), sendCall());

    IntegrationRequest other = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).idempotencyKey("k-reuse")
        .jsonPayload(Map.of("to", "mallory@example.com", "subject", "hello")).build();
    IntegrationOutcome<JsonNode> out = guard.execute(other, sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_REUSED);
    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.REJECTED);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenSameKeyAndPayloadGoToAnotherEndpointThenRejectedAsKeyReuseNotReplayedAndNothingSent() {
    answer(200, "{\"id\":\"msg-first\"}");
    provider.stubFor(post("/v2/messages").willReturn(okJson("{\"id\":\"msg-other\"}")));
    IntegrationGuard guard = f.guard(base);
    URI other = URI.create(base + "/v2/");
    guard.execute(request("k-target").build(), sendCall());

    IntegrationOutcome<JsonNode> elsewhere = guard.execute(request("k-target").endpoint(other).build(), sendCall());

    assertThat(elsewhere.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_REUSED);
    assertThat(elsewhere.value()).isEmpty();
    provider.verify(exactly(0), postRequestedFor(urlEqualTo("/v2/messages")));
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenAnEndpointOverrideIsResubmittedThenItsOwnFirstOutcomeIsReplayed() {
    provider.stubFor(post("/v2/messages").willReturn(okJson("{\"id\":\"msg-other\"}")));
    IntegrationGuard guard = f.guard(base);
    URI other = URI.create(base + "/v2/");

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-own").endpoint(other).build(), sendCall());
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-own").endpoint(other).build(), sendCall());

    assertThat(first.accepted()).isTrue();
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(((IntegrationOutcome.Duplicate<JsonNode>) again).first().flatMap(IntegrationOutcome::value).orElseThrow()
        .get("id").asText()).isEqualTo("msg-other");
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenConsentRevokedThenDeniedAndProviderReceivesNothing() {
    answer(200, "{\"id\":\"msg-9\"}");
    IntegrationGuard guard = f.guard(base);
    Consent consent = f.consents.grant(TenantId.of(GuardFixtures.TENANT), ConsentScope.MAIL,
        f.clock.instant().plus(Duration.ofDays(1)));
    GuardFixtures fresh = f; // the fixture's year-long consent is revoked too
    f.audit.clear();
    fresh.consents.revoke(consent.id());
    revokeAll();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-revoked").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.CONSENT_REVOKED);
    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.DENIED);
    assertThat(received()).isZero();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("CONSENT_REVOKED"));
  }

  private void revokeAll() {
    for (int i = 1; i <= 10; i++) {
      f.consents.revoke("consent-" + i);
    }
  }

  @Test
  void executeWhenEndpointIsPlainHttpToANonLoopbackHostThenDeniedAndNothingSent() {
    IntegrationGuard guard = f.guard(base);
    IntegrationRequest r = request("k-plain").endpoint(URI.create("http://mail.partner.example/v1/")).build();
    ProviderCall<JsonNode> counting = countingCall();

    IntegrationOutcome<JsonNode> out = guard.execute(r, counting);

    assertThat(out.reason()).isEqualTo(OutcomeReason.TRANSPORT_INSECURE);
    assertThat(calls).isZero();
    assertThat(received()).isZero();
  }

  @Test
  void executeWhenEndpointOverrideIsAnotherHostThenDeniedBeforeSendingAndTheCredentialNeverLeaves() {
    IntegrationGuard guard = f.guard(base);
    URI other = URI.create("http://localhost:" + elsewhere.port() + "/v1/");

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-ssrf").endpoint(other).build(), countingCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.DENIED);
    assertThat(((IntegrationOutcome.Denied<JsonNode>) out).message())
        .contains("http://localhost:" + elsewhere.port(), "not an allowed origin of provider 'acme-mail'", "allowedOrigin(")
        .doesNotContain("/v1/");
    assertThat(calls).isZero();
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("ENDPOINT_NOT_ALLOWED");
      assertThat(e.details()).containsEntry("host", "localhost");
    });
  }

  @Test
  void executeWhenEndpointOverrideIsOnTheProvidersHostButAnotherPortThenDenied() {
    IntegrationGuard guard = f.guard(base);

    IntegrationOutcome<JsonNode> out = guard.execute(
        request("k-port").endpoint(URI.create("http://127.0.0.1:" + elsewhere.port() + "/v1/")).build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
  }

  @Test
  void executeWhenEndpointOverrideIsAnAllowedOriginThenSentThereAndTheRequestAuditNamesTheHost() {
    IntegrationGuard guard = f.guard(base, p -> p.allowedOrigin(URI.create("http://localhost:" + elsewhere.port())));

    IntegrationOutcome<JsonNode> out = guard.execute(
        request("k-tenant-server").endpoint(URI.create("http://localhost:" + elsewhere.port() + "/v1/?shard=q-7731")).build(),
        sendCall());

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED);
    assertThat(elsewhere.getAllServeEvents()).singleElement()
        .satisfies(e -> assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + SECRET_VALUE));
    assertThat(received()).isZero();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REQUEST)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("host", "localhost"));
    assertThat(f.audit.events().toString()).doesNotContain("q-7731").doesNotContain("/v1/");
  }

  @Test
  void executeWhenTheRequestAuditIsWrittenThenItNamesTheProvidersHost() {
    answer(200, "{\"id\":\"msg-host\"}");
    IntegrationGuard guard = f.guard(base);

    guard.execute(request("k-host").build(), sendCall());

    assertThat(f.audit.events(AuditEventType.INTEGRATION_REQUEST)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("host", "127.0.0.1"));
  }

  @Test
  void executeWhenTheEndpointHasNoTrailingSlashThenThePathGoesUnderItsLastSegment() {
    answer(200, "{\"id\":\"msg-v1\"}");
    ProviderPolicy.Builder noSlash = ProviderPolicy.builder(GuardFixtures.PROVIDER).endpoint(URI.create(base + "/v1"))
        .action(GuardFixtures.SEND, ConsentScope.MAIL).secret(GuardFixtures.SECRET_REF)
        .allowedOrigin(URI.create("http://localhost:" + elsewhere.port()));
    IntegrationGuard guard = f.guard(noSlash.build()).build();

    IntegrationOutcome<JsonNode> registered = guard.execute(request("k-v1").build(), sendCall());
    IntegrationOutcome<JsonNode> overridden = guard.execute(
        request("k-v1-own").endpoint(URI.create("http://localhost:" + elsewhere.port() + "/v1?shard=q-7731")).build(),
        sendCall());

    assertThat(registered.accepted()).as("%s", registered).isTrue();
    assertThat(provider.getAllServeEvents()).singleElement().satisfies(e -> assertThat(e.getRequest().getUrl())
        .isEqualTo(MESSAGES));
    assertThat(overridden.accepted()).as("%s", overridden).isTrue();
    assertThat(elsewhere.getAllServeEvents()).singleElement().satisfies(e -> assertThat(e.getRequest().getUrl())
        .isEqualTo(MESSAGES));
  }

  @Test
  void executeWhenTheCallPathResolvesToAnotherHostThenDeniedAndNothingSent() {
    IntegrationGuard guard = f.guard(base);
    ProviderCall<JsonNode> escaping = ProviderCall.post("//localhost:" + elsewhere.port() + "/v1/messages",
        (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(com.algosure.integration.spi.SecretRef.of(GuardFixtures.SECRET_REF)).reveal()),
        sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-path").build(), escaping);

    assertThat(out.reason()).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
    assertThat(((IntegrationOutcome.Denied<JsonNode>) out).message())
        .contains("resolves to another origin than the endpoint http://127.0.0.1:" + provider.port())
        .doesNotContain("/v1/messages");
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
    assertThat(received()).isZero();
    assertThat(f.escalations.escalations()).isEmpty();
  }

  /**
   * Regression: a path built from a caller's value ({@code "messages/" + id}) could leave the endpoint's path on the
   * same origin: {@code messages/../../admin/keys} went to {@code /admin/keys} with the tenant's credential.
   */
  @Test
  void executeWhenTheCallPathLeavesTheEndpointsPathThenDeniedAndNothingSent() {
    IntegrationGuard guard = f.guard(base);
    int n = 0;
    for (String path : List.of("messages/../../admin/keys", "../admin", "/admin/keys", "messages/%2e%2e/%2e%2e/admin",
        "messages/%2E%2E/%2e%2E/x")) {
      ProviderCall<JsonNode> escaping = ProviderCall.of(ctx -> ctx.send(ctx.newRequest(path).GET().build()),
          sendCall().validator());

      IntegrationOutcome<JsonNode> out = guard.execute(request("k-leave-" + n++).build(), escaping);

      assertThat(out.reason()).as(path).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
      assertThat(((IntegrationOutcome.Denied<JsonNode>) out).message()).as(path)
          .contains("leaves the endpoint's path").doesNotContain("admin");
    }
    assertThat(received()).isZero();
    assertThat(f.escalations.escalations()).isEmpty();
  }

  /**
   * Regression: a dot segment with a path parameter ({@code ..;}), which Tomcat and Jetty strip before they resolve the
   * path, or one between backslashes ({@code %5c}), which IIS and others take for a separator, passed the check
   * for {@code .} and {@code ..} segments, so {@code messages/..;/..;/admin} still reached {@code /admin}.
   */
  @Test
  void executeWhenTheCallPathLeavesTheEndpointsPathThroughAPathParameterOrABackslashThenDeniedAndNothingSent() {
    IntegrationGuard guard = f.guard(base);
    int n = 0;
    for (String path : List.of("messages/..;/..;/admin/keys", "messages/%2e%2e;x=1/%2E%2E;/admin", "..;/admin",
        "messages/.;/x", "messages/..%5c..%5cadmin", "messages%5c..%5c..%5cadmin")) {
      ProviderCall<JsonNode> escaping = ProviderCall.of(ctx -> ctx.send(ctx.newRequest(path).GET().build()),
          sendCall().validator());

      IntegrationOutcome<JsonNode> out = guard.execute(request("k-leave-param-" + n++).build(), escaping);

      assertThat(out.reason()).as(path).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
      assertThat(((IntegrationOutcome.Denied<JsonNode>) out).message()).as(path)
          .contains("leaves the endpoint's path").doesNotContain("admin");
    }
    assertThat(received()).isZero();
    assertThat(f.escalations.escalations()).isEmpty();
  }

  @Test
  void executeWhenACustomExchangeSendsToAnotherHostWithTheGuardsClientThenDeniedAndNothingSent() {
    IntegrationGuard guard = f.guard(base);
    ProviderCall<JsonNode> stray = ProviderCall.of(ctx -> {
      java.net.http.HttpResponse<byte[]> r = ctx.httpClient().send(
          java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + elsewhere.port() + MESSAGES))
              .header("Authorization", "Bearer " + ctx.secret(com.algosure.integration.spi.SecretRef.of(GuardFixtures.SECRET_REF)).reveal())
              .POST(ctx.payloadPublisher()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      return ProviderResponse.of(r.statusCode(), r.headers().map(), r.body());
    }, sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-stray").build(), stray);

    assertThat(out.reason()).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
  }

  @Test
  void executeWhenACustomExchangeSendsToAnotherHostThroughTheContextThenDeniedNotEscalatedAndTheKeyReleased() {
    IntegrationGuard guard = f.guard(base);
    ProviderCall<JsonNode> stray = ProviderCall.of(ctx -> ctx.send(
        java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + elsewhere.port() + MESSAGES))
            .header("Authorization", "Bearer " + ctx.secret(com.algosure.integration.spi.SecretRef.of(GuardFixtures.SECRET_REF)).reveal())
            .POST(ctx.payloadPublisher()).build()), sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-stray-send").build(), stray);

    // refused before anything left: a denial, not an unknown state, and the key free for a corrected resubmission
    assertThat(out.kind()).as("%s", out).isEqualTo(IntegrationOutcome.Kind.DENIED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.ENDPOINT_NOT_ALLOWED);
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
    assertThat(f.escalations.escalations()).isEmpty();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"msg-1\"}")));
    assertThat(guard.execute(request("k-stray-send").build(), sendCall()).accepted()).isTrue();
  }

  /**
   * The call whose POST reached the provider and whose later request was refused for its host: escalated as an unknown
   * state (its key kept, so the resubmission replays), one POST received, nothing sent elsewhere, the refusal audited.
   */
  private void assertEscalatedOnceElsewhereRefusedAndNeverResent(IntegrationOutcome<JsonNode> out,
      IntegrationOutcome<JsonNode> resubmitted) {
    assertThat(out.kind()).as("%s", out).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(resubmitted.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(received()).as("POSTs the provider received").isEqualTo(1);
    assertThat(elsewhere.getAllServeEvents()).isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("ENDPOINT_NOT_ALLOWED"));
  }

  @Test
  void executeWhenARetryIsRefusedAnotherOriginAfterAnEarlierAttemptReachedTheProviderThenEscalatedAndNotResent() {
    // the first attempt's POST was answered 504 (the provider may have acted; with a key it is retried); the retry is
    // refused before it sends: the call is no 'refused before anything was sent', whose key is released
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(504)));
    IntegrationGuard guard = f.guard(base);
    ProviderCall<JsonNode> postThenElsewhere = reporting(ctx -> ctx.attempt() == 1
        ? ctx.send(ctx.newRequest("messages").POST(ctx.payloadPublisher()).build())
        : ctx.send(ctx.newRequest("").uri(URI.create("http://localhost:" + elsewhere.port() + "/v1/messages")).GET().build()));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-retry-elsewhere").build(), postThenElsewhere);
    IntegrationOutcome<JsonNode> resubmitted = guard.execute(request("k-retry-elsewhere").build(), postThenElsewhere);

    assertEscalatedOnceElsewhereRefusedAndNeverResent(out, resubmitted);
  }

  @Test
  void executeWhenAnExchangeIsRefusedAnotherOriginAfterItsPostWasSentThenEscalatedAndThePostNeverResent() {
    // the POST reached the provider; following its answer to a host the provider may not send to is refused, but
    // the call is no 'refused before anything was sent': a resubmission under the same key would POST again
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)
        .withHeader("Location", "http://localhost:" + elsewhere.port() + "/status/msg-1")));
    IntegrationGuard guard = f.guard(base);
    ProviderCall<JsonNode> postThenFollow = reporting(ctx -> {
      ProviderResponse accepted = ctx.send(ctx.newRequest("messages").POST(ctx.payloadPublisher()).build());
      return ctx.send(ctx.newRequest("").uri(URI.create(accepted.header("Location").orElseThrow())).GET().build());
    });

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-follow").build(), postThenFollow);
    IntegrationOutcome<JsonNode> resubmitted = guard.execute(request("k-follow").build(), postThenFollow);

    assertEscalatedOnceElsewhereRefusedAndNeverResent(out, resubmitted);
  }

  int calls;

  private ProviderCall<JsonNode> countingCall() {
    ProviderCall<JsonNode> real = sendCall();
    return ProviderCall.of(ctx -> {
      calls++;
      return real.exchange(ctx);
    }, real.validator());
  }

  @Test
  void executeWhenTenantLimitIsUsedUpThenRateLimitedWithoutCallingAndOtherTenantsGoOn() {
    answer(200, "{\"id\":\"msg-10\"}");
    f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plus(Duration.ofDays(1)));
    IntegrationGuard guard = f.guard(base, p -> p.tenantRateLimit(RateLimit.of(2, Duration.ofHours(1))));

    assertThat(guard.execute(request("k-rl-1").build(), sendCall()).accepted()).isTrue();
    assertThat(guard.execute(request("k-rl-2").build(), sendCall()).accepted()).isTrue();
    IntegrationOutcome<JsonNode> third = guard.execute(request("k-rl-3").build(), sendCall());
    IntegrationOutcome<JsonNode> otherTenant = guard.execute(IntegrationRequest.builder().actor(GuardFixtures.user())
        .tenant(GuardFixtures.OTHER_TENANT).provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND)
        .idempotencyKey("k-rl-4").jsonPayload(Map.of("to", "x")).build(), sendCall());

    assertThat(third.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_EXCEEDED);
    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) third).retryAfter()).isAfter(f.clock.instant());
    assertThat(otherTenant.accepted()).isTrue();
    assertThat(received()).isEqualTo(3);
    // nothing of the limited request is lost: its key is free for the resubmission
    assertThat(f.idempotency.isReserved(key("k-rl-3"))).isFalse();
    // and the refusal is audited with its retry time
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RATE_LIMITED)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("RATE_LIMIT_EXCEEDED");
      assertThat(e.correlationId()).contains("corr-k-rl-3");
      assertThat(e.details()).containsEntry("retryAfter",
          ((IntegrationOutcome.RateLimited<JsonNode>) third).retryAfter().toString());
    });
  }

  @Test
  void executeWhenProviderWideLimitIsUsedUpThenEveryTenantIsRateLimited() {
    answer(200, "{\"id\":\"msg-11\"}");
    f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plus(Duration.ofDays(1)));
    IntegrationGuard guard = f.guard(base, p -> p.providerRateLimit(RateLimit.of(1, Duration.ofHours(1))));

    guard.execute(request("k-pw-1").build(), sendCall());
    IntegrationOutcome<JsonNode> other = guard.execute(IntegrationRequest.builder().actor(GuardFixtures.user())
        .tenant(GuardFixtures.OTHER_TENANT).provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND)
        .idempotencyKey("k-pw-2").jsonPayload(Map.of("to", "x")).build(), sendCall());

    assertThat(other.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_EXCEEDED);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenRetriesSpendPermitsThenALimitStopsTheRetries() {
    answer(503, "");
    IntegrationGuard guard = f.guard(base, p -> p.tenantRateLimit(RateLimit.of(2, Duration.ofHours(1))).maxAttempts(5));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-permits").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_EXCEEDED);
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenRetryBudgetIsSpentThenTransientFailuresAreNotRetried() {
    answer(503, "");
    IntegrationGuard guard = f.guard(base, p -> p.retryBudget(0.0, 1, Duration.ofMinutes(1)));

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-budget-1").build(), sendCall());
    int afterFirst = received();
    IntegrationOutcome<JsonNode> second = guard.execute(request("k-budget-2").build(), sendCall());

    assertThat(first.reason()).isEqualTo(OutcomeReason.RETRY_BUDGET_EXHAUSTED);
    assertThat(afterFirst).isEqualTo(2); // one retry was in the minimum budget
    assertThat(second.reason()).isEqualTo(OutcomeReason.RETRY_BUDGET_EXHAUSTED);
    assertThat(received()).isEqualTo(3); // no retry left for the second call
  }

  @Test
  void executeWhenCircuitBreakerIsOpenThenFailedWithoutCalling() {
    answer(503, "");
    IntegrationGuard guard = f.guard(base, p -> p.maxAttempts(1).circuitBreaker(2, 2, Duration.ofMinutes(1)));

    guard.execute(request("k-cb-1").build(), sendCall());
    guard.execute(request("k-cb-2").build(), sendCall());
    IntegrationOutcome<JsonNode> third = guard.execute(request("k-cb-3").build(), sendCall());

    assertThat(third.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenCircuitBreakerIsOpenThenTheFailureSaysWhenItAllowsATrial() {
    answer(503, "");
    IntegrationGuard guard = f.guard(base, p -> p.maxAttempts(1).circuitBreaker(2, 2, Duration.ofMinutes(1)));

    IntegrationOutcome<JsonNode> first = guard.execute(request("k-cb-time-1").build(), sendCall());
    guard.execute(request("k-cb-time-2").build(), sendCall());
    IntegrationOutcome<JsonNode> third = guard.execute(request("k-cb-time-3").build(), sendCall());

    assertThat(third.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    Instant now = f.clock.instant();
    assertThat(((IntegrationOutcome.Failed<JsonNode>) third).retryAfter()).as("%s", third).get()
        .satisfies(at -> assertThat(at).isAfter(now).isBeforeOrEqualTo(now.plus(Duration.ofMinutes(1))));
    assertThat(((IntegrationOutcome.Failed<JsonNode>) first).retryAfter())
        .as("a failure whose time the guard does not know names none: %s", first).isEmpty();
  }

  @Test
  void executeWhenTheProviderAnswers503WithRetryAfterToEveryTenantThenTheCircuitOpensAsForAny503() {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
    IntegrationGuard guard = f.guard(base, p -> p.maxAttempts(1).circuitBreaker(2, 2, Duration.ofMinutes(1)));
    f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plus(Duration.ofDays(1)));

    guard.execute(request("k-cb-ra-1").build(), sendCall());
    guard.execute(IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.OTHER_TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).idempotencyKey("k-cb-ra-2")
        .jsonPayload(Map.of("to", "bob@example.com")).build(), sendCall());
    f.clock.advance(Duration.ofSeconds(1)); // past both tenants' pauses
    IntegrationOutcome<JsonNode> third = guard.execute(request("k-cb-ra-3").build(), sendCall());

    assertThat(third.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenATenantsOwnServerFailsThenOnlyItsCircuitOpensAndTheProvidersOtherCallsGoOn() {
    // globex's own server (an allowed origin it runs) answers 503 to everything
    elsewhere.stubFor(post(MESSAGES).atPriority(1).willReturn(aResponse().withStatus(503)));
    answer(200, "{\"id\":\"msg-acme\"}");
    URI globexServer = URI.create("http://localhost:" + elsewhere.port());
    IntegrationGuard guard = f.guard(base, p -> p.allowedOrigin(globexServer).maxAttempts(1)
        .circuitBreaker(2, 2, Duration.ofMinutes(1)).retryBudget(0, 0, Duration.ofMinutes(1)));
    f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plus(Duration.ofDays(1)));
    java.util.function.IntFunction<IntegrationRequest> globex = i -> IntegrationRequest.builder()
        .actor(GuardFixtures.user()).tenant(GuardFixtures.OTHER_TENANT).provider(GuardFixtures.PROVIDER)
        .action(GuardFixtures.SEND).idempotencyKey("k-globex-" + i).endpoint(globexServer.resolve("/v1/"))
        .jsonPayload(Map.of("to", "bob@example.com")).build();

    guard.execute(globex.apply(1), sendCall());
    guard.execute(globex.apply(2), sendCall());
    IntegrationOutcome<JsonNode> globexAgain = guard.execute(globex.apply(3), sendCall());
    IntegrationOutcome<JsonNode> acme = guard.execute(request("k-acme-main").build(), sendCall());

    assertThat(acme.accepted()).as("acme's call to the provider's endpoint: %s", acme).isTrue();
    assertThat(received()).isEqualTo(1);
    assertThat(globexAgain.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) globexAgain).message()).contains("http://localhost:" + elsewhere.port());
    assertThat(elsewhere.getAllServeEvents()).hasSize(2);
  }

  @Test
  void executeWhenAKeylessPostIsAnswered504ThenEscalatedAndNotResent() {
    sequence(aResponse().withStatus(504), okJson("{\"id\":\"msg-twice\"}"));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();

    IntegrationOutcome<JsonNode> out = guard.execute(keyless, sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(received()).isEqualTo(1);
    assertThat(f.escalations.escalations()).singleElement().satisfies(e -> assertThat(e.lastError()).isEqualTo("status 504"));
  }

  @Test
  void executeWhenAKeylessPostIsAnswered502ThenEscalatedAndNotResent() {
    sequence(aResponse().withStatus(502), okJson("{\"id\":\"msg-twice\"}"));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();

    assertThat(guard.execute(keyless, sendCall()).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(received()).isEqualTo(1);
  }

  @Test
  void executeWhenAKeylessPostIsAnswered500Or524ThenEscalatedWithEvidenceNotAFailureToResend() {
    // the origin failed while handling it (500), or a proxy saw the origin take it and time out (524): it may have
    // acted, and without a key a resubmission could act twice
    for (int status : new int[] {500, 524}) {
      provider.resetAll();
      provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(status).withBody("{\"error\":\"oops\"}")));
      f = new GuardFixtures();
      f.grantMailConsent();
      IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
      IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
          .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();

      IntegrationOutcome<JsonNode> out = guard.execute(keyless, sendCall());

      assertThat(out.reason()).as("status %d", status).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(f.escalations.escalations()).as("status %d", status).singleElement()
          .satisfies(e -> {
            assertThat(e.lastError()).isEqualTo("status " + status);
            assertThat(e.evidenceRef()).isNotEqualTo("evidence-not-kept");
          });
    }
  }

  @Test
  void executeWhenAKeylessPostIsAnswered303ThenEscalatedAsActedBut307And308StayFailures() {
    // 303 See Other answers a POST the origin has processed (RFC 9110 section 15.4.4): the guard does not follow it, and
    // a caller told "failed" would resubmit, acting twice without a key; 307 and 308 ask for the request to be repeated
    // elsewhere, so the origin did not act
    for (int status : new int[] {303, 307, 308}) {
      provider.resetAll();
      provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(status).withHeader("Location", "/v1/messages/m-1")));
      f = new GuardFixtures();
      f.grantMailConsent();
      IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
      IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
          .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();

      IntegrationOutcome<JsonNode> out = guard.execute(keyless, sendCall());

      if (status == 303) {
        assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
        assertThat(f.escalations.escalations()).singleElement()
            .satisfies(e -> assertThat(e.evidenceRef()).isNotEqualTo("evidence-not-kept"));
      } else {
        assertThat(out.reason()).as("status %d", status).isEqualTo(OutcomeReason.PROVIDER_ERROR);
        assertThat(f.escalations.escalations()).as("status %d", status).isEmpty();
      }
      provider.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    }
  }

  @Test
  void executeWhenAKeylessGetIsAnswered500OrAPostIsAnswered501ThenFailedAsBefore() {
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/status")).willReturn(aResponse().withStatus(500)));
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(501)));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    IntegrationRequest.Builder keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.LOOKUP);
    ProviderCall<JsonNode> status = ProviderCall.http("GET", "status", RequestCustomizer.none(),
        JsonValidator.builder().require("id", JsonType.STRING).build());

    assertThat(guard.execute(keyless.build(), status).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
    IntegrationRequest post = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();
    assertThat(guard.execute(post, sendCall()).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
  }

  @Test
  void executeWhenAPostWithAKeyIsAnswered504ThenItIsRetried() {
    sequence(aResponse().withStatus(504), okJson("{\"id\":\"msg-once\"}"));
    IntegrationGuard guard = f.guard(base);

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-504").build(), sendCall());

    assertThat(out.accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
    assertThat(keysSeen).containsExactly(key("k-504").providerKey(), key("k-504").providerKey());
  }

  @Test
  void executeWhenAKeylessGetIsAnswered502ThenItIsRetried() {
    String state = STARTED;
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES).inScenario("get").whenScenarioStateIs(state)
        .willReturn(aResponse().withStatus(502)).willSetStateTo("ok"));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES).inScenario("get").whenScenarioStateIs("ok")
        .willReturn(okJson("{\"id\":\"found\"}")));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.LOOKUP).build();

    IntegrationOutcome<JsonNode> out = guard.execute(keyless, ProviderCall.http("GET", "messages", RequestCustomizer.none(),
        JsonValidator.builder().require("id", JsonType.STRING).build()));

    assertThat(out.accepted()).isTrue();
    assertThat(received()).isEqualTo(2);
  }

  @Test
  void executeWhenAKeylessCallPostsWithTheGuardsClientThenItsGetIsAnswered502ThenEscalatedAndThePostNotResent() {
    // the POST went through ctx.httpClient(), which context.send does not see: the GET after it is no safe resend
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1").willReturn(aResponse().withStatus(502)));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();
    ProviderCall<JsonNode> postThenPoll = ProviderCall.of(ctx -> {
      ctx.httpClient().send(java.net.http.HttpRequest.newBuilder(ctx.endpoint().resolve("messages"))
          .POST(ctx.payloadPublisher()).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
      return ctx.send(ctx.newRequest("messages/msg-1").GET().build());
    }, sendCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(keyless, postThenPoll);

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    provider.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    assertThat(received()).as("the POST and the GET, neither re-sent").isEqualTo(2);
  }

  @Test
  void executeWhenAKeylessCallsPollAfterItsPostIsAnswered503ThenEscalatedAndThePostNotResent() {
    // a 503 says the poll changed nothing, but a retry re-runs the attempt, its POST included
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1").inScenario("poll")
        .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("done"));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1").inScenario("poll")
        .whenScenarioStateIs("done").willReturn(okJson("{\"id\":\"msg-1\"}")));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));

    IntegrationOutcome<JsonNode> out = guard.execute(keylessSend(), postThenPoll());

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    provider.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
    assertThat(f.escalations.escalations()).singleElement().satisfies(e -> assertThat(e.lastError()).isEqualTo("status 503"));
  }

  @Test
  void executeWhenAKeylessCallsPollAfterItsPostIsRateLimitedThenEscalatedNotRateLimited() {
    // RATE_LIMITED would tell the caller nothing happened and to resubmit: the POST did happen
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1")
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "0")));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));

    IntegrationOutcome<JsonNode> out = guard.execute(keylessSend(), postThenPoll());

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    provider.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
  }

  @Test
  void executeWhenAKeylessCallsPollAfterItsPostCannotConnectThenEscalatedAndThePostNotResent() {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)));
    IntegrationGuard guard = f.guard(base, p -> p.requireIdempotencyKey(false));
    ProviderCall<JsonNode> postThenRefused = reporting(ctx -> {
      ctx.send(ctx.newRequest("messages").POST(ctx.payloadPublisher()).build());
      throw new java.net.ConnectException("poll refused"); // nothing of the poll left, but the POST did
    });

    IntegrationOutcome<JsonNode> out = guard.execute(keylessSend(), postThenRefused);

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    provider.verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
  }

  @Test
  void executeWhenAPostWithAKeyIsPolledAndThePollIsAnswered503ThenTheAttemptIsRetriedUnderTheKey() {
    // with a key the provider recognises the repeated POST: the transient poll is retried as before
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(202)));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1").inScenario("poll")
        .whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(503)).willSetStateTo("done"));
    provider.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(MESSAGES + "/msg-1").inScenario("poll")
        .whenScenarioStateIs("done").willReturn(okJson("{\"id\":\"msg-1\"}")));
    IntegrationGuard guard = f.guard(base);

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-poll").build(), postThenPoll());

    assertThat(out.accepted()).as("%s", out).isTrue();
    provider.verify(2, postRequestedFor(urlEqualTo(MESSAGES)).withHeader("Idempotency-Key", equalTo(key("k-poll").providerKey())));
  }

  private static IntegrationRequest keylessSend() {
    return IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(Map.of("to", "bob@example.com")).build();
  }

  /** POSTs the payload, then polls the created message with a GET: two requests through the guard's send. */
  private static ProviderCall<JsonNode> postThenPoll() {
    return reporting(ctx -> {
      ctx.send(ctx.newRequest("messages").POST(ctx.payloadPublisher()).build());
      return ctx.send(ctx.newRequest("messages/msg-1").GET().build());
    });
  }

  /** A call whose every request goes through {@link CallContext#send}, and says so. */
  private static ProviderCall<JsonNode> reporting(ProviderExchange exchange) {
    return new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        return exchange.exchange(context);
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return sendCall().validator();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };
  }

  @Test
  void executeWhenTheBreakerOpensPartwayThroughACallThenTheMessageSaysHowManyAttemptsWereSent() {
    answer(503, "");
    IntegrationGuard guard = f.guard(base, p -> p.circuitBreaker(2, 2, Duration.ofMinutes(1)));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-cb-mid").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.CIRCUIT_OPEN);
    assertThat(received()).isEqualTo(2);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).attempts()).isEqualTo(2);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).message()).isEqualTo("2 attempts of this call failed (last: "
        + "status 503), then the circuit breaker of provider 'acme-mail' opened after repeated failures, so no further "
        + "attempt was sent: retry after PT1M");
  }

  @Test
  void executeWhenNothingListensThenConnectErrorsAreRetriedAndTheCallFails() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    IntegrationGuard guard = f.guard("http://127.0.0.1:" + closedPort);

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-refused").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).attempts()).isEqualTo(3);
    assertThat(f.escalations.escalations()).isEmpty();
  }

  @Test
  void executeAsyncCompletesWithTheSameOutcome() throws Exception {
    answer(200, "{\"id\":\"msg-async\"}");

    IntegrationOutcome<JsonNode> out = f.guard(base).executeAsync(request("k-async").build(), sendCall()).get(10, TimeUnit.SECONDS);

    assertThat(out.accepted()).isTrue();
    assertThat(received()).isEqualTo(1);
  }

  private static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of(GuardFixtures.TENANT), ProviderId.of(GuardFixtures.PROVIDER), GuardFixtures.SEND, k);
  }
}
