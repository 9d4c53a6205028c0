package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.test.TestHttpClient;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A rotation of the realm's signing key, done the way Keycloak's administrators do it (admin REST API): a new RSA key
 * provider with a higher priority, the old key made passive, then disabled. The example keeps its defaults (JWKS
 * cached 5 minutes, refreshed on an unknown {@code kid} at most twice per 30 s), which this walks through on the
 * service's clock, in a context of its own (a fresh JWKS cache and rate limiter). Leaves the realm's keys as it found
 * them.
 */
@Tag("keycloak")
@SpringBootTest(classes = {FilingsApplication.class, KeycloakSigningKeyRotationTests.RotationClock.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "filings.audit-file=target/filings-audit-keycloak-rotation.log")
class KeycloakSigningKeyRotationTests {

  private static final Duration JWKS_CACHE_TTL = Duration.ofMinutes(5);
  private static final Duration JWKS_REFRESH_INTERVAL = Duration.ofSeconds(30);

  @LocalServerPort
  int port;

  private final List<String> addedProviders = new ArrayList<>();
  private String oldProvider;

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    RealKeycloak.register(registry);
  }

  /** The service's clock, moved by the test past the JWKS cache TTL and refresh interval. */
  @TestConfiguration(proxyBeanMethods = false)
  static class RotationClock {
    static final MutableClock CLOCK = MutableClock.at(Instant.now());

    @Bean
    @Primary
    Clock rotationClock() {
      return CLOCK;
    }
  }

  @Test
  void tokensWhenTheRealmRotatesItsSigningKeyThenNewOnesAcceptedAndOldOnesUntilTheirKeyIsNoLongerPublished() {
    TestHttpClient http = new TestHttpClient(port);
    RotationClock.CLOCK.set(Instant.now());

    // Given alice's token signed by the realm's active key, seen by the service (JWKS fetched: 1st in this interval)
    String before = RealKeycloak.password("alice");
    String oldKid = kid(before);
    oldProvider = provider(oldKid);
    assertThat(read(http, before).status()).isEqualTo(200);

    // When a key with a higher priority is added, new tokens carry its kid: the unknown kid refetches the JWKS (2nd)
    addKeyProvider();
    String afterFirst = RealKeycloak.password("alice");
    assertThat(kid(afterFirst)).isNotEqualTo(oldKid);
    assertThat(read(http, afterFirst).status()).isEqualTo(200);
    assertThat(read(http, before).status()).as("the old key is still published").isEqualTo(200);

    // A second rotation within the same 30 s: a third fetch is refused by the rate limit, the new kid is unknown
    addKeyProvider();
    String afterSecond = RealKeycloak.password("alice");
    TestHttpClient.Response limited = read(http, afterSecond);
    assertThat(limited.status()).isEqualTo(401);
    assertThat(limited.reason()).isEqualTo("UNKNOWN_KEY");
    RotationClock.CLOCK.advance(JWKS_REFRESH_INTERVAL.plusSeconds(1));
    assertThat(read(http, afterSecond).status()).as("once the refresh interval has passed").isEqualTo(200);

    // The old key made passive: Keycloak still publishes it, and the JWKS fetched after the cache expired still has it
    updateOldProvider("active", "false");
    assertThat(publishedKids()).contains(oldKid);
    RotationClock.CLOCK.advance(JWKS_CACHE_TTL.plusSeconds(1));
    assertThat(read(http, before).status()).as("signed by a passive, still published key").isEqualTo(200);

    // The old key disabled: no longer published. Until the cached JWKS expires the service still holds it ...
    updateOldProvider("enabled", "false");
    assertThat(publishedKids()).doesNotContain(oldKid);
    assertThat(read(http, before).status()).as("within the JWKS cache TTL").isEqualTo(200);
    // ... and once it has expired, the refetched JWKS lacks it: the old token is refused, new ones are not
    RotationClock.CLOCK.advance(JWKS_CACHE_TTL.plusSeconds(1));
    TestHttpClient.Response refused = read(http, before);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.reason()).isEqualTo("UNKNOWN_KEY");
    assertThat(read(http, afterSecond).status()).isEqualTo(200);
  }

  @AfterEach
  void restoreTheRealmsKeys() {
    if (oldProvider != null) {
      JsonNode c = RealKeycloak.admin("GET", "algosure/components/" + oldProvider, null);
      ObjectNode config = (ObjectNode) c.path("config");
      config.set("active", RealKeycloak.JSON.createArrayNode().add("true"));
      config.set("enabled", RealKeycloak.JSON.createArrayNode().add("true"));
      RealKeycloak.admin("PUT", "algosure/components/" + oldProvider, c);
    }
    addedProviders.forEach(id -> RealKeycloak.admin("DELETE", "algosure/components/" + id, null));
    RotationClock.CLOCK.set(Instant.now());
  }

  private static TestHttpClient.Response read(TestHttpClient http, String token) {
    return http.get("/api/filings", token, "X-Organization-Id", "sales");
  }

  private static String kid(String token) {
    return RealKeycloak.header(token).path("kid").asText();
  }

  private static String provider(String kid) {
    return StreamSupport.stream(RealKeycloak.admin("GET", "algosure/keys", null).path("keys").spliterator(), false)
        .filter(k -> kid.equals(k.path("kid").asText())).map(k -> k.path("providerId").asText()).findFirst()
        .orElseThrow(() -> new IllegalStateException("no key provider of realm algosure has kid " + kid));
  }

  /** Adds an RS256 key provider with a priority above every key of the realm: its key signs the next tokens. */
  private void addKeyProvider() {
    int top = StreamSupport.stream(RealKeycloak.admin("GET", "algosure/keys", null).path("keys").spliterator(), false)
        .mapToInt(k -> k.path("providerPriority").asInt()).max().orElse(0);
    String realmId = RealKeycloak.admin("GET", "algosure", null).path("id").asText();
    ObjectNode component = RealKeycloak.JSON.createObjectNode()
        .put("name", "rsa-rotated-" + (addedProviders.size() + 1))
        .put("providerId", "rsa-generated")
        .put("providerType", "org.keycloak.keys.KeyProvider")
        .put("parentId", realmId);
    ObjectNode config = component.putObject("config");
    config.set("priority", RealKeycloak.JSON.createArrayNode().add(String.valueOf(top + 100)));
    config.set("algorithm", RealKeycloak.JSON.createArrayNode().add("RS256"));
    RealKeycloak.admin("POST", "algosure/components", component);
    String name = component.path("name").asText();
    JsonNode all = RealKeycloak.admin("GET", "algosure/components?type=org.keycloak.keys.KeyProvider&name=" + name, null);
    addedProviders.add(all.path(0).path("id").asText());
  }

  private void updateOldProvider(String setting, String value) {
    JsonNode c = RealKeycloak.admin("GET", "algosure/components/" + oldProvider, null);
    ((ObjectNode) c.path("config")).set(setting, RealKeycloak.JSON.createArrayNode().add(value));
    RealKeycloak.admin("PUT", "algosure/components/" + oldProvider, c);
  }

  private static List<String> publishedKids() {
    JsonNode certs = RealKeycloak.get(RealKeycloak.issuer() + "/protocol/openid-connect/certs");
    return StreamSupport.stream(certs.path("keys").spliterator(), false).map(k -> k.path("kid").asText()).toList();
  }
}
