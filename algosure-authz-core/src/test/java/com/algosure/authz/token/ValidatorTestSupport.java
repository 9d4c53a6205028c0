package com.algosure.authz.token;

import com.algosure.testing.MutableClock;
import com.algosure.testing.TestJwksServer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One WireMock JWKS server per test class (on 127.0.0.1), a clock the test moves, the realm's RSA key served as
 * its JWKS, and validators closed after each test.
 */
abstract class ValidatorTestSupport {

  static final String REALM = TestJwksServer.REALM;
  static final String AUDIENCE = TestTokens.AUDIENCE;
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  static TestJwksServer server;

  final RSAKey key = TestKeys.rsa("realm-key-1");
  MutableClock clock;
  private final List<AccessTokenValidator> opened = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = TestJwksServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void serveRealmKey() {
    server.reset();
    clock = MutableClock.at(NOW);
    server.serve(REALM, key);
  }

  @AfterEach
  void closeValidators() {
    opened.forEach(AccessTokenValidator::close);
  }

  String issuer() {
    return server.issuer(REALM);
  }

  /** The realm as a trusted issuer: its JWKS on WireMock, audience filings-api. */
  TrustedIssuer.Builder realm() {
    return server.trustedIssuer(REALM).audiences(AUDIENCE);
  }

  /** A builder with the test clock; no issuer yet. */
  AccessTokenValidator.Builder builder() {
    return AccessTokenValidator.builder().clock(clock);
  }

  /** The validator most tests use: the realm, default settings, the test clock. */
  AccessTokenValidator validator() {
    return open(builder().issuer(realm().build()));
  }

  AccessTokenValidator open(AccessTokenValidator.Builder b) {
    AccessTokenValidator v = b.build();
    opened.add(v);
    return v;
  }

  /** An access token of the realm, signed with the realm key, issued now, valid 5 minutes. */
  TestTokens.Minter token() {
    return TestTokens.accessToken(key, issuer(), clock.instant());
  }
}
