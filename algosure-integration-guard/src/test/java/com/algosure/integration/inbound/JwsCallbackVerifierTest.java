package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWS-signed callbacks, verified with nimbus against keys generated here. */
class JwsCallbackVerifierTest {

  static RSAKey providerKey;
  static RSAKey otherKey;
  static ECKey ecKey;

  final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  final List<VerifiedCallback<JsonNode>> handled = new ArrayList<>();

  @BeforeAll
  static void keys() throws Exception {
    providerKey = new RSAKeyGenerator(2048).keyID("provider-1").generate();
    otherKey = new RSAKeyGenerator(2048).keyID("provider-1").generate();
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("provider-ec").generate();
  }

  CallbackGuard guard() {
    return CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().keys(new JWKSet(List.of(providerKey, ecKey))).issuer("https://signing.example").build())
            .build())
        .build();
  }

  String jws(JWSSigner signer, JWSHeader header, String jti, Instant iat, String issuer) throws Exception {
    SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().jwtID(jti).issueTime(Date.from(iat)).issuer(issuer)
        .claim("envelope", "env-1").build());
    jwt.sign(signer);
    return jwt.serialize();
  }

  String rs256(RSAKey key, String jti) throws Exception {
    return jws(new RSASSASigner(key), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), jti,
        clock.instant(), "https://signing.example");
  }

  CallbackOutcome handle(String body) {
    return guard().handle(CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
        JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
  }

  @Test
  void handleWhenJwsIsSignedWithTheProvidersRsaKeyThenAccepted() throws Exception {
    CallbackOutcome out = handle(rs256(providerKey, "evt-1"));

    assertThat(out.accepted()).isTrue();
    assertThat(handled).singleElement().satisfies(c -> {
      assertThat(c.deliveryId()).isEqualTo("evt-1");
      assertThat(c.payload().get("envelope").asText()).isEqualTo("env-1");
    });
  }

  @Test
  void handleWhenJwsIsSignedWithTheProvidersEcKeyThenAccepted() throws Exception {
    String body = jws(new ECDSASigner(ecKey), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("provider-ec").build(), "evt-ec",
        clock.instant(), "https://signing.example");

    assertThat(handle(body).accepted()).isTrue();
  }

  @Test
  void handleWhenJwsIsSignedWithAnotherKeyThenRejected() throws Exception {
    assertThat(handle(rs256(otherKey, "evt-2")).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenJwsPayloadIsTamperedThenRejected() throws Exception {
    String[] parts = rs256(providerKey, "evt-3").split("\\.");
    String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"jti\":\"evt-3\",\"iss\":\"https://signing.example\",\"envelope\":\"env-evil\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(handle(parts[0] + "." + forged + "." + parts[2]).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  @Test
  void handleWhenJwsUsesHmacThenRejectedWhateverTheKey() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    String body = jws(new MACSigner(secret), new JWSHeader(JWSAlgorithm.HS256), "evt-4", clock.instant(), "https://signing.example");

    assertThat(handle(body).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  @Test
  void handleWhenJwsIssuerIsNotTheProvidersThenRejected() throws Exception {
    String body = jws(new RSASSASigner(providerKey), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
        "evt-5", clock.instant(), "https://evil.example");

    assertThat(handle(body).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  @Test
  void handleWhenJwsIssuedOutsideTheWindowThenRejected() throws Exception {
    String body = jws(new RSASSASigner(providerKey), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
        "evt-6", clock.instant().minus(Duration.ofMinutes(10)), "https://signing.example");

    assertThat(handle(body).reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
  }

  @Test
  void handleWhenBodyIsNotAJwsThenRejected() {
    assertThat(handle("{\"envelope\":\"env-1\"}").reason()).isEqualTo(CallbackReason.SIGNATURE_MISSING);
  }

  @Test
  void builderWhenAlgorithmIsSymmetricThenRefused() {
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().algorithms(JWSAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JWS algorithm HS256 is not accepted for callbacks: use RS*, PS* or ES*");
  }
}
