package com.algosure.integration;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors the README section "Quick start: a guarded provider call": its snippet, as written but for the
 * endpoint (a WireMock provider on {@code http://127.0.0.1}, so {@code transportPolicy(httpsOrLoopbackHttp())}
 * is added) and the secrets directory (a temporary directory instead of {@code /run/secrets}). Change one,
 * change the other.
 */
class ReadmeGuardedCallTest {

  private final InMemoryAuditSink decisions = AuditSink.inMemory();
  private final WireMockServer provider = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  @TempDir Path secretsDir;

  @AfterEach
  void stop() {
    provider.stop();
  }

  @Test
  void readmeGuardedCallWhenProviderAnswersAnIdThenAcceptedWithTheTenantsSecretAndADerivedKey() throws Exception {
    IntegrationOutcome<JsonNode> out = readmeCall();

    assertThat(out).as(out.toString()).isInstanceOf(IntegrationOutcome.Accepted.class);
    IntegrationOutcome.Accepted<JsonNode> accepted = (IntegrationOutcome.Accepted<JsonNode>) out;
    assertThat(accepted.value().orElseThrow().get("id").asText()).isEqualTo("msg-1");
    assertThat(accepted.safeFields()).containsExactly(Map.entry("id", "msg-1"));
    List<LoggedRequest> sent = provider.findAll(postRequestedFor(urlEqualTo("/v1/messages"))
        .withHeader("Authorization", equalTo("Bearer sk_acme")));
    assertThat(sent).hasSize(1);
    // the provider receives a key derived from tenant, provider, action and ours, never ours as given
    assertThat(sent.get(0).getHeader("Idempotency-Key")).isNotBlank().isNotEqualTo("order-42-mail");
    assertThat(decisions.events(AuditEventType.AUTHORIZATION_DECISION)).hasSize(1);
  }

  /** The guard's own audit goes to SLF4J by default: with INFO off on {@code com.algosure.audit}, nothing is sent. */
  @Test
  void readmeGuardedCallWhenAuditLoggerInfoOffThenFailedAuditFailedAndNothingSent() throws Exception {
    ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.algosure.audit");
    ch.qos.logback.classic.Level before = audit.getLevel();
    IntegrationOutcome<JsonNode> out;
    try {
      audit.setLevel(ch.qos.logback.classic.Level.WARN);
      out = readmeCall();
    } finally {
      audit.setLevel(before);
    }

    assertThat(out.reason()).as(out.toString()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(provider.findAll(postRequestedFor(urlEqualTo("/v1/messages")))).isEmpty();
  }

  private IntegrationOutcome<JsonNode> readmeCall() throws Exception {
    provider.start();
    provider.stubFor(post("/v1/messages").willReturn(okJson("{\"id\":\"msg-1\",\"extra\":\"x\"}")));
    Files.createDirectories(secretsDir.resolve("acme-mail/acme"));
    Files.writeString(secretsDir.resolve("acme-mail/acme/api-key"), "sk_acme\n");
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(PermissionDefinition.of("mail:send").withScope(PermissionScope.TENANT))
            .role("mailer", "mail:send").build())
        .directory(Directory.inMemory().tenantRole("alice", "acme", "mailer").build())
        .auditSink(decisions)
        .build();
    InMemoryConsentRegistry consentRegistry = ConsentRegistry.inMemory(Clock.systemUTC());
    consentRegistry.grant(TenantId.of("acme"), ConsentScope.MAIL, java.time.Instant.now().plus(Duration.ofDays(1)));
    Actor actor = Actor.user("alice");
    Map<String, String> mail = Map.of("to", "bob@example.com", "subject", "hello");

    // --- README "Quick start: a guarded provider call" (endpoint on loopback http, secrets in a temporary directory) ---
    IntegrationGuard guard = IntegrationGuard.builder()
        .policyDecisionPoint(pdp)                                  // authorization, audited once by the PDP
        .provider(ProviderPolicy.builder("acme-mail")
            .endpoint(URI.create("http://127.0.0.1:" + provider.port() + "/v1/"))   // https only (TLS 1.2+)
            .action("mail:send", ConsentScope.MAIL)                // the consent this action needs
            .secret("acme-mail/{tenant}/api-key")                  // leased per call from the secrets SPI
            .tenantRateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
            .build())
        .consents(consentRegistry)
        .secrets(SecretStore.directory(secretsDir, Duration.ofMinutes(5)))
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .build();
    IntegrationOutcome<JsonNode> out = guard.execute(
        IntegrationRequest.builder().actor(actor).tenant("acme").provider("acme-mail").action("mail:send")
            .idempotencyKey("order-42-mail").jsonPayload(mail).build(),
        ProviderCall.post("messages",
            (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(SecretRef.of("acme-mail/{tenant}/api-key")).reveal()),
            JsonValidator.builder().require("id", JsonType.STRING).safeField("id").build()));
    // --- end ---
    return out;
  }
}
