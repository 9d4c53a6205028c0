package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.examples.filings.dev.StubAuthority;
import com.algosure.examples.filings.walkthrough.Walkthrough;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.test.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The example as its README runs it: the walkthrough, and what the walkthrough does not show. */
@SpringBootTest(classes = FilingsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "filings.audit-file=target/filings-audit-test.log")
class FilingsApplicationTests {

  @LocalServerPort
  int port;

  @Autowired
  StubAuthority authority;

  @Autowired
  MeterRegistry meters;

  TestHttpClient http;

  @BeforeEach
  void client() {
    http = new TestHttpClient(port);
  }

  private String token(String user) {
    return http.post("/dev/tokens/" + user, null).json().path("access_token").asText();
  }

  private String approvedDraft(String title) {
    String id = http.postJson("/api/filings", token("alice"), "{\"title\":\"" + title + "\"}", "X-Organization-Id", "sales")
        .json().path("id").asText();
    String approval = http.post("/api/filings/" + id + "/approvals", token("dave")).json().path("approvalId").asText();
    return id + " " + approval;
  }

  @Test
  void walkthroughWhenRunAgainstTheServiceThenEveryStepAnswersAsExpected() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int unexpected = new Walkthrough(port, authority, meters, new PrintStream(printed, true, StandardCharsets.UTF_8),
        "target/filings-audit-test.log").run();
    String out = printed.toString(StandardCharsets.UTF_8);
    assertThat(unexpected).as(out).isZero();
    assertThat(out).contains("ORGANIZATION_AMBIGUOUS", "APPROVAL_REQUIRED", "DOMAIN_RULE_DENIED", "REPLAYED",
        "callback ACCEPTED", "SIGNATURE_INVALID", "AGENT_SCOPE_EXCEEDED", "MFA_REQUIRED", "Every step answered as expected.");
  }

  @Test
  void submitWhenNoIdempotencyKeyThen400AndNothingSubmitted() {
    String[] f = approvedDraft("no key").split(" ");
    int before = authority.received();
    TestHttpClient.Response r = http.post("/api/filings/" + f[0] + "/submit", token("alice"), "X-Approval-Id", f[1]);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.reason()).isEqualTo("IDEMPOTENCY_KEY_MISSING");
    assertThat(authority.received()).isEqualTo(before);
  }

  @Test
  void submitWhenKeyReusedForAnotherFilingThen422AndNothingSubmitted() {
    String[] first = approvedDraft("first").split(" ");
    String[] second = approvedDraft("second").split(" ");
    String key = "k-" + first[0];
    assertThat(http.post("/api/filings/" + first[0] + "/submit", token("alice"), "Idempotency-Key", key, "X-Approval-Id", first[1])
        .status()).isEqualTo(200);
    int before = authority.received();
    TestHttpClient.Response r = http.post("/api/filings/" + second[0] + "/submit", token("alice"), "Idempotency-Key", key,
        "X-Approval-Id", second[1]);
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.reason()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(authority.received()).isEqualTo(before);
  }

  @Test
  void submitWhenApprovalIsForAnotherFilingThen403() {
    String[] first = approvedDraft("approved").split(" ");
    String[] second = approvedDraft("other").split(" ");
    TestHttpClient.Response r = http.post("/api/filings/" + second[0] + "/submit", token("alice"), "Idempotency-Key",
        "k-" + second[0], "X-Approval-Id", first[1]);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("APPROVAL_INVALID");
  }

  @Test
  void callbackWhenDeliveredTwiceThenAcknowledgedAndAppliedOnce() throws Exception {
    String[] f = approvedDraft("callback twice").split(" ");
    http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key", "k-" + f[0], "X-Approval-Id", f[1]);
    StubAuthority.Callback callback = authority.acceptedCallback("acme", f[0]);
    assertThat(deliver(callback)).isEqualTo(200);
    assertThat(deliver(callback)).isEqualTo(200);
    assertThat(http.get("/api/filings/" + f[0], token("alice")).json().path("state").asText()).isEqualTo("ACCEPTED");
  }

  @Test
  void callbackWhenUnsignedThen401AndNothingChanges() throws Exception {
    String[] f = approvedDraft("unsigned").split(" ");
    http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key", "k-" + f[0], "X-Approval-Id", f[1]);
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/callbacks/authority")).POST(HttpRequest.BodyPublishers.ofByteArray(authority.acceptedCallback("acme", f[0]).body()))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(http.get("/api/filings/" + f[0], token("alice")).json().path("state").asText()).isEqualTo("SUBMITTED");
  }

  @Test
  void readWhenNoSuchFilingThen404() {
    assertThat(http.get("/api/filings/f-00000000", token("alice")).status()).isEqualTo(404);
  }

  @Test
  void agentWhenGrantIsForAnotherPersonThen403() {
    String id = approvedDraft("dave's agent").split(" ")[0];
    TestHttpClient.Response r = http.postJson("/api/agent/filings/" + id + "/draft", token("dave"), "{\"text\":\"x\"}",
        "X-Agent-Grant", "grant-vat-q3", "X-Agent-Task", "vat-q3");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("AGENT_GRANT_REFUSED");
  }

  @Test
  void developmentTokenWhenUserHasNoSecondFactorThenRefused() {
    assertThat(http.post("/dev/tokens/root?mfa=true", null).status()).isEqualTo(404);
  }

  @Test
  void startWhenDevelopmentIssuerForcedBesideARealIssuerThenFails() {
    assertThatThrownBy(() -> new SpringApplicationBuilder(FilingsApplication.class).web(WebApplicationType.NONE)
            .properties("filings.development-issuer.enabled=true",
                "algosure.issuers[0].issuer-uri=http://127.0.0.1:18180/realms/algosure", "algosure.issuers[0].audiences=filings-api")
            .run().close())
        .hasRootCauseInstanceOf(InvalidAlgosureConfigurationException.class)
        .rootCause().hasMessageStartingWith("filings.development-issuer.enabled: true while algosure.issuers is configured");
  }

  private int deliver(StubAuthority.Callback callback) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/callbacks/authority"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(callback.body())).header("Content-Type", "application/json");
    callback.headers().forEach((k, v) -> v.forEach(x -> b.header(k, x)));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
