package com.algosure.examples.filings;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real Keycloak of the {@code keycloak} suite (started by {@code algosure-examples/keycloak/run-keycloak-suite.sh},
 * which passes the issuer as {@code -Dalgosure.it.issuer=...}): real grants, and its admin REST API as the bootstrap
 * administrator of the master realm ({@code KC_BOOTSTRAP_ADMIN_USERNAME}/{@code _PASSWORD}, default admin/admin, as
 * {@code keycloak.sh} starts it).
 */
final class RealKeycloak {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private RealKeycloak() {}

  /** Points the example at the realm {@code algosure}, audience {@code filings-api}. */
  static void register(DynamicPropertyRegistry registry) {
    // one property source for the whole list: Spring Boot does not merge a list's entries across sources
    registry.add("algosure.issuers[0].issuer-uri", RealKeycloak::issuer);
    registry.add("algosure.issuers[0].audiences", () -> "filings-api");
  }

  static String issuer() {
    String issuer = System.getProperty("algosure.it.issuer", "");
    if (issuer.isBlank()) {
      throw new IllegalStateException("the keycloak suite needs -Dalgosure.it.issuer=http://127.0.0.1:<port>/realms/algosure: "
          + "run algosure-examples/keycloak/run-keycloak-suite.sh");
    }
    return issuer;
  }

  /** @return the server's base URL, such as {@code http://127.0.0.1:18180} */
  static String server() {
    return issuer().replaceFirst("/realms/[^/]+$", "");
  }

  /** @return an access token of the realm {@code algosure} from a password grant of {@code algosure-cli} */
  static String password(String user) {
    return grant("algosure", Map.of("grant_type", "password", "client_id", "algosure-cli", "username", user,
        "password", user + "-pass")).path("access_token").asText();
  }

  /**
   * @param realm the realm
   * @param form the grant's form parameters
   * @return Keycloak's whole token response (access, refresh and, with scope {@code openid}, ID token)
   * @throws IllegalStateException if Keycloak refuses the grant
   */
  static JsonNode grant(String realm, Map<String, String> form) {
    HttpResponse<String> r = tryGrant(realm, form);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Keycloak refused the grant for " + form.getOrDefault("username", form.get("client_id"))
          + ": " + r.statusCode() + " " + json(r.body()).path("error").asText());
    }
    return json(r.body());
  }

  /** @return Keycloak's answer to a grant, whatever it is */
  static HttpResponse<String> tryGrant(String realm, Map<String, String> form) {
    return send(HttpRequest.newBuilder(URI.create(server() + "/realms/" + realm + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(form))));
  }

  /**
   * Calls the admin REST API ({@code /admin/realms/...}) as the bootstrap administrator.
   *
   * @param method the HTTP method
   * @param path the path below {@code /admin/realms/}, such as {@code algosure/keys}
   * @param body a JSON body, or null
   * @return the answer's JSON body (empty for none)
   * @throws IllegalStateException if the answer is not 2xx
   */
  static JsonNode admin(String method, String path, JsonNode body) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(server() + "/admin/realms/" + path))
        .header("Authorization", "Bearer " + adminToken())
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      rb.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = send(rb);
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("Keycloak admin " + method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body().isEmpty() ? JSON.createObjectNode() : json(r.body());
  }

  /**
   * Keycloak's impersonation as its admin console does it: the impersonator (a user of the realm with
   * realm-management's {@code impersonation} role) starts a session as the user ({@code POST
   * /admin/realms/algosure/users/{id}/impersonation}, which answers with that session's cookies), and the
   * {@code support-console} client signs in within that session (authorization code flow). The access token is the
   * user's, with the {@code impersonator} claim naming who did it.
   *
   * @param impersonator who impersonates, signed in with a password grant of the realm's {@code admin-cli}
   * @param user the impersonated user's id
   * @return the access token
   */
  static String impersonate(String impersonator, String user) {
    String admin = grant("algosure", Map.of("grant_type", "password", "client_id", "admin-cli", "username", impersonator,
        "password", impersonator + "-pass")).path("access_token").asText();
    HttpResponse<String> session = send(HttpRequest.newBuilder(URI.create(server() + "/admin/realms/algosure/users/" + user
        + "/impersonation")).header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()));
    if (session.statusCode() != 200) {
      throw new IllegalStateException("Keycloak refused the impersonation of " + user + " by " + impersonator + ": "
          + session.statusCode() + " " + session.body());
    }
    // the cookies are Secure (Keycloak sets them so for any scheme): sent by hand over loopback http
    String cookies = session.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';')))
        .collect(Collectors.joining("; "));
    String redirect = "http://127.0.0.1/support-console/callback";
    HttpResponse<String> auth = send(HttpRequest.newBuilder(URI.create(issuer() + "/protocol/openid-connect/auth?"
        + form(Map.of("client_id", "support-console", "response_type", "code", "scope", "openid", "state", "s",
            "redirect_uri", redirect)))).header("Cookie", cookies));
    String location = auth.headers().firstValue("Location").orElse("");
    String code = location.replaceFirst("^.*[?&]code=([^&]+).*$", "$1");
    if (auth.statusCode() != 302 || code.equals(location)) {
      throw new IllegalStateException("Keycloak gave no authorization code in the impersonation session: " + auth.statusCode());
    }
    return grant("algosure", Map.of("grant_type", "authorization_code", "client_id", "support-console", "client_secret",
        "support-console-secret", "code", code, "redirect_uri", redirect)).path("access_token").asText();
  }

  /** @return the JSON Keycloak serves at a public URL (discovery, JWKS) */
  static JsonNode get(String url) {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("Keycloak answered " + r.statusCode() + " for " + url);
    }
    return json(r.body());
  }

  private static String adminToken() {
    String user = System.getenv().getOrDefault("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    String password = System.getenv().getOrDefault("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
    return grant("master", Map.of("grant_type", "password", "client_id", "admin-cli", "username", user, "password", password))
        .path("access_token").asText();
  }

  /** @return the JOSE header of a compact JWS, as JSON */
  static JsonNode header(String token) {
    return json(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8));
  }

  /** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) over the raw secret of the realm file. */
  static String totp(String secret) {
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

  private static String form(Map<String, String> form) {
    return new LinkedHashMap<>(form).entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak is not reachable at " + server(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("Keycloak answered with no JSON: " + e.getMessage(), e);
    }
  }
}
