package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditSink;
import com.algosure.authz.TenantId;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mirrors the README section "Quick start: a verified callback": its snippet as written (no address to
 * substitute), with a stand-in for the servlet response and the host's {@code mailEvents}, fed a signed
 * delivery, the same delivery again, and a tampered one. Change one, change the other.
 */
class ReadmeVerifiedCallbackTest {

  /** The host's store of mail events the snippet's handler records into. */
  static final class MailEvents {
    final List<String> recorded = new ArrayList<>();

    void record(TenantId tenant, JsonNode payload) {
      recorded.add(tenant.value() + ":" + payload.get("type").asText());
    }
  }

  /** A stand-in for {@code HttpServletResponse}. */
  static final class Response {
    int status;

    void setStatus(int status) {
      this.status = status;
    }
  }

  @Test
  void readmeVerifiedCallbackWhenSignedThenHandledOnceAndTamperedRejected() {
    String whsec = WebhookSigning.newWhsec();
    Secret webhookSecret = Secret.of(SecretRef.of("acme-mail/webhook"), whsec);
    MailEvents mailEvents = new MailEvents();

    // --- README "Quick start: a verified callback" (the guard, built once) ---
    CallbackGuard callbacks = CallbackGuard.builder()
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(webhookSecret).build())   // v1 HMAC, v1a Ed25519
            .build())
        .auditSink(AuditSink.slf4j())
        .build();
    // --- end ---

    byte[] body = "{\"type\":\"delivered\",\"id\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    Map<String, List<String>> signed = Map.of("webhook-id", List.of("msg_1"), "webhook-timestamp", List.of(String.valueOf(now)),
        "webhook-signature", List.of(WebhookSigning.v1(whsec, "msg_1", now, body)));

    assertThat(handle(callbacks, mailEvents, signed, body)).isEqualTo(200);
    assertThat(mailEvents.recorded).containsExactly("acme:delivered");
    // a duplicate delivery is acknowledged without running the handler again
    assertThat(handle(callbacks, mailEvents, signed, body)).isEqualTo(200);
    assertThat(mailEvents.recorded).hasSize(1);
    // a bad signature never reaches the handler
    byte[] tampered = "{\"type\":\"bounced\",\"id\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> tamperedHeaders = Map.of("webhook-id", List.of("msg_2"),
        "webhook-timestamp", List.of(String.valueOf(now)), "webhook-signature", List.of(WebhookSigning.v1(whsec, "msg_2", now, body)));
    assertThat(handle(callbacks, mailEvents, tamperedHeaders, tampered)).isEqualTo(401);
    assertThat(mailEvents.recorded).hasSize(1);
  }

  /** The README: the SLF4J audit default needs INFO on {@code com.algosure.audit}; without, a callback is not handled. */
  @Test
  void readmeVerifiedCallbackWhenAuditLoggerInfoOffThenRefusedForRedeliveryAndNotHandled() {
    String whsec = WebhookSigning.newWhsec();
    Secret webhookSecret = Secret.of(SecretRef.of("acme-mail/webhook"), whsec);
    MailEvents mailEvents = new MailEvents();
    CallbackGuard callbacks = CallbackGuard.builder()
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(webhookSecret).build())   // v1 HMAC, v1a Ed25519
            .build())
        .auditSink(AuditSink.slf4j())
        .build();
    byte[] body = "{\"type\":\"delivered\",\"id\":\"m-1\"}".getBytes(StandardCharsets.UTF_8);
    long now = Instant.now().getEpochSecond();
    Map<String, List<String>> signed = Map.of("webhook-id", List.of("msg_1"), "webhook-timestamp", List.of(String.valueOf(now)),
        "webhook-signature", List.of(WebhookSigning.v1(whsec, "msg_1", now, body)));
    ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.algosure.audit");
    ch.qos.logback.classic.Level before = audit.getLevel();
    int status;
    try {
      audit.setLevel(ch.qos.logback.classic.Level.WARN);
      status = handle(callbacks, mailEvents, signed, body);
    } finally {
      audit.setLevel(before);
    }

    assertThat(status).isEqualTo(503); // AUDIT_UNAVAILABLE: the provider redelivers
    assertThat(mailEvents.recorded).isEmpty();
  }

  private static int handle(CallbackGuard callbacks, MailEvents mailEvents, Map<String, List<String>> headers, byte[] rawBody) {
    Response response = new Response();

    // --- README "Quick start: a verified callback" (one delivery) ---
    CallbackOutcome out = callbacks.handle(
        CallbackRequest.of(ProviderId.of("acme-mail"), headers, rawBody),
        JsonValidator.builder().require("type", JsonType.STRING).build(),
        event -> mailEvents.record(event.tenant(), event.payload()));
    response.setStatus(out.httpStatus());
    // --- end ---

    return response.status;
  }
}
