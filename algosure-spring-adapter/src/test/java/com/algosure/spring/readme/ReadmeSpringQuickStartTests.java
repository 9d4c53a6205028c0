package com.algosure.spring.readme;

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
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.GuardedCall;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.test.AlgosureTestIssuer;
import com.algosure.spring.test.TestHttpClient;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mirrors the README section "Spring Boot quick start": its configuration ({@code readme/application.yml}, as
 * written but for the issuer and the provider on loopback http, which needs {@code allow-loopback-http}), the
 * beans it says to declare (a {@code Directory}, a {@code ConsentRegistry}), and its two annotated methods as
 * written, bodies filled in, over real HTTP with real signed tokens. Change one, change the other.
 */
@SpringBootTest(classes = ReadmeQuickStartApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.config.location=classpath:readme/application.yml")
class ReadmeSpringQuickStartTests {

  static final AlgosureTestIssuer ISSUER = AlgosureTestIssuer.start();
  static final WireMockServer AUTHORITY = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

  static {
    AUTHORITY.start();
  }

  @DynamicPropertySource
  static void addresses(DynamicPropertyRegistry registry) {
    registry.add("readme.issuer-uri", ISSUER::issuer);
    registry.add("readme.authority-endpoint", () -> "http://127.0.0.1:" + AUTHORITY.port() + "/");
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
    AUTHORITY.stop();
  }

  @LocalServerPort
  int port;

  @Autowired
  InMemoryAuditSink audit;

  TestHttpClient http;

  @BeforeEach
  void client() {
    http = new TestHttpClient(port);
    AUTHORITY.resetAll();
    AUTHORITY.stubFor(post(urlEqualTo("/filings")).willReturn(okJson("{\"receipt\":\"R-1\"}")));
    audit.clear();
  }

  private static String alice() {
    return ISSUER.user("alice").token();
  }

  @Test
  void getWhenNoTokenThen401Problem() {
    TestHttpClient.Response r = http.get("/filings/f-1", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsKeys("reason", "decisionId");
  }

  @Test
  void getWhenMemberReadsInHerOrganizationThenPermittedAndAudited() {
    TestHttpClient.Response r = http.get("/filings/f-1", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.map()).containsEntry("id", "f-1");
    assertThat(audit.events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
        .satisfies(e -> assertThat(e.action()).contains("filings:read"));
  }

  @Test
  void getWhenOrganizationNotHersThen403ProblemWithEffectAndStage() {
    TestHttpClient.Response r = http.get("/filings/f-1", ISSUER.user("bob").token(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsKeys("reason", "decisionId", "effect", "stage");
  }

  @Test
  void submitWhenConsentedWithKeyThenSentToTheAuthorityAndReceiptReturned() {
    TestHttpClient.Response r = http.postJson("/filings/submissions", alice(), "{\"tenant\":\"acme\",\"filing\":\"f-1\"}",
        "X-Organization-Id", "sales", "Idempotency-Key", "submit-f-1");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.map()).containsEntry("receipt", "{\"receipt\":\"R-1\"}");
    AUTHORITY.verify(1, postRequestedFor(urlEqualTo("/filings")).withRequestBody(equalTo("{\"filing\":\"f-1\",\"tenant\":\"acme\"}")));
  }

  @Test
  void submitWhenIdempotencyKeyMissingThen400AndNothingSent() {
    TestHttpClient.Response r = http.postJson("/filings/submissions", alice(), "{\"tenant\":\"acme\",\"filing\":\"f-1\"}",
        "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    AUTHORITY.verify(0, postRequestedFor(urlEqualTo("/filings")));
  }
}
