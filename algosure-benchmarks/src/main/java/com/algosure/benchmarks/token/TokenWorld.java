package com.algosure.benchmarks.token;

import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.authz.token.SigningAlgorithm;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * One issuer with an RSA and an EC signing key, its JWKS served over HTTP on loopback, tokens of a real
 * Keycloak payload ({@code alice}, re-signed, valid for a day), and the three validators built to make the same
 * checks: signature by a key of that JWKS ({@code kid}, RS256/ES256 only), header {@code typ} {@code JWT} or
 * {@code at+jwt}, {@code iss} exact, {@code aud} contains {@code filings-api}, body {@code typ} {@code Bearer},
 * {@code exp} required and not past and {@code nbf}/{@code iat} not in the future, 60 s skew. Each validator reads
 * the same JWKS endpoint and keeps its own copy of the keys (the JWKS is cached by all three; tokens only by ours).
 *
 * <p>Close it to stop the server and our validator's refresh threads.
 */
public final class TokenWorld implements AutoCloseable {

  /** The audience every validator requires. */
  public static final String AUDIENCE = TestTokens.AUDIENCE;

  private final HttpServer server;
  private final JWK rsa = TestKeys.rsa("bench-rsa");
  private final JWK ec = TestKeys.ec("bench-ec");
  private final String issuer;
  private final URI jwks;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** Starts the JWKS server. */
  public TokenWorld() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the JWKS server on loopback", e);
    }
    byte[] body = TestKeys.jwks(rsa, ec).getBytes(StandardCharsets.UTF_8);
    server.createContext("/realms/bench/protocol/openid-connect/certs", exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    issuer = base + "/realms/bench";
    jwks = URI.create(issuer + "/protocol/openid-connect/certs");
  }

  /** @return the issuer */
  public String issuer() {
    return issuer;
  }

  /**
   * @param ecdsa whether to sign ES256 (else RS256)
   * @param id distinguishes otherwise equal tokens (claim {@code jti})
   * @return a token of Keycloak's alice, valid for a day
   */
  public String token(boolean ecdsa, int id) {
    Instant now = Instant.now();
    return TestTokens.keycloak("alice", ecdsa ? ec : rsa, issuer, now).claim("jti", "bench-" + id)
        .expiresAt(now.plus(Duration.ofDays(1))).sign();
  }

  /**
   * @param tokenCacheSize how many validated tokens to keep (our default is 10,000)
   * @return our validator for this issuer, with Keycloak's default mapping
   */
  public AccessTokenValidator algosure(long tokenCacheSize) {
    AccessTokenValidator v = AccessTokenValidator.builder()
        .issuer(TrustedIssuer.builder(issuer)
            .jwksUri(jwks)
            .audiences(AUDIENCE)
            .algorithms(SigningAlgorithm.RS256, SigningAlgorithm.ES256)
            .allowPlainHttpToLoopback()
            .build())
        .tokenCacheMaximumSize(tokenCacheSize)
        .build();
    closeables.add(v);
    return v;
  }

  /** @return a raw nimbus processor making the same checks */
  public DefaultJWTProcessor<SecurityContext> nimbus() {
    DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
    p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt")));
    p.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), jwkSource()));
    DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(AUDIENCE,
        new JWTClaimsSet.Builder().issuer(issuer).claim("typ", "Bearer").build(), Set.of("exp", "sub"));
    claims.setMaxClockSkew(60);
    p.setJWTClaimsSetVerifier(claims);
    return p;
  }

  /** @return Spring Security's decoder making the same checks, with no token cache */
  public NimbusJwtDecoder spring() {
    NimbusJwtDecoder d = NimbusJwtDecoder.withJwkSource(jwkSource())
        .jwsAlgorithms(algs -> {
          algs.add(SignatureAlgorithm.RS256);
          algs.add(SignatureAlgorithm.ES256);
        })
        .build();
    d.setJwtValidator(JwtValidators.createDefaultWithValidators(new JwtIssuerValidator(issuer),
        new JwtAudienceValidator(AUDIENCE), new JwtClaimValidator<String>("typ", "Bearer"::equals)));
    return d;
  }

  private JWKSource<SecurityContext> jwkSource() {
    try {
      return JWKSourceBuilder.<SecurityContext>create(jwks.toURL()).retrying(false).build();
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing a benchmark fixture: nothing to do
      }
    }
    server.stop(0);
  }
}
