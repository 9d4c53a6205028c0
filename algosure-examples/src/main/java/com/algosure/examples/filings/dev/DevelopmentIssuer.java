package com.algosure.examples.filings.dev;

import com.algosure.authz.Actor;
import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.authz.token.KeycloakMapping;
import com.algosure.authz.token.SigningAlgorithm;
import com.algosure.authz.token.TokenRejectedException;
import com.algosure.authz.token.TokenRejectionReason;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.spring.BearerTokenAuthenticator;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * DEVELOPMENT ONLY. An issuer inside the app: a fresh RSA key at every start, its JWKS served by the app at
 * {@code /dev/jwks.json}, Keycloak-shaped access tokens minted for the demo users on request. Tokens are
 * validated by the core {@link AccessTokenValidator}, exactly as a real issuer's: the key is fetched over HTTP
 * from the app's own JWKS endpoint, signature, issuer, audience, expiry and algorithm are all checked. The
 * application refuses to start with it while a real issuer is configured.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class DevelopmentIssuer implements BearerTokenAuthenticator, AutoCloseable {

  /** The audience of the tokens, the same as the Keycloak realm's resource server. */
  public static final String AUDIENCE = "filings-api";

  private static final Logger LOG = LoggerFactory.getLogger(DevelopmentIssuer.class);
  private static final Duration LIFETIME = Duration.ofMinutes(5);

  private final RSAKey key;
  private final Map<String, JsonNode> users;
  private final KeycloakMapping mapping;
  private final Environment environment;
  private final Clock clock;
  private volatile @Nullable AccessTokenValidator validator;
  private volatile @Nullable String issuer;

  /**
   * @param users the demo users' claims, by name
   * @param mapping how their claims map to Algosure roles and hints
   * @param environment where the server's port is found once it listens
   * @param clock the clock for iat and exp
   */
  public DevelopmentIssuer(Map<String, JsonNode> users, KeycloakMapping mapping, Environment environment, Clock clock) {
    try {
      this.key = new RSAKeyGenerator(2048).keyID("dev-" + UUID.randomUUID()).keyUse(KeyUse.SIGNATURE).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("could not generate the development key", e);
    }
    this.users = Map.copyOf(users);
    this.mapping = mapping;
    this.environment = environment;
    this.clock = clock;
    LOG.warn("DEVELOPMENT ISSUER ACTIVE: this application mints its own access tokens for demo users {}. For development "
        + "and the walkthrough only; configure algosure.issuers for anything else.", users.keySet());
  }

  @Override
  public Actor authenticate(String token) {
    return validator().authenticate(token);
  }

  /** @return the public JWKS, served at {@code /dev/jwks.json} */
  public Map<String, Object> jwks() {
    return new JWKSet(key.toPublicJWK()).toJSONObject(true);
  }

  /** @return the demo users' names */
  public List<String> users() {
    return users.keySet().stream().sorted().toList();
  }

  /**
   * Mints an access token for a demo user, shaped as Keycloak's for the realm of this example.
   *
   * @param user a demo user's name
   * @param mfa whether the user authenticated with a second factor (only users with one can)
   * @param expired whether to mint a token that expired a minute ago (to show the refusal)
   * @return the token, or empty if there is no such user or the user has no second factor
   */
  public Optional<String> mint(String user, boolean mfa, boolean expired) {
    return mint(user, mfa, expired, null);
  }

  /**
   * Mints an access token as {@link #mint(String, boolean, boolean)} does, obtained by an administrator's
   * impersonation of the user when {@code impersonator} is given: Keycloak then adds the {@code impersonator} claim
   * ({@code {"id": ..., "username": ...}}).
   *
   * @param user a demo user's name
   * @param mfa whether the user authenticated with a second factor (only users with one can)
   * @param expired whether to mint a token that expired a minute ago
   * @param impersonator the demo user impersonating {@code user}, or null
   * @return the token, or empty if there is no such user (or impersonator) or the user has no second factor
   */
  public Optional<String> mint(String user, boolean mfa, boolean expired, @Nullable String impersonator) {
    JsonNode u = users.get(user);
    if (u == null || (mfa && !u.path("otp").asBoolean(false)) || (impersonator != null && !users.containsKey(impersonator))) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Instant exp = expired ? now.minus(Duration.ofMinutes(1)) : now.plus(LIFETIME);
    boolean serviceAccount = u.path("serviceAccount").asBoolean(false);
    JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(AUDIENCE)
        .subject(serviceAccount ? "service-account-" + user : user)
        .issueTime(Date.from(expired ? now.minus(LIFETIME) : now))
        .expirationTime(Date.from(exp))
        .jwtID(UUID.randomUUID().toString())
        .claim("typ", "Bearer")
        .claim("azp", serviceAccount ? user : "algosure-cli")
        .claim("preferred_username", serviceAccount ? "service-account-" + user : user)
        .claim("amr", mfa ? List.of("pwd", "otp") : serviceAccount ? List.of() : List.of("pwd"))
        .claim("resource_access", Map.of(AUDIENCE, Map.of("roles", strings(u.path("clientRoles")))));
    if (serviceAccount) {
      c.claim("client_id", user);
    }
    if (u.has("realmRoles")) {
      c.claim("realm_access", Map.of("roles", strings(u.path("realmRoles"))));
    }
    if (u.has("groups")) {
      c.claim("groups", strings(u.path("groups")));
    }
    if (u.has("tenant")) {
      c.claim("tenant_id", u.path("tenant").asText());
    }
    if (u.has("organizations")) {
      c.claim("org_ids", strings(u.path("organizations")));
    }
    if (impersonator != null) {
      c.claim("impersonator", Map.of("id", impersonator, "username", impersonator));
    }
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
          .type(JOSEObjectType.JWT).build(), c.build());
      jwt.sign(new RSASSASigner(key));
      return Optional.of(jwt.serialize());
    } catch (JOSEException e) {
      throw new IllegalStateException("could not sign a development token", e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** @return the issuer URI, {@code http://127.0.0.1:<port>/dev}, once the server listens */
  public String issuer() {
    String i = issuer;
    if (i == null) {
      String port = environment.getProperty("local.server.port");
      if (port == null) {
        throw new IllegalStateException("the development issuer needs the web server to listen first");
      }
      i = "http://127.0.0.1:" + port + "/dev";
      issuer = i;
    }
    return i;
  }

  private AccessTokenValidator validator() {
    AccessTokenValidator v = validator;
    if (v == null) {
      synchronized (this) {
        v = validator;
        if (v == null) {
          String iss;
          try {
            iss = issuer();
          } catch (IllegalStateException e) {
            throw new TokenRejectedException(TokenRejectionReason.JWKS_UNAVAILABLE, "the development issuer is not ready yet");
          }
          v = AccessTokenValidator.builder()
              .issuer(TrustedIssuer.builder(iss).jwksUri(URI.create(iss + "/jwks.json")).audiences(AUDIENCE)
                  .algorithms(SigningAlgorithm.RS256).allowPlainHttpToLoopback().build())
              .mapping(mapping)
              .clock(clock)
              .build();
          validator = v;
        }
      }
    }
    return v;
  }

  @Override
  public void close() {
    AccessTokenValidator v = validator;
    if (v != null) {
      v.close();
    }
  }

  @Override
  public String toString() {
    return "DevelopmentIssuer[" + (issuer == null ? "not listening yet" : issuer) + ", DEVELOPMENT ONLY]";
  }
}
