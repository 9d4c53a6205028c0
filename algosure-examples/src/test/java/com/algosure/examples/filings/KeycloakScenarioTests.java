package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.test.TestHttpClient;
import com.algosure.testing.MutableClock;
import com.algosure.testing.TestTokens;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The scenarios against a real Keycloak, with tokens from real grants: password grants through the public
 * client {@code algosure-cli} (carol with her TOTP code), client credentials for {@code billing-worker}. Runs
 * only in the {@code keycloak} suite ({@code algosure-examples/keycloak/run-keycloak-suite.sh}), which starts
 * Keycloak and passes its issuer as {@code -Dalgosure.it.issuer=...}.
 *
 * <p>An expired token is a real one with the service's clock moved past its expiry (Keycloak's tokens live 15
 * minutes: the suite does not wait for them).
 */
@Tag("keycloak")
@SpringBootTest(classes = {FilingsApplication.class, KeycloakScenarioTests.MovableClock.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "filings.audit-file=target/filings-audit-keycloak.log")
class KeycloakScenarioTests extends FilingsScenarios {

  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    RealKeycloak.register(registry);
  }

  /** The service's clock, movable so that a real token can be seen expired. */
  @TestConfiguration(proxyBeanMethods = false)
  static class MovableClock {
    static final MutableClock CLOCK = MutableClock.at(Instant.now());

    @Bean
    @Primary
    Clock movableClock() {
      return CLOCK;
    }
  }

  @Override
  protected String token(String user) {
    // one grant per user and run: tokens live 15 minutes, the suite takes well under one
    return TOKENS.computeIfAbsent(user, u -> u.equals("billing-worker")
        ? grant(Map.of("grant_type", "client_credentials", "client_id", "billing-worker", "client_secret", "billing-worker-secret"))
        : RealKeycloak.password(u));
  }

  @Override
  protected String mfaToken(String user) {
    return TOKENS.computeIfAbsent(user + "+otp", u -> grant(Map.of("grant_type", "password", "client_id", "algosure-cli",
        "username", user, "password", user + "-pass", "totp", RealKeycloak.totp("algosure-" + user + "-totp-secret"))));
  }

  @Override
  protected String expiredToken(String user) {
    String fresh = RealKeycloak.password(user);
    MovableClock.CLOCK.set(Instant.now().plus(Duration.ofHours(2)));
    return fresh;
  }

  @Override
  protected void afterExpiredToken() {
    MovableClock.CLOCK.set(Instant.now());
  }

  private static String grant(Map<String, String> form) {
    return RealKeycloak.grant("algosure", form).path("access_token").asText();
  }

  // What only a real Keycloak shows: its other tokens, its other realms, and changes made in it after a token was issued.

  @Test
  void requestWhenTheTokenWasIssuedForAnotherClientThen401WrongAudience() {
    // reports-cli's tokens are for reports-api: same realm, same key, same user; only the audience differs
    String reports = RealKeycloak.grant("algosure", Map.of("grant_type", "password", "client_id", "reports-cli",
        "username", "alice", "password", "alice-pass")).path("access_token").asText();
    assertThat(claims(reports).path("aud").asText()).isEqualTo("reports-api");
    TestHttpClient.Response r = http.get("/api/filings", reports, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("WRONG_AUDIENCE");
  }

  @Test
  void requestWhenTheTokenIsOfAnotherRealmOnTheSameServerThen401UntrustedIssuer() {
    // realm algosure-partner has its own alice (the same sub) and puts filings-api in the audience
    String partner = RealKeycloak.grant("algosure-partner", Map.of("grant_type", "password", "client_id", "algosure-cli",
        "username", "alice", "password", "alice-pass")).path("access_token").asText();
    JsonNode claims = claims(partner);
    assertThat(claims.path("sub").asText()).isEqualTo("alice");
    assertThat(claims.path("aud").asText()).isEqualTo("filings-api");
    assertThat(claims.path("iss").asText()).isEqualTo(RealKeycloak.server() + "/realms/algosure-partner");
    TestHttpClient.Response r = http.get("/api/filings", partner, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("UNTRUSTED_ISSUER");
  }

  @Test
  void requestWhenTheRefreshTokenIsPresentedAsBearerThen401() {
    // Keycloak signs refresh tokens with the realm's HMAC key (HS512): never an access token's algorithm here
    String refresh = aliceGrantWithOpenid().path("refresh_token").asText();
    assertThat(RealKeycloak.header(refresh).path("alg").asText()).isEqualTo("HS512");
    assertThat(claims(refresh).path("typ").asText()).isEqualTo("Refresh");
    TestHttpClient.Response r = http.get("/api/filings", refresh, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("ALGORITHM_NOT_ALLOWED");
  }

  @Test
  void requestWhenAnIdTokenIsPresentedAsBearerThen401WrongAudience() {
    // signed with the realm's RS256 key like an access token, same issuer; its audience is the client that asked
    String id = aliceGrantWithOpenid().path("id_token").asText();
    assertThat(RealKeycloak.header(id).path("alg").asText()).isEqualTo("RS256");
    assertThat(claims(id).path("aud").asText()).isEqualTo("algosure-cli");
    TestHttpClient.Response r = http.get("/api/filings", id, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("WRONG_AUDIENCE");
  }

  @Test
  void requestWhenAnIdTokenForFilingsApiItselfIsPresentedAsBearerThen401WrongType() {
    // filings-api signs in a user itself (direct grant): its ID token has the right issuer, key and audience; only
    // the body claim typ ("ID", not "Bearer") tells it from an access token
    String id = RealKeycloak.grant("algosure", Map.of("grant_type", "password", "client_id", "filings-api",
        "client_secret", "filings-api-secret", "username", "alice", "password", "alice-pass", "scope", "openid"))
        .path("id_token").asText();
    assertThat(claims(id).path("aud").asText()).isEqualTo("filings-api");
    assertThat(claims(id).path("typ").asText()).isEqualTo("ID");
    TestHttpClient.Response r = http.get("/api/filings", id, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.reason()).isEqualTo("WRONG_TYPE");
  }

  @Test
  void bobReadsSalesWhenKeycloakPutsHimInAcmesSalesGroupThen403BecauseTheDirectoryDecidesMembership() {
    String sales = RealKeycloak.admin("GET", "algosure/group-by-path/tenants/acme/org-sales", null).path("id").asText();
    RealKeycloak.admin("PUT", "algosure/users/bob/groups/" + sales, null);
    try {
      String bob = RealKeycloak.password("bob");
      assertThat(claims(bob).path("groups").toString()).contains("/tenants/acme/org-sales");
      TestHttpClient.Response r = http.get("/api/filings", bob, "X-Organization-Id", "sales");
      assertThat(r.status()).as(r.body()).isEqualTo(403);
      assertThat(r.reason()).isEqualTo("ORGANIZATION_OUTSIDE_TENANT");
    } finally {
      RealKeycloak.admin("DELETE", "algosure/users/bob/groups/" + sales, null);
    }
  }

  @Test
  void daveReadsWhenKeycloakRemovedHimFromSalesThenPermittedBecauseTheDirectoryDecidesMembership() {
    String sales = RealKeycloak.admin("GET", "algosure/group-by-path/tenants/acme/org-sales", null).path("id").asText();
    RealKeycloak.admin("DELETE", "algosure/users/dave/groups/" + sales, null);
    try {
      String dave = RealKeycloak.password("dave");
      assertThat(claims(dave).path("groups").toString()).doesNotContain("/tenants/acme/org-sales");
      // the directory (filings/directory.json) still lists dave in sales: remove him there to end his access
      TestHttpClient.Response r = http.get("/api/filings", dave, "X-Organization-Id", "sales");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    } finally {
      RealKeycloak.admin("PUT", "algosure/users/dave/groups/" + sales, null);
    }
  }

  @Test
  void daveReadsWhenDisabledInKeycloakAfterHisTokenWasIssuedThenPermittedUntilTheTokenExpires() {
    String dave = RealKeycloak.password("dave");
    RealKeycloak.admin("PUT", "algosure/users/dave", RealKeycloak.JSON.createObjectNode().put("enabled", false));
    try {
      HttpResponse<String> refused = RealKeycloak.tryGrant("algosure", Map.of("grant_type", "password", "client_id",
          "algosure-cli", "username", "dave", "password", "dave-pass"));
      assertThat(refused.statusCode()).isEqualTo(400);
      // access tokens are checked offline (signature, expiry), never introspected: a disabled user's token works
      // until it expires, which is why the realm keeps access tokens short (15 minutes)
      TestHttpClient.Response r = http.get("/api/filings", dave, "X-Organization-Id", "sales");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      MovableClock.CLOCK.set(Instant.now().plus(Duration.ofMinutes(16)));
      TestHttpClient.Response expired;
      try {
        expired = http.get("/api/filings", dave, "X-Organization-Id", "sales");
      } finally {
        afterExpiredToken();
      }
      assertThat(expired.status()).isEqualTo(401);
      assertThat(expired.reason()).isEqualTo("EXPIRED");
    } finally {
      RealKeycloak.admin("PUT", "algosure/users/dave", RealKeycloak.JSON.createObjectNode().put("enabled", true));
    }
  }

  @Test
  void daveApprovesWhenSamObtainedHisTokenByImpersonationThen403AndSamIsRecordedInTheAudit() throws IOException {
    String id = http.postJson("/api/filings", token("alice"), "{\"title\":\"impersonated approval\"}",
        "X-Organization-Id", "sales").json().path("id").asText();
    String daveAsSam = RealKeycloak.impersonate("sam", "dave");
    JsonNode claims = claims(daveAsSam);
    assertThat(claims.path("sub").asText()).isEqualTo("dave");
    assertThat(claims.path("impersonator").path("id").asText()).isEqualTo("sam");

    assertThat(http.get("/api/filings/" + id, daveAsSam).status()).as("reads as dave").isEqualTo(200);
    TestHttpClient.Response r = http.post("/api/filings/" + id + "/approvals", daveAsSam);

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("APPROVAL_IMPERSONATED");
    assertThat(http.get("/api/filings/" + id, token("alice")).json().path("state").asText()).isEqualTo("DRAFT");
    assertThat(decisionsOn(id)).as("each decision names dave as the actor and sam as the impersonator")
        .anySatisfy(d -> assertThat(d).contains("\"action\":\"filings:read\"", "\"actor\":\"dave\"", "\"impersonator\":\"sam\""))
        .anySatisfy(d -> assertThat(d).contains("\"action\":\"filings:approve\"", "\"actor\":\"dave\"", "\"impersonator\":\"sam\""));
  }

  /** @return the audit trail's decisions on a filing (the tests' trail: logback-test.xml, target/filings-audit-test.log) */
  private static List<String> decisionsOn(String filingId) throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("target/filings-audit-test.log"))) {
      return lines.filter(l -> l.contains("\"type\":\"AUTHORIZATION_DECISION\"")
          && l.contains("\"resource\":\"filing/" + filingId + "\"")).toList();
    }
  }

  private static JsonNode aliceGrantWithOpenid() {
    return RealKeycloak.grant("algosure", Map.of("grant_type", "password", "client_id", "algosure-cli", "username", "alice",
        "password", "alice-pass", "scope", "openid"));
  }

  private static JsonNode claims(String token) {
    try {
      return RealKeycloak.JSON.readTree(Base64.getUrlDecoder().decode(TestTokens.parts(token)[1]));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
