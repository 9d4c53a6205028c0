package com.algosure.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.InMemoryAuditSink;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.metrics.AlgosureMetrics;
import com.algosure.spring.test.AlgosureTestIssuer;
import com.algosure.spring.test.TestHttpClient;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The adapter end to end: real signed tokens over real HTTP, problem responses, metrics. */
@SpringBootTest(classes = HttpTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    AdapterFixtures.CATALOG,
    "server.address=127.0.0.1",
    "algosure.keycloak.client-roles.filings-api.[filings\\:read]=filing-viewer",
    "algosure.keycloak.client-roles.filings-api.[filings\\:write]=filing-clerk",
    "algosure.keycloak.realm-roles.platform-admin=platform-admin",
    "algosure.keycloak.group-patterns=/tenants/{tenant}/org-{org}",
    "algosure.web.public-paths=/public/**",
    "algosure.web.organization-parameter=org"})
@ExtendWith(OutputCaptureExtension.class)
class AlgosureHttpTests {

  static final AlgosureTestIssuer ISSUER = AlgosureTestIssuer.start();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    ISSUER.registerProperties(registry);
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  @LocalServerPort
  int port;

  @Autowired
  MeterRegistry meters;

  @Autowired
  InMemoryAuditSink audit;

  TestHttpClient http;

  @BeforeEach
  void client() {
    http = new TestHttpClient(port);
  }

  private static String alice() {
    return ISSUER.user("alice").clientRoles("filings-api", "filings:read", "filings:write")
        .groups("/tenants/acme/org-sales", "/tenants/acme/org-support").token();
  }

  @Test
  void getWhenPermittedThenMethodRunsInTheResolvedContext() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).isEqualTo(Map.of("tenant", "acme", "organization", "sales"));
  }

  @Test
  void getWhenNoTokenThen401WithBearerChallengeAndProblem() {
    TestHttpClient.Response r = http.get("/api/filings", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsEntry("reason", "UNAUTHENTICATED").containsEntry("status", 401).containsKey("decisionId");
  }

  @Test
  void requestWhenAuthenticatedThenNoSessionIsCreatedAndNoCookieAuthenticatesLater() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(200);
    // a session cookie would carry alice's authentication without her token (past its expiry, with CSRF off)
    assertThat(r.header("Set-Cookie")).isNull();
  }

  @Test
  void requestWhenNoTokenThen401WithoutCreatingASession() {
    TestHttpClient.Response r = http.get("/api/filings", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Set-Cookie")).isNull();
  }

  @Test
  void getWhenTokenExpiredThen401InvalidTokenExpired() {
    String expired = ISSUER.user("alice").expiresAt(Instant.now().minusSeconds(3600)).token();
    TestHttpClient.Response r = http.get("/api/filings", expired, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    assertThat(r.map()).containsEntry("reason", "EXPIRED").containsEntry("type", "urn:algosure:problem:invalid-token");
  }

  @Test
  void getWhenPayloadTamperedThen401AndProblemNeverEchoesTheToken() {
    String[] parts = TestTokens.parts(alice());
    String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"alice\"", "\"dave\"");
    String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
    TestHttpClient.Response r = http.get("/api/filings", tampered, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).containsEntry("reason", "BAD_SIGNATURE");
    assertThat(r.body()).doesNotContain(parts[1]).doesNotContain(parts[2]);
    assertThat(r.header("WWW-Authenticate")).doesNotContain(parts[2]);
  }

  @Test
  void getWhenTokenPaddedThen401Malformed() {
    // Spring's header parsing (RFC 6750 b64token) lets '=' padding through; the validator refuses it
    TestHttpClient.Response r = http.get("/api/filings", alice() + "==", "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).containsEntry("reason", "MALFORMED");
  }

  @Test
  void getWhenTokenSignedByAnotherKeyThen401() {
    String forged = TestTokens.signedWith(TestKeys.rsa("algosure-test-algosure")).kid("unknown-kid")
        .issuer(ISSUER.issuer()).audience(AlgosureTestIssuer.AUDIENCE).subject("alice")
        .expiresAt(Instant.now().plusSeconds(300)).sign();
    TestHttpClient.Response r = http.get("/api/filings", forged, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).containsEntry("reason", "UNKNOWN_KEY");
  }

  @Test
  void getWhenOrganizationNotNamedByMultiOrganizationUserThen403Ambiguous() {
    TestHttpClient.Response r = http.get("/api/filings", alice());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsEntry("reason", "ORGANIZATION_AMBIGUOUS").containsEntry("stage", "ORGANIZATION")
        .containsEntry("type", "urn:algosure:problem:organization-ambiguous").containsKey("decisionId")
        .containsEntry("instance", "/api/filings");
  }

  @Test
  void getWhenOrganizationOfAnotherTenantThen403WithoutNamingTheTenant() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "hq");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.map()).containsEntry("reason", "ORGANIZATION_OUTSIDE_TENANT");
    assertThat(r.body()).doesNotContain("globex");
  }

  @Test
  void getWhenOrganizationHeaderSentTwiceWithDifferentValuesThen400() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "sales", "X-Organization-Id", "support");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.map()).containsEntry("reason", "REQUEST_CONTEXT_INVALID");
  }

  @Test
  void getWhenOrganizationHeaderNotAnIdThen400WithoutEchoingIt() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "sales<script>");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body()).doesNotContain("<script>");
  }

  @Test
  void getWhenTwoAuthorizationHeadersThen400InvalidRequestNotTheFirstToken() {
    String bob = ISSUER.user("bob").clientRoles("filings-api", "filings:read").groups("/tenants/globex/org-hq").token();
    TestHttpClient.Response r = http.get("/api/filings", null,
        "Authorization", "Bearer " + alice(), "Authorization", "Bearer " + bob, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_request\"");
    assertThat(r.map()).containsEntry("reason", "INVALID_REQUEST").containsEntry("status", 400).containsKey("decisionId");
    assertThat(r.body()).doesNotContain(TestTokens.parts(alice())[2]).doesNotContain(TestTokens.parts(bob)[2]);
  }

  @Test
  void getWhenTheSameTokenInTwoAuthorizationHeadersThen400() {
    String alice = alice();
    TestHttpClient.Response r = http.get("/api/filings", alice, "Authorization", "Bearer " + alice, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.map()).containsEntry("reason", "INVALID_REQUEST");
  }

  @Test
  void getWhenTokenOnlyInQueryThen401BecauseQueryTokensAreNotRead() {
    TestHttpClient.Response r = http.get("/api/filings?access_token=" + alice(), null, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.map()).containsEntry("reason", "UNAUTHENTICATED");
  }

  /**
   * Regression: a URL Spring Security's firewall refuses (a ';' path parameter, an encoded '/', a '..') was answered by
   * the servlet container's error page, Spring Boot's {"timestamp", "error"} JSON: no problem, no reason.
   */
  @Test
  void getWhenTheFirewallRefusesTheUrlThen400ProblemWithoutEchoingIt() {
    for (String path : java.util.List.of("/api/filings;org=support", "/api/filings/%2e%2e;/x")) {
      TestHttpClient.Response r = http.get(path, alice(), "X-Organization-Id", "sales");
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.header("Content-Type")).as(path).startsWith("application/problem+json");
      assertThat(r.map()).as(path).containsEntry("reason", "REQUEST_REJECTED").containsEntry("status", 400)
          .containsKey("decisionId").doesNotContainKey("timestamp");
      assertThat(r.body()).doesNotContain("RequestRejectedException", "malicious");
    }
  }

  @Test
  void getWhenOrganizationNamedByQueryParameterThenUsed() {
    TestHttpClient.Response r = http.get("/api/filings?org=support", alice());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("organization", "support");
  }

  @Test
  void getWhenOrganizationHeaderAndQueryParameterDifferThen400() {
    TestHttpClient.Response r = http.get("/api/filings?org=support", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.map()).containsEntry("reason", "REQUEST_CONTEXT_INVALID");
  }

  @Test
  void submitWhenOrganizationParameterOnlyInFormBodyThenNotReadAsTheActiveOrganization() {
    TestHttpClient.Response r = http.postForm("/api/filings/f-1/submit", alice(), "org=sales");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.map()).containsEntry("reason", "ORGANIZATION_AMBIGUOUS");
  }

  @Test
  void submitWhenFormBodyNamesAnotherOrganizationThanTheQueryThenTheQueryCounts() {
    TestHttpClient.Response r = http.postForm("/api/filings/f-1/submit?org=sales", alice(), "org=support");
    assertThat(r.status()).isEqualTo(428); // sales, where alice may submit (with an approval); not a 400 conflict
    assertThat(r.map()).containsEntry("reason", "APPROVAL_REQUIRED");
  }

  @Test
  void getWhenOrganizationParameterEmptyAndHeaderNamesOneThenTheHeaderCounts() {
    TestHttpClient.Response r = http.get("/api/filings?org=", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("organization", "sales");
  }

  @Test
  void getWhenOrganizationParameterEmptyThenIgnoredAsAnEmptyHeaderIs() {
    TestHttpClient.Response parameter = http.get("/api/filings?org=", alice());
    TestHttpClient.Response header = http.get("/api/filings", alice(), "X-Organization-Id", "");
    assertThat(parameter.status()).isEqualTo(403);
    assertThat(parameter.map()).containsEntry("reason", "ORGANIZATION_AMBIGUOUS");
    assertThat(header.status()).isEqualTo(403);
    assertThat(header.map()).containsEntry("reason", "ORGANIZATION_AMBIGUOUS");
  }

  @Test
  void getWhenOrganizationHeaderEmptyAndParameterNamesOneThenTheParameterCounts() {
    TestHttpClient.Response r = http.get("/api/filings?org=support", alice(), "X-Organization-Id", " ");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("organization", "support");
  }

  @Test
  void getWhenOrganizationHeaderAndMethodExpressionDifferThen400NotTheExpressionsOrganization() {
    TestHttpClient.Response r = http.get("/api/organizations/sales/filings", alice(), "X-Organization-Id", "support");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.map()).containsEntry("reason", "REQUEST_CONTEXT_INVALID");
    assertThat((String) r.map().get("detail")).doesNotContain("sales").doesNotContain("support");
    assertThat(r.body()).doesNotContain("support");
  }

  /** Regression: the 400 for a conflicting organization left no audit record for its decisionId to be matched with. */
  @Test
  void getWhenOrganizationHeaderAndMethodExpressionDifferThenTheRefusalIsAuditedUnderTheResponsesDecisionId() {
    TestHttpClient.Response r = http.get("/api/organizations/sales/filings", alice(), "X-Organization-Id", "support");
    assertThat(r.status()).isEqualTo(400);
    String id = (String) r.map().get("decisionId");
    assertThat(audit.events()).filteredOn(e -> e.id().equals(id)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("DENY");
      assertThat(e.reasons()).containsExactly("REQUEST_INVALID");
      assertThat(e.actorId()).hasValue("alice");
      assertThat(e.tenant()).isEmpty();
      assertThat(e.organization()).hasValue("sales");
      assertThat(e.details()).containsEntry("decisionId", id).containsEntry("requestedOrganization", "support");
    });
  }

  @Test
  void getWhenOrganizationHeaderNotAnIdThenTheRefusalIsAuditedUnderTheResponsesDecisionIdWithoutTheHeader() {
    TestHttpClient.Response r = http.get("/api/filings", alice(), "X-Organization-Id", "sales<script>");
    assertThat(r.status()).isEqualTo(400);
    String id = (String) r.map().get("decisionId");
    assertThat(audit.events()).filteredOn(e -> e.id().equals(id)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("REQUEST_INVALID");
      assertThat(e.actorId()).hasValue("alice");
      assertThat(e.organization()).isEmpty();
      assertThat(e.toString()).doesNotContain("script");
    });
  }

  @Test
  void getWhenOrganizationHeaderAndMethodExpressionAgreeThenPermitted() {
    TestHttpClient.Response r = http.get("/api/organizations/sales/filings", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("organization", "sales");
  }

  @Test
  void getWhenResourceIdExpressionFailsOnAMissingArgumentThen400ProblemNot500() {
    TestHttpClient.Response r = http.get("/api/filings/by-name", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsEntry("reason", "REQUEST_CONTEXT_INVALID");
    assertThat(r.body()).doesNotContain("EL1011E").doesNotContain("trim").doesNotContain("Exception");
  }

  /**
   * Regression: an expression that cannot work on any call (it calls a method String lacks) was answered 400
   * REQUEST_CONTEXT_INVALID, the caller blamed for the service's own error; it is now a 500 problem that names nothing
   * of the expression, and the log says what to fix.
   */
  @Test
  void getWhenResourceIdExpressionDoesNotFitTheMethodThen500ProblemNot400(CapturedOutput log) {
    TestHttpClient.Response r = http.get("/api/filings/by-misnamed-expression?name=f-1", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(500);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.map()).containsEntry("reason", "INTERNAL_ERROR").containsKey("decisionId");
    assertThat(r.body()).doesNotContain("trimmed").doesNotContain("EL1004E").doesNotContain("Exception");
    assertThat(log.getAll()).contains("ERROR", (String) r.map().get("decisionId"), "'#name.trimmed()'", "byMisnamedExpression");
  }

  @Test
  void getWhenResourceIdExpressionEvaluatesThenDecided() {
    TestHttpClient.Response r = http.get("/api/filings/by-name?name=f-1", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void submitWhenHighImpactWithoutApprovalThen428ApprovalRequired() {
    TestHttpClient.Response r = http.post("/api/filings/f-1/submit", alice(), "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(428);
    assertThat(r.map()).containsEntry("reason", "APPROVAL_REQUIRED").containsEntry("effect", "APPROVAL_REQUIRED")
        .containsEntry("stage", "APPROVAL");
  }

  @Test
  void adminWhenPrivilegedWithoutMfaThen428StepUpChallenge() {
    TestHttpClient.Response r = http.get("/api/admin/tenants/acme/filings", ISSUER.user("root").realmRoles("platform-admin").token());
    assertThat(r.status()).isEqualTo(428);
    assertThat(r.map()).containsEntry("reason", "MFA_REQUIRED").containsEntry("effect", "STEP_UP_REQUIRED");
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"insufficient_user_authentication\"");
  }

  @Test
  void adminWhenPrivilegedWithMfaThen200() {
    String carol = ISSUER.user("carol").realmRoles("platform-admin").mfa().token();
    TestHttpClient.Response r = http.get("/api/admin/tenants/acme/filings", carol);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("tenant", "acme");
  }

  @Test
  void adminWhenOrdinaryMemberThen403() {
    TestHttpClient.Response r = http.get("/api/admin/tenants/acme/filings", alice());
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.map()).containsEntry("reason", "PERMISSION_DENIED");
  }

  /**
   * Regression: Spring Security's logout filter stayed in the chain of a stateless API: POST /logout was answered with
   * a redirect to a login page the service does not have, without a token, and the service's own POST /logout never
   * ran.
   */
  @Test
  void logoutWhenPostedThenTheServicesOwnEndpointAnswersAndOnlyWithAToken() {
    TestHttpClient.Response anonymous = http.post("/logout", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.map()).containsEntry("reason", "UNAUTHENTICATED");
    TestHttpClient.Response r = http.post("/logout", alice());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.map()).containsEntry("loggedOut", "by the service");
  }

  @Test
  void publicPathWhenNoTokenThenOpen() {
    assertThat(http.get("/public/ping", null).status()).isEqualTo(200);
  }

  /**
   * A token sent to a public path is still checked, as Spring Security's bearer-token filter does on a permitAll path
   * (spring-security#6067: consistent with HTTP Basic): a refused one is a 401, never a silent anonymous call.
   */
  @Test
  void publicPathWhenTokenFromAnUnknownIssuerThen401InvalidToken() {
    String foreign = TestTokens.signedWith(TestKeys.rsa("foreign")).kid("foreign")
        .issuer("https://sso.foreign.example/realms/other").audience(AlgosureTestIssuer.AUDIENCE).subject("alice")
        .expiresAt(Instant.now().plusSeconds(300)).sign();
    TestHttpClient.Response r = http.get("/public/ping", foreign);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
  }

  @Test
  void decisionWhenMadeOverHttpThenCountedByEffectReasonAndStage() {
    double before = count("PERMIT", "PERMITTED", "APPROVAL");
    http.get("/api/filings", alice(), "X-Organization-Id", "support");
    assertThat(count("PERMIT", "PERMITTED", "APPROVAL")).isEqualTo(before + 1);
  }

  @Test
  void tokenWhenRefusedThenCountedByReason() {
    double before = meters.counter(AlgosureMetrics.TOKEN_REJECTIONS, "reason", "EXPIRED").count();
    http.get("/api/filings", ISSUER.user("alice").expiresAt(Instant.now().minusSeconds(600)).token());
    assertThat(meters.counter(AlgosureMetrics.TOKEN_REJECTIONS, "reason", "EXPIRED").count()).isEqualTo(before + 1);
  }

  private double count(String effect, String reason, String stage) {
    var timer = meters.find(AlgosureMetrics.DECISIONS).tags("effect", effect, "reason", reason, "stage", stage).timer();
    return timer == null ? 0 : timer.count();
  }
}
