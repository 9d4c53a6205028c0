package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.authz.Actor;
import com.algosure.authz.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A token exactly as Keycloak 26.5.6 signed it (RS256), verified against the realm's real JWKS (a signing key and
 * an RSA-OAEP encryption key), both captured from the realm in shared/keycloak and served here by WireMock.
 */
class RealKeycloakTokenTest extends ValidatorTestSupport {

  /** The issuer the captured token names: the Keycloak of shared/keycloak on its default port. */
  private static final String KEYCLOAK_ISSUER = "http://127.0.0.1:18080/realms/algosure";

  private static String resource(String name) throws IOException {
    try (InputStream in = RealKeycloakTokenTest.class.getResourceAsStream("/keycloak/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  private AccessTokenValidator keycloakValidator(Instant now) throws IOException {
    server.serveJson(REALM, resource("jwks.json"));
    clock.set(now);
    return open(builder()
        .issuer(TrustedIssuer.builder(KEYCLOAK_ISSUER).jwksUri(server.jwksUri(REALM)).allowPlainHttpToLoopback()
            .audiences("filings-api").build())
        .mapping(KeycloakTokensTest.realmMapping()));
  }

  private static Instant issuedAt(String token) throws Exception {
    return com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getIssueTime().toInstant();
  }

  @Test
  void keycloakSignedTokenIsVerifiedWithTheSigningKeyOfItsJwks() throws Exception {
    String token = resource("alice.access_token.jwt");
    AccessTokenValidator v = keycloakValidator(issuedAt(token).plusSeconds(30));

    AuthenticatedToken t = v.validate(token);

    assertThat(t.issuer()).isEqualTo(KEYCLOAK_ISSUER);
    assertThat(t.actor()).isInstanceOf(Actor.User.class);
    assertThat(t.actor().id()).isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf");
    assertThat(t.actor().signals().roles()).contains(Role.of("member"), Role.of("filings-reader"));
    assertThat(server.jwksRequests(REALM)).isEqualTo(1);
  }

  @Test
  void keycloakSignedTokenWithOneFlippedSignatureCharacterIsBadSignature() throws Exception {
    String token = resource("alice.access_token.jwt");
    AccessTokenValidator v = keycloakValidator(issuedAt(token).plusSeconds(30));
    int i = token.length() - 10;
    String tampered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(tampered));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }
}
