package com.algosure.spring.test;

import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A token issuer for host tests: a fresh RSA key, its JWKS served on 127.0.0.1 at Keycloak's path, and
 * Keycloak-shaped access tokens for any actor in a few lines. Point the adapter at it with
 * {@link #registerProperties(DynamicPropertyRegistry)} and send real signed tokens over real HTTP.
 *
 * <pre>{@code
 * static final AlgosureTestIssuer ISSUER = AlgosureTestIssuer.start();
 *
 * @DynamicPropertySource
 * static void issuer(DynamicPropertyRegistry registry) {
 *   ISSUER.registerProperties(registry);           // algosure.issuers[0].issuer-uri, audiences
 * }
 *
 * String alice = ISSUER.user("alice").clientRoles("filings-api", "filings:read").groups("/tenants/acme/org-sales").token();
 * String carol = ISSUER.user("carol").realmRoles("platform-admin").mfa().token();
 * String worker = ISSUER.serviceAccount("billing-worker").clientRoles("filings-api", "filings:read").token();
 * }</pre>
 *
 * <p>Test code only: the key lives in memory, the server answers on loopback only. Thread-safe; close it to
 * stop the server.
 *
 * @since 0.1.0
 */
public final class AlgosureTestIssuer implements AutoCloseable {

  /** The audience of the tokens unless a test chooses another: the example realm's resource server. */
  public static final String AUDIENCE = "filings-api";

  private final RSAKey key;
  private final HttpServer server;
  private final String issuer;
  private final Clock clock;
  private final AtomicInteger jwksRequests = new AtomicInteger();

  private AlgosureTestIssuer(String realm, Clock clock) {
    this.key = TestKeys.rsa("algosure-test-" + realm);
    this.clock = clock;
    try {
      this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("could not open a loopback port for the test issuer's JWKS", e);
    }
    String path = "/realms/" + realm;
    byte[] jwks = TestKeys.jwks(key).getBytes(StandardCharsets.UTF_8);
    server.createContext(path + "/protocol/openid-connect/certs", exchange -> {
      jwksRequests.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, jwks.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(jwks);
      }
    });
    server.start();
    this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** @return an issuer for realm {@code algosure}, on the system clock */
  public static AlgosureTestIssuer start() {
    return start("algosure", Clock.systemUTC());
  }

  /**
   * @param realm the realm name in the issuer URI
   * @param clock the clock that sets {@code iat} and {@code exp}
   * @return a started issuer
   */
  public static AlgosureTestIssuer start(String realm, Clock clock) {
    return new AlgosureTestIssuer(realm, Objects.requireNonNull(clock, "clock"));
  }

  /** @return the issuer URI, as in the tokens' {@code iss} */
  public String issuer() {
    return issuer;
  }

  /** @return how many times the JWKS was fetched */
  public int jwksRequests() {
    return jwksRequests.get();
  }

  /** @return the properties that make the adapter trust this issuer for {@link #AUDIENCE} */
  public Map<String, String> properties() {
    return Map.of("algosure.issuers[0].issuer-uri", issuer, "algosure.issuers[0].audiences", AUDIENCE);
  }

  /** @param registry a Spring test's dynamic properties; receives {@link #properties()} */
  public void registerProperties(DynamicPropertyRegistry registry) {
    properties().forEach((k, v) -> registry.add(k, () -> v));
  }

  /**
   * @param subject the user's subject id ({@code sub})
   * @return a token for a person, {@code amr: ["pwd"]}, valid for five minutes
   */
  public Token user(String subject) {
    return new Token(subject, subject, "algosure-cli");
  }

  /**
   * @param clientId the service account's client
   * @return a token for a client-credentials grant: {@code preferred_username} {@code service-account-<client>}
   */
  public Token serviceAccount(String clientId) {
    return new Token("service-account-" + clientId, "service-account-" + clientId, clientId).claim("client_id", clientId);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  @Override
  public String toString() {
    return "AlgosureTestIssuer[" + issuer + "]";
  }

  /** The claims of one token; {@link #token()} signs it. Not thread-safe. */
  public final class Token {
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private final Map<String, List<String>> clientRoles = new LinkedHashMap<>();
    private Instant expiresAt;

    private Token(String subject, String username, String azp) {
      Instant now = clock.instant();
      claims.put("sub", subject);
      claims.put("preferred_username", username);
      claims.put("azp", azp);
      claims.put("typ", "Bearer");
      claims.put("jti", UUID.randomUUID().toString());
      claims.put("amr", List.of("pwd"));
      claims.put("iat", now.getEpochSecond());
      expiresAt = now.plus(Duration.ofMinutes(5));
    }

    /** @param roles realm roles ({@code realm_access.roles}) @return this token */
    public Token realmRoles(String... roles) {
      return claim("realm_access", Map.of("roles", List.of(roles)));
    }

    /** @param client the client @param roles its client roles ({@code resource_access.<client>.roles}) @return this token */
    public Token clientRoles(String client, String... roles) {
      clientRoles.computeIfAbsent(client, c -> new ArrayList<>()).addAll(List.of(roles));
      return this;
    }

    /** @param paths full group paths ({@code groups}) @return this token */
    public Token groups(String... paths) {
      return claim("groups", List.of(paths));
    }

    /** @return this token, with {@code amr: ["pwd", "otp"]} (MFA evidence) */
    public Token mfa() {
      return claim("amr", List.of("pwd", "otp"));
    }

    /** @param at when the token expires @return this token */
    public Token expiresAt(Instant at) {
      expiresAt = Objects.requireNonNull(at, "at");
      return this;
    }

    /** @param name a claim @param value its JSON value @return this token */
    public Token claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    /** @return the signed compact token, for {@code Authorization: Bearer ...} */
    public String token() {
      Map<String, Object> all = new LinkedHashMap<>(claims);
      if (!clientRoles.isEmpty()) {
        Map<String, Object> access = new LinkedHashMap<>();
        clientRoles.forEach((client, roles) -> access.put(client, Map.of("roles", roles)));
        all.put("resource_access", access);
      }
      return TestTokens.signedWith(key).claims(all).issuer(issuer).audience(AUDIENCE).expiresAt(expiresAt).sign();
    }
  }
}
