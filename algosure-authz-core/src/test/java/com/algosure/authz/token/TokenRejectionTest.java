package com.algosure.authz.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per rejection reason, and the attacks the validator must refuse. */
class TokenRejectionTest extends ValidatorTestSupport {

  private final RSAKey attacker = TestKeys.rsa("attacker-key");

  private TokenRejectedException rejected(String token) {
    return rejected(validator(), token);
  }

  private static TokenRejectedException rejected(AccessTokenValidator v, String token) {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(token));
    assertThat(e).as("the token must be rejected").isNotNull();
    return e;
  }

  // MALFORMED

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"garbage", "a.b.c", "....", "eyJ.eyJ.", "not a token at all", "é.é.é", "Bearer ",
      "eyJhbGciOiJSUzI1NiJ9", "e30.e30.e30", "%%%.%%%.%%%"})
  void validateWhenGarbageThenMalformed(String garbage) {
    assertThat(rejected(garbage).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  static Stream<String> respellingsOfAValidToken() {
    return Stream.of("bang-in-signature", "padding", "leading-space", "trailing-space", "trailing-newline",
        "bearer-two-spaces", "plus-in-signature", "slash-in-signature", "tab-in-payload", "bang-in-header",
        "non-ascii-in-signature", "four-parts", "empty-header", "empty-payload", "non-canonical-last-character",
        "impossible-length");
  }

  /** The same token, spelled in a way nimbus's lenient Base64URL decoding would accept. */
  private static String respell(String token, String how) {
    String[] p = TestTokens.parts(token);
    String sig = p[2];
    int mid = sig.length() / 2;
    return switch (how) {
      case "bang-in-signature" -> p[0] + "." + p[1] + "." + sig.substring(0, mid) + "!" + sig.substring(mid);
      case "padding" -> token + "==";
      case "leading-space" -> " " + token;
      case "trailing-space" -> token + " ";
      case "trailing-newline" -> token + "\n";
      case "bearer-two-spaces" -> "Bearer  " + token;
      case "plus-in-signature" -> p[0] + "." + p[1] + "." + sig.substring(0, mid) + "+" + sig.substring(mid);
      case "slash-in-signature" -> p[0] + "." + p[1] + "." + sig.substring(0, mid) + "/" + sig.substring(mid);
      case "tab-in-payload" -> p[0] + "." + p[1].substring(0, 4) + "\t" + p[1].substring(4) + "." + sig;
      case "bang-in-header" -> p[0] + "!." + p[1] + "." + sig;
      case "non-ascii-in-signature" -> p[0] + "." + p[1] + "." + sig + "\u00e9";
      case "four-parts" -> token + ".";
      case "empty-header" -> "." + p[1] + "." + sig;
      case "empty-payload" -> p[0] + ".." + sig;
      case "non-canonical-last-character" -> p[0] + "." + p[1] + "." + withUnusedBitSet(sig);
      case "impossible-length" -> p[0] + "." + p[1] + "." + sig + "A".repeat(5 - sig.length() % 4); // 4n + 1
      default -> throw new IllegalArgumentException(how);
    };
  }

  /** The part with its last character's lowest (unused) bit set: the same bytes to a lenient decoder. */
  private static String withUnusedBitSet(String part) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    assertThat(part.length() % 4).as("a part whose last character has unused bits").isIn(2, 3);
    int last = alphabet.indexOf(part.charAt(part.length() - 1));
    String altered = part.substring(0, part.length() - 1) + alphabet.charAt(last | 1);
    assertThat(Base64URL.from(altered).decode()).isEqualTo(Base64URL.from(part).decode());
    return altered;
  }

  @ParameterizedTest
  @MethodSource("respellingsOfAValidToken")
  void validateWhenTokenRespelledOutsideStrictBase64UrlThenMalformedNamingThePart(String how) {
    AccessTokenValidator v = validator();
    String token = token().sign();
    v.validate(token);
    String respelled = respell(token, how);

    TokenRejectedException e = rejected(v, respelled);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).containsAnyOf("header part", "payload part", "signature part", "parts")
        .doesNotContain(TestTokens.parts(token)[2]).doesNotContain(TestTokens.parts(token)[1]);
  }

  @Test
  void validateWhenSignaturePartHasAnInsertedCharacterThenMalformedBeforeAnyKeyIsFetched() {
    String token = token().sign();
    String respelled = respell(token, "bang-in-signature");

    TokenRejectedException e = rejected(respelled);

    assertThat(e.getMessage()).contains("signature part").contains("Base64URL");
    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenSignatureLastCharacterNotCanonicalThenMalformed() {
    TokenRejectedException e = rejected(respell(token().sign(), "non-canonical-last-character"));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("signature part is not canonically encoded");
  }

  @Test
  void validateWhenEncryptedTokenOfFivePartsThenAlgorithmNotAllowed() {
    String[] p = TestTokens.parts(token().sign());
    String jweShaped = Base64URL.encode("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}") + ".AAAA." + p[2].substring(0, 16)
        + "." + p[1] + "." + p[2].substring(0, 22);

    assertThat(rejected(jweShaped).reason()).isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validateWhenEncryptedTokenWithDirectKeyAgreementHasAnEmptyKeyPartThenAlgorithmNotAllowedNotMalformed() {
    String[] p = TestTokens.parts(token().sign());
    String dir = Base64URL.encode("{\"alg\":\"dir\",\"enc\":\"A256GCM\"}") + ".." + p[2].substring(0, 16)
        + "." + p[1] + "." + p[2].substring(0, 22);

    TokenRejectedException e = rejected(dir);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("encrypted (JWE)");
  }

  @Test
  void validateWhenHeaderIsNotJsonThenMalformed() {
    String[] parts = TestTokens.parts(token().sign());
    String token = Base64URL.encode("{not json").toString() + "." + parts[1] + "." + parts[2];

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  @Test
  void validateWhenPayloadIsNotJsonThenMalformed() {
    String[] parts = TestTokens.parts(token().sign());
    String token = parts[0] + "." + Base64URL.encode("[1,2,3]") + "." + parts[2];

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  @Test
  void validateWhenExpIsAStringThenMalformed() {
    assertThat(rejected(token().claim("exp", "tomorrow").sign()).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  @Test
  void validateWhenARegisteredClaimIsIllTypedThenMalformedBeforeTheIssuerOrTheHeaderIsLookedAt() throws Exception {
    // the class documentation's order: the payload's registered claims are typed before iss, alg or the key
    String untrusted = TestTokens.accessToken(attacker, server.issuer("evil"), NOW).claim("exp", "tomorrow").sign();
    String hs256 = TestTokens.hmac(key.toRSAPublicKey().getEncoded()).claims(TestTokens.keycloakPayload("alice"))
        .issuer(issuer()).issuedAt(NOW).claim("exp", "tomorrow").sign();

    assertThat(rejected(untrusted).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(rejected(hs256).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(rejected(token().claim("jti", 42).sign()).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(server.allRequests()).isZero();
  }

  @ParameterizedTest
  @MethodSource("illTypedConfirmations")
  void validateWhenConfirmationClaimIsIllTypedThenMalformed(Object cnf) {
    TokenRejectedException e = rejected(token().claim("cnf", cnf).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim 'cnf'");
  }

  @ParameterizedTest
  @MethodSource("illFormedActs")
  void validateWhenActClaimIsIllFormedThenMalformedBeforeTheIssuerIsLookedAt(Object act) {
    String untrusted = TestTokens.accessToken(attacker, server.issuer("evil"), NOW).claim("act", act).sign();

    assertThat(rejected(token().claim("act", act).sign()).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(rejected(untrusted).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  static Stream<Object> illFormedActs() {
    return Stream.of("agent", 42, List.of(java.util.Map.of("sub", "agent")), java.util.Map.of(),
        java.util.Map.of("sub", 7), java.util.Map.of("sub", "agent", "act", "earlier"),
        java.util.Map.of("sub", "agent", "act", java.util.Map.of("act", java.util.Map.of("sub", "x"))));
  }

  @Test
  void validateWhenDelegatedTokenThenTheActingPartyIsInTheActorsSignals() {
    AuthenticatedToken t = validator().validate(token().claim("act", java.util.Map.of("sub", "billing-agent")).sign());

    assertThat(t.actor().signals().impersonator()).contains("billing-agent");
  }

  static Stream<Object> illTypedConfirmations() {
    return Stream.of("x5t#S256", 42, List.of("x5t#S256"), true, java.util.Map.of("x5t#S256", 42),
        java.util.Map.of("jkt", List.of("a")));
  }

  // TOO_LARGE

  @Test
  void validateWhen100KibTokenThenTooLargeAndNothingFetched() {
    String huge = token().claim("padding", "x".repeat(100 * 1024)).sign();

    TokenRejectedException e = rejected(huge);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.TOO_LARGE);
    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenTokenJustOverTheConfiguredSizeThenTooLarge() {
    String token = token().claim("pad", "p".repeat(1024)).sign();
    AccessTokenValidator v = open(builder().issuer(realm().build()).maxTokenSize(token.length() - 1));

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.TOO_LARGE);
  }

  // ALGORITHM_NOT_ALLOWED

  @Test
  void validateWhenAlgNoneThenAlgorithmNotAllowed() {
    TokenRejectedException e = rejected(token().unsigned());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenAlgNoneWithAForgedSignaturePartThenRejected() {
    String unsigned = token().unsigned();
    String withSignature = unsigned + TestTokens.parts(token().sign())[2];

    assertThat(rejected(withSignature).reason()).isIn(TokenRejectionReason.ALGORITHM_NOT_ALLOWED,
        TokenRejectionReason.MALFORMED);
  }

  @Test
  void validateWhenHs256SignedWithTheRsaPublicKeyAsSecretThenAlgorithmNotAllowed() throws Exception {
    byte[] publicKeyBytes = key.toRSAPublicKey().getEncoded();
    String forged = TestTokens.hmac(publicKeyBytes).kid(key.getKeyID())
        .claims(TestTokens.keycloakPayload("root")).issuer(issuer()).audience(AUDIENCE)
        .issuedAt(NOW).expiresAt(NOW.plusSeconds(300)).sign();

    TokenRejectedException e = rejected(forged);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("HS256");
  }

  @Test
  void validateWhenHs256SignedWithTheJwksJsonAsSecretThenAlgorithmNotAllowed() {
    byte[] jwksBytes = TestKeys.jwks(key).getBytes(StandardCharsets.UTF_8);

    String forged = TestTokens.hmac(jwksBytes).kid(key.getKeyID()).claims(TestTokens.keycloakPayload("alice"))
        .issuer(issuer()).issuedAt(NOW).expiresAt(NOW.plusSeconds(300)).sign();

    assertThat(rejected(forged).reason()).isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void validateWhenAlgorithmOutsideTheIssuersAllowListThenAlgorithmNotAllowed() {
    AccessTokenValidator v = open(builder().issuer(realm().algorithms(SigningAlgorithm.RS256).build()));

    assertThat(rejected(v, token().alg(JWSAlgorithm.PS256).sign()).reason())
        .isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
    assertThat(rejected(v, token().alg(JWSAlgorithm.RS512).sign()).reason())
        .isEqualTo(TokenRejectionReason.ALGORITHM_NOT_ALLOWED);
  }

  // UNSUPPORTED_CRITICAL_HEADER

  @Test
  void validateWhenUnknownCriticalHeaderThenUnsupportedCriticalHeader() {
    String token = token().critical("https://attacker.example/must-understand", true).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.UNSUPPORTED_CRITICAL_HEADER);
  }

  /**
   * Regression: {@code "crit": []} was accepted. RFC 7515 §4.1.11 forbids producers an empty list; a token carrying one
   * was not made by a conforming issuer, and a fail-closed validator refuses it as malformed, as it does a
   * {@code crit} that is not a list of strings.
   */
  @Test
  void validateWhenCritIsAnEmptyListThenMalformed() throws Exception {
    String[] normal = TestTokens.parts(token().sign());
    String h = Base64URL.encode("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + key.getKeyID()
        + "\",\"crit\":[]}").toString();
    Base64URL signature = new com.nimbusds.jose.crypto.RSASSASigner(key).sign(
        new com.nimbusds.jose.JWSHeader(JWSAlgorithm.RS256),
        (h + "." + normal[1]).getBytes(StandardCharsets.US_ASCII));

    TokenRejectedException e = rejected(h + "." + normal[1] + "." + signature);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("'crit'", "empty");
  }

  /**
   * A token with this header whose signature is the realm key's over the header and the payload as RFC 7797 has it
   * for {@code b64: false}: the JSON itself, not its Base64URL; the payload part is the Base64URL of that JSON.
   */
  private String unencodedPayloadToken(java.util.Map<String, Object> header) throws Exception {
    String[] normal = TestTokens.parts(token().sign());
    String json = new String(Base64URL.from(normal[1]).decode(), StandardCharsets.UTF_8);
    String h = Base64URL.encode(com.nimbusds.jose.util.JSONObjectUtils.toJSONString(header)).toString();
    byte[] input = (h + "." + json).getBytes(StandardCharsets.UTF_8);
    Base64URL signature = new com.nimbusds.jose.crypto.RSASSASigner(key)
        .sign(new com.nimbusds.jose.JWSHeader(JWSAlgorithm.RS256), input);
    return h + "." + normal[1] + "." + signature;
  }

  @Test
  void validateWhenUnencodedPayloadB64FalseIsNotNamedCriticalThenUnsupportedCriticalHeader() throws Exception {
    // regression: RFC 7797 §6 requires 'b64' in 'crit'; without it the unencoded-payload signature was accepted
    String token = unencodedPayloadToken(new java.util.LinkedHashMap<>(java.util.Map.of("alg", "RS256", "typ", "JWT",
        "kid", key.getKeyID(), "b64", false)));

    TokenRejectedException e = rejected(token);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.UNSUPPORTED_CRITICAL_HEADER);
    assertThat(e.getMessage()).contains("'b64'");
  }

  @Test
  void validateWhenUnencodedPayloadB64FalseIsNamedCriticalThenUnsupportedCriticalHeader() throws Exception {
    String token = unencodedPayloadToken(new java.util.LinkedHashMap<>(java.util.Map.of("alg", "RS256", "typ", "JWT",
        "kid", key.getKeyID(), "b64", false, "crit", List.of("b64"))));

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.UNSUPPORTED_CRITICAL_HEADER);
  }

  @Test
  void validateWhenNestedJwtThenMalformedAndTheInnerTokenIsNotTaken() throws Exception {
    // 'cty: JWT' (RFC 7519 §5.2): the payload is another token, never unwrapped
    String inner = token().subject("inner").sign();
    String h = Base64URL.encode("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"cty\":\"JWT\",\"kid\":\"" + key.getKeyID()
        + "\"}").toString();
    String p = Base64URL.encode(inner).toString();
    Base64URL signature = new com.nimbusds.jose.crypto.RSASSASigner(key).sign(
        new com.nimbusds.jose.JWSHeader(JWSAlgorithm.RS256), (h + "." + p).getBytes(StandardCharsets.US_ASCII));

    assertThat(rejected(h + "." + p + "." + signature).reason()).isEqualTo(TokenRejectionReason.MALFORMED);
  }

  // WRONG_TYPE

  @Test
  void validateWhenIdTokenThenWrongType() {
    String idToken = TestTokens.keycloak("alice-id-token", key, issuer(), NOW).audience(AUDIENCE).sign();

    TokenRejectedException e = rejected(idToken);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("claim 'typ'").contains("'ID'");
  }

  @Test
  void validateWhenTypClaimAbsentThenWrongType() {
    assertThat(rejected(token().without("typ").sign()).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenRefreshTokenTypClaimThenWrongType() {
    assertThat(rejected(token().claim("typ", "Refresh").sign()).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenKeycloakDpopBoundAccessTokenThenWrongTypeSayingItIsSenderConstrained() {
    // Keycloak gives an access token bound to the client's DPoP key the typ DPoP and cnf.jkt: an access token, not an
    // ID or refresh token, which a bearer validator refuses because it cannot check the proof of possession
    TokenRejectedException e = rejected(token().claim("typ", "DPoP")
        .claim("cnf", java.util.Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("DPoP").contains("RFC 9449").contains("proof of possession")
        .doesNotContain("ID and refresh tokens");
  }

  private static final String CERT_THUMBPRINT = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2";

  @Test
  void validateWhenCertificateBoundAccessTokenThenWrongTypeSayingTheBindingIsNotChecked() {
    // a Keycloak access token bound to the client's certificate (RFC 8705) has the typ Bearer: was accepted as a
    // bearer token, so a stolen bound token worked from anywhere
    TokenRejectedException e = rejected(token().claim("cnf", java.util.Map.of("x5t#S256", CERT_THUMBPRINT)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("claim 'cnf'").contains("certificate").contains("x5t#S256")
        .contains("RFC 8705").contains("proof of possession").contains("allowCertificateBoundTokens")
        .doesNotContain(CERT_THUMBPRINT);
  }

  @Test
  void validateWhenBearerTypedTokenIsBoundToAKeyThenWrongTypeNamingTheKeyThumbprint() {
    TokenRejectedException e = rejected(token()
        .claim("cnf", java.util.Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("key thumbprint").contains("'jkt'").contains("proof of possession");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jwk", "jwe", "kid", "jku"})
  void validateWhenTokenIsBoundByAnotherConfirmationMethodThenWrongType(String method) {
    TokenRejectedException e = rejected(token().claim("cnf", java.util.Map.of(method, "x")).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("claim 'cnf'").contains("confirmation method").contains("'" + method + "'");
  }

  @Test
  void validateWhenConfirmationClaimIsAnEmptyObjectThenWrongType() {
    assertThat(rejected(token().claim("cnf", java.util.Map.of()).sign()).reason())
        .isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenIssuerTrustsItsGatewayWithCertificateBindingThenACertificateBoundTokenIsAccepted() {
    AccessTokenValidator v = open(builder().issuer(realm().allowCertificateBoundTokens().build()));

    assertThat(v.validate(token().claim("cnf", java.util.Map.of("x5t#S256", CERT_THUMBPRINT)).sign()).subject())
        .isNotBlank();
  }

  @Test
  void validateWhenIssuerTrustsItsGatewayWithCertificateBindingThenOtherBindingsAreStillRefused() {
    AccessTokenValidator v = open(builder().issuer(realm().allowCertificateBoundTokens().build()));
    String keyBound = token().claim("cnf", java.util.Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"))
        .sign();
    String both = token().claim("cnf", java.util.Map.of("x5t#S256", CERT_THUMBPRINT, "jkt", "abc")).sign();
    String empty = token().claim("cnf", java.util.Map.of()).sign();

    assertThat(rejected(v, keyBound).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(rejected(v, both).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(rejected(v, empty).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenCertificateBoundTokenIsPresentedAgainThenRefusedAgainNotServedFromTheCache() {
    AccessTokenValidator v = validator();
    String bound = token().claim("cnf", java.util.Map.of("x5t#S256", CERT_THUMBPRINT)).sign();

    assertThat(rejected(v, bound).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(rejected(v, bound).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenTypClaimIsNotCheckedThenADpopBoundTokenIsStillRefusedForItsBinding() {
    AccessTokenValidator v = open(builder().issuer(realm().noTypClaim().build()));

    TokenRejectedException e = rejected(v, token().claim("typ", "DPoP")
        .claim("cnf", java.util.Map.of("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I")).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("'jkt'");
  }

  @Test
  void validateWhenHeaderTypeNotAllowedThenWrongType() {
    TokenRejectedException e = rejected(token().type("dpop+jwt").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
    assertThat(e.getMessage()).contains("header 'typ'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/at+jwt", "application/dpop+jwt", "application/", "application/at+jwt+x", "at+jwt "})
  void validateWhenHeaderTypeIsAnotherMediaTypeThenWrongType(String typ) {
    assertThat(rejected(token().type(typ).sign()).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void validateWhenHeaderTypeAbsentAndNotAllowedThenWrongType() {
    assertThat(rejected(token().type(null).sign()).reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  // UNTRUSTED_ISSUER

  @Test
  void validateWhenUntrustedIssuerThenRejectedWithoutAnyNetworkCall() {
    String foreignIssuer = server.issuer("evil");
    server.serve("evil", attacker);
    String token = TestTokens.accessToken(attacker, foreignIssuer, NOW).sign();

    TokenRejectedException e = rejected(token);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.UNTRUSTED_ISSUER);
    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenUntrustedIssuerHasLineSeparatorsAndBidiControlsThenTheMessageCarriesNoneOfThem() {
    // the iss is quoted before any signature is checked, so anyone can choose it
    String evil = "https://x\u2028FAKE LOG LINE\u202e\u0085\u2069\u200b";

    TokenRejectedException e = rejected(token().issuer(evil).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.UNTRUSTED_ISSUER);
    assertThat(e.getMessage()).contains("'https://x?FAKE LOG LINE????'")
        .doesNotContain("\u2028").doesNotContain("\u202e").doesNotContain("\u0085");
  }

  @Test
  void validateWhenIssuerDiffersOnlyByATrailingSlashThenUntrustedIssuer() {
    assertThat(rejected(token().issuer(issuer() + "/").sign()).reason()).isEqualTo(TokenRejectionReason.UNTRUSTED_ISSUER);
  }

  // UNKNOWN_KEY

  @Test
  void validateWhenKidIsNotInTheJwksThenUnknownKey() {
    String token = TestTokens.accessToken(attacker, issuer(), NOW).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  // JWKS_UNAVAILABLE

  @Test
  void validateWhenJwksEndpointFailsAndNoKeysAreHeldThenJwksUnavailable() {
    server.failJwks(REALM);

    TokenRejectedException e = rejected(token().sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.issuer()).contains(issuer());
  }

  // BAD_SIGNATURE

  @Test
  void validateWhenPayloadTamperedThenBadSignature() {
    String[] parts = TestTokens.parts(token().sign());
    String elevated = TestTokens.parts(token().claim("realm_access",
        java.util.Map.of("roles", List.of("platform-admin"))).sign())[1];

    assertThat(rejected(parts[0] + "." + elevated + "." + parts[2]).reason())
        .isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenSignedWithAnotherKeyUnderTheRealmKidThenBadSignature() {
    String token = TestTokens.accessToken(attacker, issuer(), NOW).kid(key.getKeyID()).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenSignatureStrippedThenRejected() {
    String[] parts = TestTokens.parts(token().sign());

    assertThat(rejected(parts[0] + "." + parts[1] + ".").reason())
        .isIn(TokenRejectionReason.MALFORMED, TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenEmbeddedJwkHeaderCarriesTheAttackersKeyThenBadSignature() {
    String token = TestTokens.accessToken(attacker, issuer(), NOW).kid(key.getKeyID()).jwk(attacker).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenEmbeddedJwkHeaderWithoutKidThenTheAttackersKeyIsNotUsed() {
    String token = TestTokens.accessToken(attacker, issuer(), NOW).kid(null).jwk(attacker).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenJkuPointsAtAnAttackerJwksThenRejectedAndTheJkuIsNeverFetched() {
    String attackerJwks = "/attacker/jwks.json";
    server.wireMock().stubFor(get(urlEqualTo(attackerJwks)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(TestKeys.jwks(attacker))));
    String token = TestTokens.accessToken(attacker, issuer(), NOW)
        .jku(URI.create(server.baseUrl() + attackerJwks)).sign();

    TokenRejectedException e = rejected(token);

    assertThat(e.reason()).isIn(TokenRejectionReason.UNKNOWN_KEY, TokenRejectionReason.BAD_SIGNATURE);
    assertThat(server.requestsTo(attackerJwks)).isZero();
  }

  @Test
  void validateWhenX5uPointsAtAnAttackerCertificateThenRejectedAndTheX5uIsNeverFetched() {
    String attackerCert = "/attacker/cert.pem";
    server.wireMock().stubFor(get(urlEqualTo(attackerCert)).willReturn(aResponse().withStatus(200).withBody("-----")));
    String token = TestTokens.accessToken(attacker, issuer(), NOW).kid(key.getKeyID())
        .x5u(URI.create(server.baseUrl() + attackerCert)).sign();

    assertThat(rejected(token).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
    assertThat(server.requestsTo(attackerCert)).isZero();
  }

  // EXPIRED, NOT_YET_VALID

  @Test
  void validateWhenExpiredBeyondTheClockSkewThenExpired() {
    TokenRejectedException e = rejected(token().issuedAt(NOW.minusSeconds(600)).expiresAt(NOW.minusSeconds(61)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.EXPIRED);
    assertThat(e.getMessage()).contains(NOW.minusSeconds(61).toString());
  }

  @Test
  void validateWhenExpiredExactlyAtTheSkewBoundaryThenExpired() {
    assertThat(rejected(token().expiresAt(NOW.minusSeconds(60)).sign()).reason()).isEqualTo(TokenRejectionReason.EXPIRED);
  }

  @Test
  void validateWhenNotBeforeBeyondTheClockSkewThenNotYetValid() {
    assertThat(rejected(token().notBefore(NOW.plusSeconds(61)).sign()).reason())
        .isEqualTo(TokenRejectionReason.NOT_YET_VALID);
  }

  @Test
  void validateWhenIssuedInTheFutureBeyondTheClockSkewThenNotYetValid() {
    TokenRejectedException e = rejected(token().issuedAt(NOW.plusSeconds(61)).expiresAt(NOW.plusSeconds(600)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.NOT_YET_VALID);
    assertThat(e.getMessage()).contains("'iat'");
  }

  @Test
  void validateWhenIssuedAtOneSecondAheadWithZeroSkewThenNotYetValid() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).clockSkew(Duration.ZERO));

    assertThat(rejected(v, token().issuedAt(NOW.plusSeconds(1)).sign()).reason())
        .isEqualTo(TokenRejectionReason.NOT_YET_VALID);
  }

  @Test
  void validateWhenNotBeforeOneSecondAheadWithZeroSkewThenNotYetValid() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).clockSkew(Duration.ZERO));

    TokenRejectedException e = rejected(v, token().notBefore(NOW.plusSeconds(1)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.NOT_YET_VALID);
    assertThat(e.getMessage()).contains("'nbf'");
  }

  static Stream<Arguments> numericDatesOutOfRange() {
    return Stream.of("exp", "nbf", "iat").flatMap(claim -> Stream.of(
        Arguments.of(claim, 9_223_372_036_854_776L), // times 1000 overflows to a date in the past
        Arguments.of(claim, Long.MAX_VALUE),
        Arguments.of(claim, -1L),
        Arguments.of(claim, 253_402_300_800L), // 10000-01-01T00:00:00Z
        Arguments.of(claim, 1e30)));
  }

  @ParameterizedTest
  @MethodSource("numericDatesOutOfRange")
  void validateWhenNumericDateOutOfRangeThenMalformedNamingTheClaim(String claim, Number seconds) {
    TokenRejectedException e = rejected(token().claim(claim, seconds).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim '" + claim + "'");
  }

  @Test
  void validateWhenIssuedAtHugeThenRefusedNotAcceptedAsADateIn1970() {
    // "iat": 9223372036854776 overflowed to a negative date, which is never "in the future": the token was accepted
    assertThat(rejected(token().claim("iat", 9_223_372_036_854_776L).sign()).reason())
        .isEqualTo(TokenRejectionReason.MALFORMED);
  }

  @Test
  void validateWhenNumericDateIsAStringThenMalformedNamingTheClaim() {
    TokenRejectedException e = rejected(token().claim("iat", "now").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim 'iat'");
  }

  @Test
  void validateWhenNumericDateIsTheLastSecondOfTheYear9999ThenItIsNotMalformed() {
    // an issuer that allows such a lifetime: by default a token valid for more than 24 hours is refused
    AccessTokenValidator v = open(builder().issuer(realm().maxTokenLifetime(java.time.Duration.ofDays(3_000_000)).build()));

    assertThat(v.validate(token().expiresAt(Instant.parse("9999-12-31T23:59:59Z")).sign()).subject()).isNotBlank();
  }

  static Stream<Number> numericSubjects() {
    return Stream.of(42, new java.math.BigInteger("12345678901234567890"), new java.math.BigInteger("12345678901234567891"),
        1e2);
  }

  @ParameterizedTest
  @MethodSource("numericSubjects")
  void validateWhenSubjectIsANumberThenMalformedNotTheNumbersText(Number sub) {
    // nimbus turned a numeric 'sub' into its text: 12345678901234567890 and ...891 both became the user
    // "1.2345678901234567E19", and 1e2 the user "100.0"
    TokenRejectedException e = rejected(token().claim("sub", sub).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim 'sub'");
  }

  // WRONG_AUDIENCE

  @Test
  void validateWhenAudienceIsAnotherServiceThenWrongAudience() {
    assertThat(rejected(token().audience("billing-api").sign()).reason()).isEqualTo(TokenRejectionReason.WRONG_AUDIENCE);
  }

  @Test
  void validateWhenAudienceArrayNamesNoAcceptedAudienceThenWrongAudience() {
    assertThat(rejected(token().audience("account", "billing-api").sign()).reason())
        .isEqualTo(TokenRejectionReason.WRONG_AUDIENCE);
  }

  @Test
  void validateWhenAudienceArrayHasANullMemberThenMalformedNamingTheClaim() {
    // was MALFORMED "(NullPointerException)" with a WARN that validation failed unexpectedly
    TokenRejectedException e = rejected(token().claim("aud", Arrays.asList(AUDIENCE, null)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim 'aud'").contains("member 1 is null")
        .doesNotContain("NullPointerException");
  }

  @Test
  void validateWhenAudienceArrayHasANumberThenMalformedNamingTheClaim() {
    TokenRejectedException e = rejected(token().claim("aud", List.of(AUDIENCE, 7)).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("claim 'aud'");
  }

  // MISSING_CLAIM

  @Test
  void validateWhenExpAbsentThenMissingClaim() {
    TokenRejectedException e = rejected(token().without("exp").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
    assertThat(e.getMessage()).contains("'exp'");
  }

  @Test
  void validateWhenAudAbsentThenMissingClaim() {
    assertThat(rejected(token().without("aud").sign()).reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
  }

  @Test
  void validateWhenIssAbsentThenMissingClaimWithoutAnyNetworkCall() {
    assertThat(rejected(token().without("iss").sign()).reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenSubAbsentFromAUserTokenThenMissingClaim() {
    assertThat(rejected(token().without("sub").sign()).reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
  }

  // INVALID_CLAIM

  @Test
  void validateWhenSubjectIsNotAValidIdThenInvalidClaim() {
    assertThat(rejected(token().subject("alice smith\n").sign()).reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  // Messages

  static Stream<String> rejectedTokenKinds() {
    return Stream.of("expired", "wrong-audience", "bad-signature", "untrusted", "id-token", "alg-none", "hs256",
        "crit", "unknown-kid", "too-large", "respelled", "non-canonical");
  }

  @ParameterizedTest
  @MethodSource("rejectedTokenKinds")
  void rejectionMessageNeverContainsTheTokenOrItsParts(String kind) throws Exception {
    String token = switch (kind) {
      case "expired" -> token().expiresAt(NOW.minusSeconds(3600)).issuedAt(NOW.minusSeconds(7200)).sign();
      case "wrong-audience" -> token().audience("billing-api").sign();
      case "bad-signature" -> TestTokens.accessToken(attacker, issuer(), NOW).kid(key.getKeyID()).sign();
      case "untrusted" -> TestTokens.accessToken(attacker, server.issuer("evil"), NOW).sign();
      case "id-token" -> TestTokens.keycloak("alice-id-token", key, issuer(), NOW).audience(AUDIENCE).sign();
      case "alg-none" -> token().unsigned();
      case "hs256" -> TestTokens.hmac(key.toRSAPublicKey().getEncoded()).claims(TestTokens.keycloakPayload("alice"))
          .issuer(issuer()).issuedAt(NOW).expiresAt(NOW.plusSeconds(60)).sign();
      case "crit" -> token().critical("x-must", 1).sign();
      case "unknown-kid" -> TestTokens.accessToken(attacker, issuer(), NOW).sign();
      case "too-large" -> token().claim("pad", "y".repeat(20_000)).sign();
      case "respelled" -> respell(token().sign(), "bang-in-signature");
      case "non-canonical" -> respell(token().sign(), "non-canonical-last-character");
      default -> throw new IllegalArgumentException(kind);
    };

    TokenRejectedException e = rejected(token);

    String[] parts = TestTokens.parts(token);
    String all = e.getMessage() + " " + e;
    assertThat(all).doesNotContain(token);
    for (String part : parts) {
      if (part.length() > 8) {
        assertThat(all).doesNotContain(part);
      }
    }
    assertThat(all).startsWith("access token rejected (" + e.reason() + ")");
  }
}
