package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.test.TestHttpClient;
import com.algosure.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The example's scenarios over real HTTP, written once and run twice: with tokens of the embedded development
 * issuer ({@link DevelopmentIssuerScenarioTests}, in every build) and with tokens from real grants of a real
 * Keycloak ({@link KeycloakScenarioTests}, the {@code keycloak} suite).
 */
abstract class FilingsScenarios {

  @LocalServerPort
  int port;

  TestHttpClient http;

  @BeforeEach
  void client() {
    http = new TestHttpClient(port);
  }

  /** @param user a user of the realm @return an access token from a password (or client-credentials) grant */
  protected abstract String token(String user);

  /** @param user a user with a second factor @return an access token whose amr shows it */
  protected abstract String mfaToken(String user);

  /** @param user a user @return a token that is expired when the next call is made */
  protected abstract String expiredToken(String user);

  /** Undoes whatever {@link #expiredToken} did to expire the token. */
  protected void afterExpiredToken() {}

  private String draftInSales(String title) {
    TestHttpClient.Response r = http.postJson("/api/filings", token("alice"), "{\"title\":\"" + title + "\"}",
        "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().path("id").asText();
  }

  @Test
  void aliceReadsWhenSheNamesSalesThenPermitted() {
    TestHttpClient.Response r = http.get("/api/filings", token("alice"), "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().isArray()).isTrue();
  }

  @Test
  void aliceReadsWhenSheNamesNoOrganizationThen403Ambiguous() {
    TestHttpClient.Response r = http.get("/api/filings", token("alice"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("ORGANIZATION_AMBIGUOUS");
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().path("decisionId").asText()).isNotEmpty();
  }

  @Test
  void aliceReadsWhenSheNamesGlobexOrganizationThen403() {
    TestHttpClient.Response r = http.get("/api/filings", token("alice"), "X-Organization-Id", "hq");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("ORGANIZATION_OUTSIDE_TENANT");
  }

  @Test
  void bobReadsWhenFilingsAreAcmesThen403ForTheListAnd404ForAFilingAsForAnUnknownId() {
    String id = draftInSales("acme only");
    assertThat(http.get("/api/filings", token("bob"), "X-Organization-Id", "sales").status()).isEqualTo(403);
    TestHttpClient.Response r = http.get("/api/filings/" + id, token("bob"));
    TestHttpClient.Response unknown = http.get("/api/filings/f-00000000", token("bob"));
    // the answer for an id that does not exist: globex never learns which of acme's filing ids exist
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(r.status()).as(r.body()).isEqualTo(404);
    assertThat(r.reason()).isEqualTo("FILING_NOT_FOUND");
    assertThat(r.json().path("detail")).isEqualTo(unknown.json().path("detail"));
    assertThat(r.body()).doesNotContain("acme");
  }

  @Test
  void billingWorkerWhenReadingThenPermittedAndWhenWritingThen403() {
    String worker = token("billing-worker");
    assertThat(http.get("/api/filings", worker, "X-Organization-Id", "sales").status()).isEqualTo(200);
    TestHttpClient.Response r = http.postJson("/api/filings", worker, "{\"title\":\"x\"}", "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("SERVICE_ACCOUNT_SCOPE_EXCEEDED");
  }

  @Test
  void rootAdministersWhenPasswordOnlyThen428StepUpChallenge() {
    TestHttpClient.Response r = http.get("/api/admin/tenants/acme/filings", token("root"));
    assertThat(r.status()).isEqualTo(428);
    assertThat(r.reason()).isEqualTo("MFA_REQUIRED");
    assertThat(r.json().path("effect").asText()).isEqualTo("STEP_UP_REQUIRED");
    assertThat(r.header("WWW-Authenticate")).contains("insufficient_user_authentication");
  }

  @Test
  void carolAdministersWhenSignedInWithOtpThenPermitted() {
    TestHttpClient.Response r = http.get("/api/admin/tenants/acme/filings", mfaToken("carol"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void requestWhenTokenExpiredThen401() {
    String expired = expiredToken("alice");
    TestHttpClient.Response r;
    try {
      r = http.get("/api/filings", expired, "X-Organization-Id", "sales");
    } finally {
      afterExpiredToken();
    }
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("EXPIRED");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
  }

  @Test
  void requestWhenTokenTamperedThen401AndTheTokenIsNotEchoed() {
    String[] parts = TestTokens.parts(token("bob"));
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("\"bob\"", "\"alice\"");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    TestHttpClient.Response r = http.get("/api/filings", tampered, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("BAD_SIGNATURE");
    assertThat(r.body()).doesNotContain(parts[2]);
  }

  @Test
  void submitWhenNotApprovedThen428ApprovalRequired() {
    String id = draftInSales("unapproved");
    TestHttpClient.Response r = http.post("/api/filings/" + id + "/submit", token("alice"), "Idempotency-Key", "k-" + id);
    assertThat(r.status()).isEqualTo(428);
    assertThat(r.reason()).isEqualTo("APPROVAL_REQUIRED");
  }

  @Test
  void approveWhenByTheRequesterThen403FourEyes() {
    String id = draftInSales("self approval");
    TestHttpClient.Response r = http.post("/api/filings/" + id + "/approvals", token("alice"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("DOMAIN_RULE_DENIED");
  }

  @Test
  void submitWhenApprovedByAnotherMemberThenSubmittedOnceAndReplayed() {
    String id = draftInSales("approved by dave");
    TestHttpClient.Response approval = http.post("/api/filings/" + id + "/approvals", token("dave"));
    assertThat(approval.status()).as(approval.body()).isEqualTo(201);
    String approvalId = approval.json().path("approvalId").asText();
    TestHttpClient.Response first = http.post("/api/filings/" + id + "/submit", token("alice"), "Idempotency-Key", "k-" + id,
        "X-Approval-Id", approvalId);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    TestHttpClient.Response again = http.post("/api/filings/" + id + "/submit", token("alice"), "Idempotency-Key", "k-" + id,
        "X-Approval-Id", approvalId);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json().path("reference").asText()).isEqualTo(first.json().path("reference").asText());
    assertThat(http.get("/api/filings/" + id, token("alice")).json().path("state").asText()).isEqualTo("SUBMITTED");
  }
}
