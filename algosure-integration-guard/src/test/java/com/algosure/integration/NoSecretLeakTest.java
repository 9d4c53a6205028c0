package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.SECRET_VALUE;
import static com.algosure.integration.GuardFixtures.request;
import static com.algosure.integration.GuardFixtures.sendCall;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackOutcome;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.CallbackRequest;
import com.algosure.integration.inbound.StandardWebhooksVerifier;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets protected: on every failure path, the provider's API key (sent as a bearer token, echoed back by
 * a hostile provider, and thrown in exception messages by host code) appears in no log line (DEBUG
 * included, captured with a logback ListAppender), no audit event (in memory and as the SLF4J JSON line),
 * no outcome, no escalation and no exception message.
 */
class NoSecretLeakTest {

  static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  static final String MESSAGES = "/v1/messages";
  static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  GuardFixtures f;
  LogCapture logs;
  final List<String> seen = new ArrayList<>();

  @BeforeAll
  static void start() {
    provider.start();
  }

  @AfterAll
  static void stop() {
    provider.stop();
  }

  @BeforeEach
  void setUp() {
    provider.resetAll();
    f = new GuardFixtures();
    f.grantMailConsent();
    logs = new LogCapture();
  }

  @AfterEach
  void noSecretAnywhere() {
    logs.close();
    List<String> everything = new ArrayList<>(seen);
    everything.addAll(logs.lines());
    for (AuditEvent e : f.audit.events()) {
      everything.add(e.toString());
    }
    f.escalations.escalations().forEach(e -> everything.add(e.toString()));
    assertThat(everything).isNotEmpty();
    assertThat(everything).noneMatch(s -> s.contains(SECRET_VALUE));
    assertThat(everything).noneMatch(s -> s.contains(WEBHOOK_SECRET.substring(6)));
  }

  /** A guard whose audit also goes through the SLF4J JSON sink, so audit lines are in the captured logs. */
  IntegrationGuard guard(Function<ProviderPolicy.Builder, ProviderPolicy.Builder> customize) {
    AuditSink json = AuditSink.slf4j();
    return IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(customize.apply(GuardFixtures.provider("http://127.0.0.1:" + provider.port())).build())
        .clock(f.clock).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency)
        .escalations(f.escalations).evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .auditSink(e -> {
          f.audit.record(e);
          json.record(e);
        })
        .build();
  }

  /** @return the outcome, whose texts are collected for the check after each test */
  IntegrationOutcome<JsonNode> run(IntegrationGuard guard, String key, ProviderCall<JsonNode> call) {
    IntegrationOutcome<JsonNode> out = guard.execute(request(key).build(), call);
    seen.add(out.toString());
    seen.add(out.request().toString());
    if (out instanceof IntegrationOutcome.Failed<JsonNode> failed) {
      seen.add(failed.message());
    } else if (out instanceof IntegrationOutcome.Rejected<JsonNode> rejected) {
      seen.add(rejected.message());
    } else if (out instanceof IntegrationOutcome.Denied<JsonNode> denied) {
      seen.add(denied.message());
    }
    return out;
  }

  /** A hostile provider echoes the bearer token back in its error body. */
  void echo(int status) {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(status)
        .withBody("{\"error\":\"bad key " + SECRET_VALUE + "\"")));
  }

  @Test
  void transientFailuresPastTheRetryPolicy() {
    echo(503);
    assertThat(run(guard(p -> p), "leak-503", sendCall()).reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
  }

  @Test
  void aNonRetryableProviderError() {
    echo(401);
    assertThat(run(guard(p -> p), "leak-401", sendCall()).reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
  }

  @Test
  void aMalformedResponseThatEchoesTheSecret() {
    echo(200);
    assertThat(run(guard(p -> p), "leak-malformed", sendCall()).reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
  }

  @Test
  void aValidAnswerThatEchoesTheSecretInAFieldMarkedSafe() {
    // the call marks "id" safe for the audit trail; a hostile provider answers with our credential as the id
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"Bearer " + SECRET_VALUE + "\"}")));
    run(guard(p -> p), "leak-safe-field", sendCall());
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("field.id", ResponseValidationStep.REDACTED));
    // the key's record replays the redacted fields, never the credential
    run(guard(p -> p), "leak-safe-field", sendCall());
  }

  /**
   * Regression: the validator cuts a safe field at 128 characters before the guard looks for the call's secrets in
   * it, so a credential echoed across the cut was no longer whole in the value and its first part was audited.
   */
  @Test
  void aValidAnswerThatEchoesTheSecretAcrossTheCutOfAFieldMarkedSafe() {
    String id = "x".repeat(108) + SECRET_VALUE; // cut after the secret's first 20 characters
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"" + id + "\"}")));
    run(guard(p -> p), "leak-cut-field", sendCall());
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("field.id", ResponseValidationStep.REDACTED));
  }

  @Test
  void aRateLimitAnswer() {
    provider.stubFor(post(MESSAGES).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
        .withBody(SECRET_VALUE)));
    assertThat(run(guard(p -> p), "leak-429", sendCall()).reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
  }

  @Test
  void aTimeoutAfterSendingThatIsEscalated() {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"x\"}").withFixedDelay(1000)));
    run(guard(p -> p.attemptTimeout(Duration.ofMillis(100))), "leak-timeout", sendCall());
    assertThat(f.escalations.escalations()).hasSize(1);
  }

  @Test
  void aRefusedConnection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    IntegrationRequest r = request("leak-refused").endpoint(URI.create("http://127.0.0.1:" + port + "/v1/")).build();
    // the override names a server of the provider's that is down: allowed, so the connection is really refused
    IntegrationOutcome<JsonNode> out = guard(p -> p.allowedOrigin(URI.create("http://127.0.0.1:" + port))).execute(r, sendCall());
    assertThat(out.reason()).isEqualTo(OutcomeReason.RETRIES_EXHAUSTED);
    seen.add(out.toString());
  }

  @Test
  void hostCodeThatThrowsWithTheSecretInItsMessage() {
    ProviderCall<JsonNode> careless = ProviderCall.of(ctx -> {
      throw new IOException("auth failed for key " + ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal());
    }, JsonValidator.builder().build());
    assertThat(run(guard(p -> p), "leak-host-io", careless).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    ProviderCall<JsonNode> carelessBeforeSending = ProviderCall.of(ctx -> {
      throw new IllegalStateException("bad config, key=" + ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal());
    }, JsonValidator.builder().build());
    assertThat(run(guard(p -> p), "leak-host-ise", carelessBeforeSending).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
  }

  @Test
  void hostCodeThatPrintsTheCallContextAndTheSecret() {
    // host code logging what it was handed: the context and the secret print by reference, never by value
    List<String> printed = new ArrayList<>();
    ProviderCall<JsonNode> printing = ProviderCall.of(ctx -> {
      printed.add(ctx.toString());
      printed.add(String.valueOf(ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF))));
      return ProviderResponse.of(200, java.util.Map.of(), "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().build());

    assertThat(run(guard(p -> p), "leak-printed-context", printing).accepted()).isTrue();
    assertThat(printed).hasSize(2).allMatch(s -> s.contains(GuardFixtures.SECRET_REF));
    seen.addAll(printed);
  }

  @Test
  void aValidatorThatThrowsWithTheBodyInItsMessage() {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"token\":\"" + SECRET_VALUE + "\"}")));
    ProviderCall<JsonNode> careless = ProviderCall.post("messages",
        (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal()),
        payload -> {
          throw new IllegalArgumentException("unexpected " + new String(payload, StandardCharsets.UTF_8));
        });
    assertThat(run(guard(p -> p), "leak-validator", careless).reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
  }

  @Test
  void aValidatorWhoseInvalidPayloadMessageQuotesTheEchoedSecret() {
    // InvalidPayloadException's message is taken as the rejection's problem: a validator that quotes the offending
    // value (against its contract) must not carry the credential a hostile provider echoed into the outcome and log
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"status\":\"" + SECRET_VALUE + "\"}")));
    ProviderCall<JsonNode> quoting = ProviderCall.post("messages",
        (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal()),
        payload -> {
          throw new InvalidPayloadException("field status must be 'sent', was '"
              + new String(payload, StandardCharsets.UTF_8).replaceAll(".*\"status\":\"([^\"]*)\".*", "$1") + "'");
        });
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider("http://127.0.0.1:" + provider.port()).build())
        .clock(f.clock).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency)
        .escalations(com.algosure.integration.spi.EscalationHandler.logging()).evidence(f.evidence)
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp()).auditSink(f.audit).build();
    run(guard, "leak-quoting-validator", quoting);
    assertThat(seen).anyMatch(s -> s.contains("field status must be 'sent'"));
  }

  @Test
  void denialsBeforeTheCall() {
    IntegrationGuard guard = guard(p -> p);
    IntegrationOutcome<JsonNode> plain = guard.execute(request("leak-plain").endpoint(URI.create("http://partner.example/")).build(), sendCall());
    IntegrationOutcome<JsonNode> unauthorized = guard.execute(IntegrationRequest.builder().actor(Actor.user("mallory"))
        .tenant(GuardFixtures.TENANT).provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).idempotencyKey("leak-pdp").build(), sendCall());
    f.consents.revoke("consent-1");
    IntegrationOutcome<JsonNode> noConsent = guard.execute(request("leak-consent").build(), sendCall());
    seen.add(plain.toString());
    seen.add(unauthorized.toString());
    seen.add(noConsent.toString());
    assertThat(plain.reason()).isEqualTo(OutcomeReason.TRANSPORT_INSECURE);
    assertThat(unauthorized.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    assertThat(noConsent.reason()).isEqualTo(OutcomeReason.CONSENT_REVOKED);
  }

  @Test
  void aMissingSecretAndAFailingAuditSink() {
    f.secrets.remove(SecretRef.of(GuardFixtures.SECRET_REF));
    assertThat(run(guard(p -> p), "leak-missing", sendCall()).reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    f.secrets.rotate(SecretRef.of(GuardFixtures.SECRET_REF), SECRET_VALUE);
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"x\"}")));
    IntegrationGuard failingAudit = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider("http://127.0.0.1:" + provider.port()).build()).clock(f.clock).consents(f.consents)
        .secrets(f.secrets).transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .auditSink(e -> {
          if (e.type() != AuditEventType.AUTHORIZATION_DECISION) {
            throw new IllegalStateException("audit down while recording " + e);
          }
        }).build();
    assertThat(run(failingAudit, "leak-audit", sendCall()).reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
  }

  @Test
  void inboundFailuresWithAWebhookSecret() {
    Secret webhookSecret = Secret.of(SecretRef.of("webhooks/acme-mail"), WEBHOOK_SECRET);
    CallbackGuard guard = CallbackGuard.builder().clock(f.clock).auditSink(f.audit)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(webhookSecret).build()).build())
        .build();
    String now = Long.toString(f.clock.instant().getEpochSecond());
    CallbackOutcome bad = guard.handle(CallbackRequest.builder("acme-mail").header("webhook-id", "msg_1")
        .header("webhook-timestamp", now).header("webhook-signature", "v1,AAAA")
        .body("{}".getBytes(StandardCharsets.UTF_8)).build(), com.algosure.integration.PayloadValidator.bytes(10), c -> { });
    CallbackOutcome missing = guard.handle(CallbackRequest.builder("acme-mail").body(new byte[1]).build(),
        com.algosure.integration.PayloadValidator.bytes(10), c -> { });
    seen.add(bad.toString());
    seen.add(missing.toString());
    seen.add(webhookSecret.toString());
    seen.add(StandardWebhooksVerifier.builder().secret(webhookSecret).build().toString());
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().secret(Secret.of(SecretRef.of("webhooks/bad"), "whsec_" + SECRET_VALUE + "!")))
        .satisfies(e -> seen.add(e.getMessage()));
  }
}
