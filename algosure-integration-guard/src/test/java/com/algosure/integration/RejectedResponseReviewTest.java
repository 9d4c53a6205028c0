package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static com.algosure.integration.GuardFixtures.sendCall;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.Escalation;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The architecture's answer to an invalid provider response: "reject, audit, and require review or retry if safe".
 * A rejected answer to a request that may have changed something at the provider is handed to the owning domain
 * for review and its key stays completed; one to GET, HEAD or OPTIONS requests only is marked safe to retry and
 * its key released. Against a provider on 127.0.0.1 (WireMock).
 */
class RejectedResponseReviewTest {

  static final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  GuardFixtures f;
  IntegrationGuard guard;

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
    guard = f.guard("http://127.0.0.1:" + provider.port());
  }

  private static ProviderCall<JsonNode> statusCall() {
    return ProviderCall.http("GET", "messages/msg-1", RequestCustomizer.none(),
        JsonValidator.builder().require("id", JsonType.STRING).build());
  }

  @Test
  void executeWhenThePostsAnswerIsInvalidThenRejectedHandedForReviewAndTheKeyStaysCompleted() {
    provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200).withBody("{\"status\":\"queued\"}")));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-review").build(), sendCall());
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-review").build(), sendCall());

    assertThat(out).isInstanceOf(IntegrationOutcome.Rejected.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    Escalation review = f.escalations.reviews().get(0);
    assertThat(f.escalations.reviews()).hasSize(1);
    assertThat(f.escalations.escalations()).isEmpty();
    assertThat(review.evidenceRef()).isEqualTo(((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef().orElseThrow());
    assertThat(review.idempotencyKey()).contains("k-review");
    assertThat(review.lastError()).startsWith("the provider's response is invalid");
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).message())
        .contains("handed for review (" + review.id() + ")").contains("do not resend");
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REJECTED)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("reviewId", review.id()).containsEntry("reviewDelivered", "true").containsEntry("resendSafe", "false"));
    // the provider probably acted: the same key never sends again
    assertThat(again).isInstanceOf(IntegrationOutcome.Duplicate.class);
    provider.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
  }

  @Test
  void executeWhenTheGetsAnswerIsInvalidThenRejectedAsSafeToRetryAndTheKeyIsReleased() {
    provider.stubFor(get("/v1/messages/msg-1").willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-get").build(), statusCall());
    IntegrationOutcome<JsonNode> retried = guard.execute(request("k-get").build(), statusCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).message()).contains("retrying is safe");
    assertThat(f.escalations.reviews()).isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REJECTED)).first().satisfies(e -> assertThat(e.details())
        .containsEntry("resendSafe", "true").doesNotContainKey("reviewId"));
    assertThat(retried.reason()).as("the released key runs again").isEqualTo(OutcomeReason.RESPONSE_INVALID);
    provider.verify(2, getRequestedFor(urlEqualTo("/v1/messages/msg-1")));
  }

  @Test
  void executeWhenACallWithItsOwnClientGetsAnInvalidAnswerThenItIsNotTakenForSafe() {
    // the guard cannot see what a call that does not use context.send sent: it may have changed something
    ProviderCall<JsonNode> own = ProviderCall.of(context -> ProviderResponse.of(200, java.util.Map.of(),
        "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-own").build(), own);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(f.escalations.reviews()).hasSize(1);
  }

  @Test
  void executeWhenACallPostsWithTheGuardsClientThenGetsThroughSendThenTheInvalidAnswerIsHandedForReview() {
    // context.send saw only the GET; the POST went through context.httpClient(), which it does not see. The call
    // promises to report its sending, so it is the client handed out, not an unreported call, that rules out "safe"
    provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(202)));
    provider.stubFor(get("/v1/messages/msg-1").willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
    ProviderCall<JsonNode> postThenPoll = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        context.httpClient().send(java.net.http.HttpRequest.newBuilder(context.endpoint().resolve("messages"))
            .POST(context.payloadPublisher()).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        return context.send(context.newRequest("messages/msg-1").GET().build());
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return statusCall().validator();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-client").build(), postThenPoll);
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-client").build(), postThenPoll);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(f.escalations.reviews()).hasSize(1);
    assertThat(again).as("the key stays completed").isInstanceOf(IntegrationOutcome.Duplicate.class);
    provider.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
  }

  @Test
  void executeWhenACallThatReportsSendingMarksItsOwnPostThenGetsThroughSendThenTheInvalidAnswerIsHandedForReview() {
    // the call sends its POST by its own means and says so with markSent(); send() sees only the GET after it
    provider.stubFor(get("/v1/messages/msg-1").willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
    ProviderCall<JsonNode> ownPostThenPoll = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        context.markSent(); // its own client's POST, unseen by the guard
        return context.send(context.newRequest("messages/msg-1").GET().build());
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return statusCall().validator();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-marked").build(), ownPostThenPoll);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(f.escalations.reviews()).hasSize(1);
    assertThat(guard.execute(request("k-marked").build(), ownPostThenPoll)).isInstanceOf(IntegrationOutcome.Duplicate.class);
  }

  @Test
  void executeWhenACallDoesNotPromiseToReportItsSendingThenItsGetIsNotTakenForSafe() {
    // ProviderCall.of does not report its sending: it may have sent by means the guard never sees
    provider.stubFor(get("/v1/messages/msg-1").willReturn(aResponse().withStatus(200).withBody("<html>maintenance</html>")));
    ProviderCall<JsonNode> unreported = ProviderCall.of(
        context -> context.send(context.newRequest("messages/msg-1").GET().build()), statusCall().validator());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-unreported").build(), unreported);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(f.escalations.reviews()).hasSize(1);
  }

  @Test
  void executeWhenTheReviewHandlerThrowsThenStillRejectedAndTheFailureIsAudited() {
    provider.stubFor(post("/v1/messages").willReturn(aResponse().withStatus(200).withBody("{}")));
    IntegrationGuard failing = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider("http://127.0.0.1:" + provider.port()).build())
        .clock(f.clock).auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency)
        .evidence(f.evidence).transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .escalations(e -> {
          throw new IllegalStateException("queue down");
        })
        .build();

    IntegrationOutcome<JsonNode> out = failing.execute(request("k-fail").build(), sendCall());

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).message()).contains("which the escalation handler failed to take");
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("reviewDelivered", "false"));
  }
}
