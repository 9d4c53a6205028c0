package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(List.of(providerKey, ecKey))).issuer("https://signing.example").build())
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
  void handleWhenTheRegistrationRequiresATypeThenOnlyJwsOfThatTypeAreCallbacks() throws Exception {
    CallbackGuard typed = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().keys(new JWKSet(providerKey)).type("webhook+jwt").build())
            .build())
        .build();
    java.util.function.Function<String, CallbackOutcome> handle = body -> typed.handle(
        CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
        JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
    RSASSASigner signer = new RSASSASigner(providerKey);
    java.util.function.Function<com.nimbusds.jose.JOSEObjectType, JWSHeader> header = t -> {
      JWSHeader.Builder b = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(providerKey.getKeyID());
      return (t == null ? b : b.type(t)).build();
    };

    // the same provider key also signs its access tokens: those are not callbacks
    CallbackOutcome accessToken = handle.apply(jws(signer, header.apply(new com.nimbusds.jose.JOSEObjectType("at+jwt")),
        "evt-at", clock.instant(), "https://signing.example"));
    CallbackOutcome untyped = handle.apply(jws(signer, header.apply(null), "evt-none", clock.instant(), "https://signing.example"));
    CallbackOutcome callback = handle.apply(jws(signer, header.apply(new com.nimbusds.jose.JOSEObjectType("application/Webhook+JWT")),
        "evt-typed", clock.instant(), "https://signing.example"));

    assertThat(accessToken.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(untyped.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(callback.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.deliveryId()).isEqualTo("evt-typed"));
  }

  /**
   * Regression (RFC 8725 §3.11): without a type the verifier took any JWT the provider's keys verify for a callback, an
   * access token it issued to anyone included. The builder now makes the host choose: the callbacks' type, or that the
   * provider does not type them.
   */
  @Test
  void buildWhenTheCallbacksTypeIsNotChosenThenRefusedSayingHowToChoose() {
    JwsCallbackVerifier.Builder b = JwsCallbackVerifier.builder().keys(new JWKSet(providerKey));

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessage("the callbacks' JWS type is not"
        + " chosen: set type(\"...\") to the media type the provider puts in the JWS header 'typ' (such as webhook+jwt),"
        + " so that another JWT it signs with the same keys (an access or ID token) is never taken for a callback"
        + " (RFC 8725 §3.11); or, if the provider does not type its callbacks, typeNotRequired()");
  }

  @Test
  void buildWhenTypeAndTypeNotRequiredAreBothSetThenRefused() {
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().type("webhook+jwt").typeNotRequired())
        .isInstanceOf(IllegalStateException.class).hasMessage("type was already set: type(...) and typeNotRequired()"
            + " exclude each other");
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().typeNotRequired().type("webhook+jwt"))
        .isInstanceOf(IllegalStateException.class).hasMessage("typeNotRequired() was already set: type(...) and"
            + " typeNotRequired() exclude each other");
  }

  /**
   * Regression (RFC 8725 §3.11): a provider that does not type its callbacks but signs its access tokens ({@code at+jwt},
   * RFC 9068), DPoP proofs or logout tokens with the same key had those accepted as callbacks when no type was set.
   */
  @Test
  void handleWhenTheTypeIsNotRequiredAndTheJwsIsTypedAsAnotherKindOfTokenThenRejected() throws Exception {
    CallbackGuard g = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().keys(new JWKSet(providerKey)).typeNotRequired().build())
            .build())
        .build();
    RSASSASigner signer = new RSASSASigner(providerKey);
    java.util.function.BiFunction<String, String, CallbackOutcome> typed = (typ, jti) -> {
      try {
        JWSHeader.Builder h = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(providerKey.getKeyID());
        String body = jws(signer, (typ == null ? h : h.type(new com.nimbusds.jose.JOSEObjectType(typ))).build(), jti,
            clock.instant(), "https://signing.example");
        return g.handle(CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
            JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    List<CallbackOutcome> otherTokens = List.of(typed.apply("at+jwt", "t-1"), typed.apply("application/AT+JWT", "t-2"),
        typed.apply("dpop+jwt", "t-3"), typed.apply("logout+jwt", "t-4"), typed.apply("oauth-authz-req+jwt", "t-5"),
        typed.apply("token-introspection+jwt", "t-6"), typed.apply("kb+jwt", "t-7"));

    assertThat(otherTokens).allSatisfy(o -> {
      assertThat(o.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
      assertThat(((CallbackOutcome.Rejected) o).message()).contains("'typ'").contains("another kind of token");
    });
    assertThat(handled).isEmpty();
    // the control: what providers that do not type their callbacks send
    assertThat(typed.apply(null, "c-1").accepted()).isTrue();
    assertThat(typed.apply("JWT", "c-2").accepted()).isTrue();
    assertThat(typed.apply("secevent+jwt", "c-3").accepted()).isTrue();
    assertThat(handled).hasSize(3);
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
  void handleWhenTheJwsAlgorithmIsTheSendersOwnTextThenTheMessageQuotesItCutAndPrintable() {
    String header = "{\"alg\":\"RS256\\r\\n10:00:00 INFO callback ACCEPTED \\u202e" + "x".repeat(5000) + "\",\"kid\":\"provider-1\"}";
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String body = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString("{\"jti\":\"evt-alg\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(new byte[64]);

    CallbackOutcome out = handle(body);

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(((CallbackOutcome.Rejected) out).message())
        .startsWith("JWS algorithm RS256??10:00:00 INFO callback AC... is not accepted")
        .doesNotContain("\r", "\n", "\u202e")
        .hasSizeLessThan(200);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenJwsIssuerIsNotTheProvidersThenRejected() throws Exception {
    String body = jws(new RSASSASigner(providerKey), new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
        "evt-5", clock.instant(), "https://evil.example");

    assertThat(handle(body).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  /** A JWS the provider signed with its one key, for the given audience ({@code aud}, left out when null). */
  String withAudience(String jti, Object aud) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().jwtID(jti).issueTime(Date.from(clock.instant()))
        .issuer("https://signing.example").claim("envelope", "env-1");
    if (aud != null) {
      claims.claim("aud", aud);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(), claims.build());
    jwt.sign(new RSASSASigner(providerKey));
    return jwt.serialize();
  }

  CallbackOutcome handleFor(String audience, String body) {
    JwsCallbackVerifier.Builder verifier = JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(providerKey));
    if (audience != null) {
      verifier.audience(audience);
    }
    CallbackGuard g = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme").verifier(verifier.build()).build())
        .build();
    return g.handle(CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
        JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
  }

  @Test
  void handleWhenTheJwsIsAddressedToAnotherRecipientOfTheProviderThenRejected() throws Exception {
    // the provider signs every customer's callbacks with one key: one addressed to another customer, replayed here
    // inside the window, is not ours (RFC 7519 §4.1.3: a JWT whose aud does not name the recipient MUST be rejected)
    CallbackOutcome out = handleFor("https://acme.example/callbacks", withAudience("evt-aud-1", "https://other.example/hooks"));
    CallbackOutcome listed = handleFor("https://acme.example/callbacks",
        withAudience("evt-aud-2", List.of("https://other.example/hooks", "https://third.example")));
    CallbackOutcome none = handleFor("https://acme.example/callbacks", withAudience("evt-aud-3", null));
    CallbackOutcome notText = handleFor("https://acme.example/callbacks", withAudience("evt-aud-4", 42));

    assertThat(List.of(out, listed, none, notText)).allSatisfy(o -> {
      assertThat(o.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
      assertThat(((CallbackOutcome.Rejected) o).message()).contains("aud").doesNotContain("other.example");
    });
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheJwsNamesThisRecipientAmongItsAudiencesThenAccepted() throws Exception {
    assertThat(handleFor("https://acme.example/callbacks", withAudience("evt-aud-5", "https://acme.example/callbacks"))
        .accepted()).isTrue();
    assertThat(handleFor("https://acme.example/callbacks",
        withAudience("evt-aud-6", List.of("https://other.example/hooks", "https://acme.example/callbacks"))).accepted())
        .isTrue();
    assertThat(handled).hasSize(2);
  }

  @Test
  void handleWhenTheJwsNamesAnAudienceAndTheVerifierNoneThenRejectedSayingWhatToSet() throws Exception {
    // RFC 7519 §4.1.3: a recipient that does not identify itself with the aud present rejects the JWT; without an
    // audience of its own the verifier cannot tell ours from another customer's
    CallbackOutcome out = handleFor(null, withAudience("evt-aud-7", "https://other.example/hooks"));

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(((CallbackOutcome.Rejected) out).message()).contains("audience(");
    assertThat(handled).isEmpty();
    // the control: without aud, as before
    assertThat(handleFor(null, withAudience("evt-aud-8", null)).accepted()).isTrue();
  }

  @Test
  void builderWhenTheAudienceIsBlankOrSetTwiceThenRefused() {
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().audience(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().audience("a").audience("b"))
        .isInstanceOf(IllegalStateException.class).hasMessage("audience was already set");
  }

  @Test
  void handleWhenAJwsIsAcceptedThenItsEventsNameTheKeyThatVerifiedItByKid() throws Exception {
    com.algosure.audit.InMemoryAuditSink audit = AuditSink.inMemory();
    CallbackGuard g = CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(List.of(providerKey, ecKey))).build()).build())
        .build();
    String ec = jws(new ECDSASigner(ecKey), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("provider-ec").build(),
        "evt-kid-2", clock.instant(), "https://signing.example");

    for (String body : List.of(rs256(providerKey, "evt-kid-1"), ec)) {
      assertThat(g.handle(CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
          JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add).accepted()).isTrue();
    }

    assertThat(audit.events(com.algosure.audit.AuditEventType.ACCEPTED_FACT)).extracting(e -> e.details().get("keyRef"))
        .containsExactly("kid:provider-1", "kid:provider-ec");
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
  void handleWhenTheProvidersKeySetIsReplacedUnderTheSameKidThenOnlyTheNewKeyVerifies() throws Exception {
    RSAKey rotated = new RSAKeyGenerator(2048).keyID("provider-1").generate();
    AtomicReference<JWKSet> current = new AtomicReference<>(new JWKSet(providerKey.toPublicJWK()));
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keySource((selector, context) -> selector.select(current.get())).build())
            .build())
        .build();
    JsonValidator envelope = JsonValidator.builder().require("envelope", JsonType.STRING).build();

    CallbackOutcome before = guard.handle(request(rs256(providerKey, "evt-r1")), envelope, handled::add);
    current.set(new JWKSet(rotated.toPublicJWK()));
    CallbackOutcome oldKey = guard.handle(request(rs256(providerKey, "evt-r2")), envelope, handled::add);
    CallbackOutcome newKey = guard.handle(request(rs256(rotated, "evt-r3")), envelope, handled::add);

    assertThat(before.accepted()).isTrue();
    assertThat(oldKey.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(newKey.accepted()).isTrue();
  }

  @Test
  void selectWhenTheSameJwkIsServedAgainThenItsJavaKeyIsConvertedOnce() throws Exception {
    // a JWK with its private part is refused (handleWhenTheKeySourcePublishesTheProvidersPrivateKey...)
    JwsCallbackVerifier.ConvertOnceKeySelector selector = new JwsCallbackVerifier.ConvertOnceKeySelector(
        Set.of(JWSAlgorithm.RS256), new ImmutableJWKSet<>(new JWKSet(providerKey.toPublicJWK())), clock);
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build();

    List<Key> first = selector.selectJWSKeys(header, null);
    List<Key> second = selector.selectJWSKeys(header, null);

    assertThat(first).singleElement().isInstanceOf(PublicKey.class).isEqualTo(providerKey.toPublicKey());
    assertThat(second.get(0)).isSameAs(first.get(0));
    assertThat(selector.selectJWSKeys(new JWSHeader.Builder(JWSAlgorithm.RS512).keyID("provider-1").build(), null)).isEmpty();
  }

  @Test
  void handleWhenJwsPayloadIsNotAJsonObjectThenRejectedAsInvalid() throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(), new Payload("[1, 2]"));
    jws.sign(new RSASSASigner(providerKey));

    assertThat(handle(jws.serialize()).reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenAProcessedJwsIsSignedAnewLaterUnderTheSameIdThenDuplicateButAnotherPayloadIsRejectedAsReused()
      throws Exception {
    // a provider's retry of a JWS callback is signed again, with a new iat (and exp): the same delivery all the same
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(List.of(providerKey))).issuer("https://signing.example")
                .clock(clock).build())
            .build())
        .build();
    JsonValidator validator = JsonValidator.builder().require("envelope", JsonType.STRING).build();
    assertThat(guard.handle(request(signedAt("evt-9", clock.instant(), "env-1")), validator, handled::add))
        .matches(CallbackOutcome::accepted, "accepted");
    clock.advance(java.time.Duration.ofSeconds(90));
    String resigned = signedAt("evt-9", clock.instant(), "env-1");
    String other = signedAt("evt-9", clock.instant(), "env-2");

    CallbackOutcome again = guard.handle(request(resigned), validator, handled::add);
    CallbackOutcome reused = guard.handle(request(other), validator, handled::add);

    assertThat(again.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(reused.reason()).isEqualTo(CallbackReason.DELIVERY_ID_REUSED);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.payload().get("envelope").asText()).isEqualTo("env-1"));
  }

  /** A JWS of the provider's RSA key issued at {@code iat}, valid five minutes, with the given envelope. */
  String signedAt(String jti, Instant iat, String envelope) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(providerKey.getKeyID()).build(),
        new JWTClaimsSet.Builder().jwtID(jti).issueTime(Date.from(iat)).expirationTime(Date.from(iat.plusSeconds(300)))
            .notBeforeTime(Date.from(iat)).issuer("https://signing.example").claim("envelope", envelope).build());
    jwt.sign(new RSASSASigner(providerKey));
    return jwt.serialize();
  }

  static CallbackRequest request(String jws) {
    return CallbackRequest.builder("signing-service").body(jws.getBytes(StandardCharsets.US_ASCII)).build();
  }

  @Test
  void builderWhenAlgorithmIsSymmetricThenRefused() {
    assertThatThrownBy(() -> JwsCallbackVerifier.builder().algorithms(JWSAlgorithm.HS256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JWS algorithm HS256 is not accepted for callbacks: use RS*, PS* or ES*");
  }

  @Test
  void handleWhenTheKeySourcePublishesTheProvidersPrivateKeyThenCallbacksItVerifiesAreRefused() throws Exception {
    // a remote JWKS that serves the whole key pair: anyone who fetched it can sign callbacks
    CallbackGuard leaky = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keySource(new ImmutableJWKSet<>(new JWKSet(List.of(providerKey, ecKey.toPublicJWK()))))
                .build())
            .build())
        .build();
    java.util.function.Function<String, CallbackOutcome> handle = body -> leaky.handle(
        CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
        JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);

    CallbackOutcome forged = handle.apply(rs256(providerKey, "evt-forged"));
    CallbackOutcome again = handle.apply(rs256(providerKey, "evt-forged-2"));
    CallbackOutcome ec = handle.apply(jws(new ECDSASigner(ecKey), new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID("provider-ec").build(), "evt-ec", clock.instant(), "https://signing.example"));

    assertThat(forged).isInstanceOfSatisfying(CallbackOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
      assertThat(r.message()).contains("published with its private part").contains("rotate");
    });
    assertThat(again.accepted()).isFalse();
    assertThat(ec.accepted()).as("the set's public keys still verify").isTrue();
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-ec");
  }

  /** A guard whose registration verifies with exactly these keys, as a remote JWKS would serve them. */
  CallbackGuard guardServing(com.nimbusds.jose.jwk.JWK... keys) {
    return CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keySource(new ImmutableJWKSet<>(new JWKSet(List.of(keys)))).build())
            .build())
        .build();
  }

  CallbackOutcome handle(CallbackGuard guard, String body) {
    return guard.handle(CallbackRequest.builder("signing-service").body(body.getBytes(StandardCharsets.US_ASCII)).build(),
        JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
  }

  /**
   * Regression: the leaked key was refused under its own kid only; listed again public-only under another kid, a
   * callback forged with it naming that kid was accepted.
   */
  @Test
  void handleWhenThePublishedPrivateKeyIsListedAgainPublicOnlyUnderAnotherKidThenCallbacksItVerifiesAreRefused()
      throws Exception {
    RSAKey copy = new RSAKey.Builder(providerKey.toRSAPublicKey()).keyID("provider-1-copy").build();
    CallbackGuard leaky = guardServing(providerKey, copy, ecKey.toPublicJWK());
    RSAKey forger = new RSAKey.Builder(providerKey).keyID("provider-1-copy").build();

    CallbackOutcome forged = handle(leaky, rs256(forger, "evt-forged"));
    CallbackOutcome noKid = handle(leaky, jws(new RSASSASigner(providerKey),
        new JWSHeader.Builder(JWSAlgorithm.RS256).build(), "evt-forged-2", clock.instant(), "https://signing.example"));
    CallbackOutcome ec = handle(leaky, jws(new ECDSASigner(ecKey), new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID("provider-ec").build(), "evt-ec", clock.instant(), "https://signing.example"));

    assertThat(forged).isInstanceOfSatisfying(CallbackOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
      assertThat(r.message()).contains("published with its private part");
    });
    assertThat(noKid.accepted()).isFalse();
    assertThat(ec.accepted()).as("the set's other keys still verify").isTrue();
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-ec");
  }

  /**
   * Regression: a callback signed with a 1024-bit RSA key of the provider's JWKS was accepted (nimbus refuses such a
   * key for signing, not for verifying); whoever factors the published modulus signs any callback.
   */
  @Test
  void handleWhenTheProvidersRsaKeyHasFewerThan2048BitsThenCallbacksItVerifiesAreRefused() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    java.security.KeyPair pair = generator.generateKeyPair();
    RSAKey weak = new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic()).keyID("weak-1024").build();
    CallbackGuard guard = guardServing(weak, providerKey.toPublicJWK());

    CallbackOutcome forged = handle(guard, jws(new RSASSASigner(pair.getPrivate(), true),
        new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak-1024").build(), "evt-weak", clock.instant(),
        "https://signing.example"));
    CallbackOutcome noKid = handle(guard, jws(new RSASSASigner(pair.getPrivate(), true),
        new JWSHeader.Builder(JWSAlgorithm.RS256).build(), "evt-weak-2", clock.instant(), "https://signing.example"));
    CallbackOutcome strong = handle(guard, jws(new RSASSASigner(providerKey), new JWSHeader.Builder(JWSAlgorithm.RS256)
        .build(), "evt-strong", clock.instant(), "https://signing.example"));

    assertThat(forged).isInstanceOfSatisfying(CallbackOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
      assertThat(r.message()).contains("1024 bits").contains("2048");
    });
    assertThat(noKid.accepted()).isFalse();
    assertThat(strong.accepted()).as("a callback without kid still verifies with the strong key").isTrue();
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-strong");
  }

  /**
   * Regression: a provider key whose JWK {@code exp} (the end its publisher gave it) had passed still verified
   * callbacks, as the access token validator no longer does: from its {@code exp} on the verifier's clock it is not used.
   */
  @Test
  void handleWhenTheProviderKeysJwkExpHasPassedOnTheVerifiersClockThenRejectedAndNotHandled() throws Exception {
    RSAKey expiring = new RSAKey.Builder(providerKey).expirationTime(Date.from(clock.instant().plusSeconds(3600))).build();
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(expiring.toPublicJWK())).clock(clock)
                .build())
            .build())
        .build();
    java.util.function.Function<String, CallbackOutcome> send = jti -> {
      try {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
            new JWTClaimsSet.Builder().jwtID(jti).issueTime(Date.from(clock.instant())).claim("envelope", "env-1").build());
        jwt.sign(new RSASSASigner(providerKey));
        return guard.handle(CallbackRequest.builder("signing-service").body(jwt.serialize().getBytes(StandardCharsets.US_ASCII))
            .build(), JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    CallbackOutcome before = send.apply("evt-before");
    clock.advance(java.time.Duration.ofSeconds(3600));
    CallbackOutcome after = send.apply("evt-after");

    assertThat(before.accepted()).isTrue();
    assertThat(after.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-before");
  }

  @Test
  void handleWhenTheJwsIsPastItsOwnExpOrBeforeItsNbfThenRejectedWhateverItsIat() throws Exception {
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(providerKey)).clock(clock).build())
            .build())
        .build();
    java.util.function.BiFunction<String, JWTClaimsSet.Builder, CallbackOutcome> send = (jti, claims) -> {
      try {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
            claims.jwtID(jti).issueTime(Date.from(clock.instant().minusSeconds(120))).claim("envelope", "env-1").build());
        jwt.sign(new RSASSASigner(providerKey));
        return guard.handle(CallbackRequest.builder("signing-service").body(jwt.serialize().getBytes(StandardCharsets.US_ASCII))
            .build(), JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    CallbackOutcome expired = send.apply("evt-exp", new JWTClaimsSet.Builder().expirationTime(Date.from(clock.instant().minusSeconds(61))));
    CallbackOutcome early = send.apply("evt-nbf", new JWTClaimsSet.Builder().notBeforeTime(Date.from(clock.instant().plusSeconds(3600))));
    CallbackOutcome withinSkew = send.apply("evt-skew", new JWTClaimsSet.Builder().expirationTime(Date.from(clock.instant().minusSeconds(30))));
    CallbackOutcome valid = send.apply("evt-valid", new JWTClaimsSet.Builder().expirationTime(Date.from(clock.instant().plusSeconds(300))));

    assertThat(expired.reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
    assertThat(early.reason()).isEqualTo(CallbackReason.TIMESTAMP_IN_FUTURE);
    assertThat(withinSkew.accepted()).isTrue();
    assertThat(valid.accepted()).isTrue();
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-skew", "evt-valid");
  }

  @Test
  void handleWhenTheJwsExpiredExactlyTheSkewAgoThenRejectedAndASecondLaterExpAccepted() throws Exception {
    // RFC 7519 section 4.1.4: the current time must be before exp; with the skew, refused from exp + 60 s on, as the
    // access token validator refuses a token
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(providerKey)).clock(clock).build())
            .build())
        .build();
    java.util.function.BiFunction<String, Instant, CallbackOutcome> send = (jti, exp) -> {
      try {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
            new JWTClaimsSet.Builder().jwtID(jti).issueTime(Date.from(clock.instant().minusSeconds(120)))
                .expirationTime(Date.from(exp)).claim("envelope", "env-1").build());
        jwt.sign(new RSASSASigner(providerKey));
        return guard.handle(CallbackRequest.builder("signing-service").body(jwt.serialize().getBytes(StandardCharsets.US_ASCII))
            .build(), JsonValidator.builder().require("envelope", JsonType.STRING).build(), handled::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    CallbackOutcome atTheEdge = send.apply("evt-edge", clock.instant().minusSeconds(60));
    CallbackOutcome justInside = send.apply("evt-inside", clock.instant().minusSeconds(59)); // exp is whole seconds

    assertThat(atTheEdge.reason()).as("%s", atTheEdge).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
    assertThat(justInside.accepted()).as("%s", justInside).isTrue();
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("evt-inside");
  }

  @Test
  void handleWhenTheJwsNbfOrExpIsTooLargeForADateThenRejectedNotWrappedIntoThePast() throws Exception {
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("signing-service").tenant("acme")
            .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(providerKey)).clock(clock).build())
            .build())
        .build();
    java.util.function.BiFunction<String, String, CallbackOutcome> send = (jti, extra) -> {
      try {
        // written by hand: the claims builder takes a Date, which cannot say "later than any Date"
        JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
            new Payload("{\"jti\":\"" + jti + "\",\"iat\":" + clock.instant().getEpochSecond() + "," + extra
                + ",\"envelope\":\"env-1\"}"));
        jws.sign(new RSASSASigner(providerKey));
        return guard.handle(request(jws.serialize()), JsonValidator.builder().require("envelope", JsonType.STRING).build(),
            handled::add);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    // seconds * 1000 overflows a long: nimbus's date wraps to 1969, so "not before the end of time" read as long past
    CallbackOutcome maxNbf = send.apply("evt-nbf-max", "\"nbf\":9223372036854775807");
    CallbackOutcome hugeNbf = send.apply("evt-nbf-huge", "\"nbf\":1e300");
    CallbackOutcome hugeExp = send.apply("evt-exp-huge", "\"exp\":1e300");

    assertThat(List.of(maxNbf, hugeNbf, hugeExp)).allSatisfy(out -> {
      assertThat(out.reason()).isEqualTo(CallbackReason.TIMESTAMP_INVALID);
      assertThat(((CallbackOutcome.Rejected) out).message()).contains("not a date");
    });
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheJwsDeliveryIdIsOver255CharactersThenRejectedAsAnInvalidIdNotAsAMissingOne() throws Exception {
    JWSObject tooLong = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1").build(),
        new Payload("{\"jti\":\"" + "x".repeat(256) + "\",\"iat\":" + clock.instant().getEpochSecond()
            + ",\"iss\":\"https://signing.example\",\"envelope\":\"env-1\"}"));
    tooLong.sign(new RSASSASigner(providerKey));

    CallbackOutcome longOut = handle(tooLong.serialize());

    assertThat(longOut.reason()).isEqualTo(CallbackReason.DELIVERY_ID_INVALID);
    assertThat(((CallbackOutcome.Rejected) longOut).message()).contains("256 characters").contains("1 to 255");
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheJwsHeaderNamesCriticalParametersThenRejectedSayingSoNotAsAKeyMismatch() throws Exception {
    // RFC 7515 4.1.11: a JWS whose 'crit' names an extension the recipient does not process must be refused; it is,
    // but the sender must be told why, not sent rotating keys that are fine
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("provider-1")
        .criticalParams(Set.of("urn:example:policy")).customParam("urn:example:policy", "strict").build(),
        new Payload("{\"jti\":\"evt-crit\",\"iat\":" + clock.instant().getEpochSecond()
            + ",\"iss\":\"https://signing.example\",\"envelope\":\"env-1\"}"));
    jws.sign(new RSASSASigner(providerKey));

    CallbackOutcome out = handle(jws.serialize());

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(((CallbackOutcome.Rejected) out).message()).contains("crit").contains("urn:example:policy")
        .doesNotContain("matches none");
    assertThat(handled).isEmpty();
  }

  /**
   * Regression: {@code "crit": []} was accepted. RFC 7515 §4.1.11 forbids producers an empty list, so a callback that
   * carries one was not signed by a conforming sender; it is refused, saying why, as a {@code crit} naming an
   * extension is.
   */
  @Test
  void handleWhenTheJwsHeaderCritIsAnEmptyListThenRejectedAndNotHandled() throws Exception {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"kid\":\"provider-1\",\"crit\":[]}"
        .getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(("{\"jti\":\"evt-crit-empty\",\"iat\":" + clock.instant().getEpochSecond()
        + ",\"iss\":\"https://signing.example\",\"envelope\":\"env-1\"}").getBytes(StandardCharsets.UTF_8));
    com.nimbusds.jose.util.Base64URL signature = new RSASSASigner(providerKey).sign(new JWSHeader(JWSAlgorithm.RS256),
        (header + "." + payload).getBytes(StandardCharsets.US_ASCII));

    CallbackOutcome out = handle(header + "." + payload + "." + signature);

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(((CallbackOutcome.Rejected) out).message()).contains("'crit'", "empty");
    assertThat(handled).isEmpty();
  }
}
