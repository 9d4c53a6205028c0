package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.spi.Directory;
import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.authz.token.KeycloakMapping;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.testing.TestJwksServer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Mirrors the README section "Quick start: from a bearer token to a decision": its snippet as written but for
 * loopback http, so that it keeps compiling and working. Change one, change the other.
 */
class QuickStartTest {

  private final TestJwksServer jwks = TestJwksServer.start();

  @AfterEach
  void stop() {
    jwks.close();
  }

  @Test
  void readmeQuickStartWhenAliceReadsInHerOrganizationThenPermitted() throws Exception {
    RSAKey key = TestKeys.rsa("k1");
    jwks.serve(TestJwksServer.REALM, key);
    String issuer = jwks.issuer(TestJwksServer.REALM);
    String bearerToken = "Bearer " + TestTokens.keycloak("alice", key, issuer, Instant.now()).sign();
    Actor.User expected = (Actor.User) AccessTokenValidator.builder()
        .issuer(jwks.trustedIssuer(TestJwksServer.REALM).audiences("filings-api").build()).build()
        .authenticate(bearerToken);
    InputStream mappingJson = getClass().getResourceAsStream("/keycloak/algosure-mapping.json");
    InputStream rolesJson = new ByteArrayInputStream(("{\"permissions\": {\"filings:read\": {}},"
        + " \"roles\": {\"filings-reader\": {\"permissions\": [\"filings:read\"]}}}").getBytes(StandardCharsets.UTF_8));
    Directory directory = Directory.inMemory().organization("acme", "sales").organization("acme", "support")
        .member(expected.id(), "sales", "support").build();

    // --- README quick start (plus allowPlainHttpToLoopback() for the loopback JWKS) ---
    AccessTokenValidator validator = AccessTokenValidator.builder()
        .issuer(TrustedIssuer.builder(issuer).jwksUri(URI.create(issuer + "/protocol/openid-connect/certs"))
            .audiences("filings-api").allowPlainHttpToLoopback().build())
        .mapping(KeycloakMapping.fromJson(mappingJson))          // Keycloak roles, groups, claims -> Algosure signals
        .build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.fromJson(rolesJson))            // roles -> permissions
        .directory(directory)                                    // your Directory: tenants, organizations, bindings
        .build();                                                // audits every decision to SLF4J by default

    Actor actor = validator.authenticate(bearerToken);           // TokenRejectedException (with a reason) -> 401
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(actor)
        .tenant("acme").organization("sales").action("filings:read").resource(ResourceRef.type("filing")).build());
    // --- end ---

    assertThat(d.permitted()).as(d.explanation()).isTrue();
    assertThat(d.matchedRole()).contains(Role.of("filings-reader"));
  }

  /**
   * The README's quick start says its decision point audits to SLF4J by default, and that where the logger
   * {@code com.algosure.audit} has INFO off every decision is a deny ({@code AUDIT_FAILED}).
   */
  @Test
  void readmeQuickStartWhenAuditLoggerInfoOffThenDeniedAuditFailed() {
    Directory directory = Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales", "filings-reader")
        .build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permissions("filings:read").role("filings-reader", "filings:read").build())
        .directory(directory)
        .build();                                                // audits every decision to SLF4J by default
    AuthorizationRequest request = AuthorizationRequest.builder().actor(Actor.user("alice"))
        .tenant("acme").organization("sales").action("filings:read").resource(ResourceRef.type("filing")).build();
    ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.algosure.audit");
    ch.qos.logback.classic.Level before = audit.getLevel();

    assertThat(pdp.decide(request).permitted()).isTrue();
    AuthorizationDecision d;
    try {
      audit.setLevel(ch.qos.logback.classic.Level.WARN);
      d = pdp.decide(request);
    } finally {
      audit.setLevel(before);
    }

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.AUDIT_FAILED);
  }
}
