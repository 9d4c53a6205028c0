package com.algosure.examples.filings;

import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Tag;
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

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    // one property source for the whole list: Spring Boot does not merge a list's entries across sources
    registry.add("algosure.issuers[0].issuer-uri", KeycloakScenarioTests::issuer);
    registry.add("algosure.issuers[0].audiences", () -> "filings-api");
  }

  private static String issuer() {
    String issuer = System.getProperty("algosure.it.issuer", "");
    if (issuer.isBlank()) {
      throw new IllegalStateException("the keycloak suite needs -Dalgosure.it.issuer=http://127.0.0.1:<port>/realms/algosure: "
          + "run algosure-examples/keycloak/run-keycloak-suite.sh");
    }
    return issuer;
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
        : grant(Map.of("grant_type", "password", "client_id", "algosure-cli", "username", u, "password", u + "-pass")));
  }

  @Override
  protected String mfaToken(String user) {
    return TOKENS.computeIfAbsent(user + "+otp", u -> grant(Map.of("grant_type", "password", "client_id", "algosure-cli",
        "username", user, "password", user + "-pass", "totp", totp("algosure-" + user + "-totp-secret"))));
  }

  @Override
  protected String expiredToken(String user) {
    String fresh = grant(Map.of("grant_type", "password", "client_id", "algosure-cli", "username", user, "password", user + "-pass"));
    MovableClock.CLOCK.set(Instant.now().plus(Duration.ofHours(2)));
    return fresh;
  }

  @Override
  protected void afterExpiredToken() {
    MovableClock.CLOCK.set(Instant.now());
  }

  private static String grant(Map<String, String> form) {
    String body = new LinkedHashMap<>(form).entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/token"))
          .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("Keycloak refused the grant for " + form.getOrDefault("username", form.get("client_id"))
            + ": " + r.statusCode() + " " + JSON.readTree(r.body()).path("error").asText());
      }
      return JSON.readTree(r.body()).path("access_token").asText();
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak is not reachable at " + issuer(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) over the raw secret of the realm file. */
  private static String totp(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(Instant.now().getEpochSecond() / 30).array());
      int o = h[h.length - 1] & 0xf;
      int code = ((h[o] & 0x7f) << 24 | (h[o + 1] & 0xff) << 16 | (h[o + 2] & 0xff) << 8 | (h[o + 3] & 0xff)) % 1_000_000;
      return String.format("%06d", code);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
