package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.Actor;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenValidatorTest extends ValidatorTestSupport {

  @Test
  void validateWhenRsaSignedAccessTokenThenVerifiedClaimsAndUser() {
    AuthenticatedToken t = validator().validate(token().subject("alice-id").claim("name", "Alice").sign());

    assertThat(t.subject()).isEqualTo("alice-id");
    assertThat(t.issuer()).isEqualTo(issuer());
    assertThat(t.audiences()).containsExactly(AUDIENCE);
    assertThat(t.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    assertThat(t.stringClaim("name")).contains("Alice");
    assertThat(t.claims()).containsEntry("exp", NOW.plus(Duration.ofMinutes(5)).getEpochSecond());
    assertThat(t.actor()).isEqualTo(Actor.user("alice-id", t.actor().signals()));
  }

  @Test
  void validateWhenEcSignedEs256ThenAccepted() {
    ECKey ec = TestKeys.ec("realm-ec-1");
    server.serve(REALM, key, ec);

    AuthenticatedToken t = validator().validate(TestTokens.accessToken(ec, issuer(), NOW).subject("ec-user").sign());

    assertThat(t.subject()).isEqualTo("ec-user");
  }

  @Test
  void validateWhenPs256SignedWithRsaKeyThenAccepted() {
    AuthenticatedToken t = validator().validate(token().alg(JWSAlgorithm.PS256).subject("pss-user").sign());

    assertThat(t.subject()).isEqualTo("pss-user");
  }

  @Test
  void validateWhenAudienceIsAnArrayNamingAnAcceptedAudienceThenAccepted() {
    AuthenticatedToken t = validator().validate(token().audience("account", AUDIENCE).sign());

    assertThat(t.audiences()).containsExactlyInAnyOrder("account", AUDIENCE);
  }

  @Test
  void validateWhenIssuerAcceptsSeveralAudiencesThenAnyOfThemIsAccepted() {
    AccessTokenValidator v = open(builder().issuer(server.trustedIssuer(REALM).audiences("billing-api", AUDIENCE).build()));

    assertThat(v.validate(token().audience("billing-api").sign()).audiences()).containsExactly("billing-api");
  }

  @Test
  void validateWhenAuthorizationHeaderValueWithBearerPrefixThenAccepted() {
    String token = token().sign();

    assertThat(validator().validate("Bearer " + token).subject()).isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf");
  }

  @Test
  void validateWhenTwoRealmsThenEachTokenIsVerifiedWithItsOwnRealmKeys() {
    RSAKey otherKey = TestKeys.rsa("other-realm-key");
    server.serve("other", otherKey);
    AccessTokenValidator v = open(builder()
        .issuer(realm().build())
        .issuer(server.trustedIssuer("other").audiences("other-api").actorIdPrefix("other").mapping(KeycloakMapping.defaults()).build()));

    AuthenticatedToken a = v.validate(token().subject("from-algosure").sign());
    AuthenticatedToken b = v.validate(TestTokens.accessToken(otherKey, server.issuer("other"), NOW)
        .audience("other-api").subject("from-other").sign());

    assertThat(a.issuer()).isEqualTo(issuer());
    assertThat(b.issuer()).isEqualTo(server.issuer("other"));
    assertThat(b.subject()).isEqualTo("from-other");
    assertThat(a.actor().id()).isEqualTo("from-algosure");
    assertThat(b.actor().id()).isEqualTo("other:from-other");
    assertThat(v.trustedIssuers()).containsExactlyInAnyOrder(issuer(), server.issuer("other"));
  }

  @Test
  void validateWhenTokenOfOneRealmIsSignedWithTheOtherRealmsKeyThenRejected() {
    RSAKey otherKey = TestKeys.rsa("other-realm-key");
    server.serve("other", otherKey);
    AccessTokenValidator v = open(builder()
        .issuer(realm().build())
        .issuer(server.trustedIssuer("other").audiences(AUDIENCE).actorIdPrefix("other").mapping(KeycloakMapping.defaults()).build()));

    // claims to be from "algosure" but is signed with the key of "other"
    String forged = TestTokens.accessToken(otherKey, issuer(), NOW).sign();

    assertThatThrownBy(() -> v.validate(forged)).isInstanceOfSatisfying(TokenRejectedException.class,
        e -> assertThat(e.reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY));
  }

  @Test
  void validateWhenExpiredWithinTheClockSkewThenAccepted() {
    String token = token().expiresAt(NOW.minusSeconds(59)).sign();

    assertThat(validator().validate(token).expiresAt()).isEqualTo(NOW.minusSeconds(59));
  }

  @Test
  void validateWhenNotBeforeWithinTheClockSkewThenAccepted() {
    String token = token().notBefore(NOW.plusSeconds(59)).sign();

    assertThat(validator().validate(token).subject()).isNotBlank();
  }

  @Test
  void validateWhenIssuedAtWithinTheClockSkewThenAccepted() {
    String token = token().issuedAt(NOW.plusSeconds(59)).sign();

    assertThat(validator().validate(token).subject()).isNotBlank();
  }

  @Test
  void validateWhenIssuedAtExactlyNowWithZeroSkewThenAccepted() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).clockSkew(Duration.ZERO));

    assertThat(v.validate(token().issuedAt(NOW).sign()).subject()).isNotBlank();
  }

  @Test
  void validateWhenNotBeforeExactlyNowWithZeroSkewThenAccepted() {
    // RFC 7519 §4.1.5: the current time must be after or equal to nbf
    AccessTokenValidator v = open(builder().issuer(realm().build()).clockSkew(Duration.ZERO));

    assertThat(v.validate(token().issuedAt(NOW.minusSeconds(5)).notBefore(NOW).sign()).subject()).isNotBlank();
  }

  @Test
  void validateWhenIssuedAtExactlyTheClockSkewAheadThenAccepted() {
    String token = token().issuedAt(NOW.plusSeconds(60)).sign();

    assertThat(validator().validate(token).subject()).isNotBlank();
  }

  @Test
  void validateWhenNotBeforeExactlyTheClockSkewAheadThenAccepted() {
    String token = token().notBefore(NOW.plusSeconds(60)).sign();

    assertThat(validator().validate(token).subject()).isNotBlank();
  }

  @Test
  void validateWhenClockSkewConfiguredThenItBoundsExpiry() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).clockSkew(Duration.ofSeconds(5)));

    assertThat(v.validate(token().expiresAt(NOW.minusSeconds(4)).sign()).subject()).isNotBlank();
    assertThatThrownBy(() -> v.validate(token().expiresAt(NOW.minusSeconds(6)).sign()))
        .isInstanceOfSatisfying(TokenRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(TokenRejectionReason.EXPIRED));
  }

  @Test
  void validateThenSignalsExpireAtExpPlusSkewAndNameTheIssuer() {
    AuthenticatedToken t = validator().validate(token().sign());

    assertThat(t.actor().signals().expiresAt()).contains(NOW.plus(Duration.ofMinutes(5)).plusSeconds(60));
    assertThat(t.actor().signals().issuer()).contains(issuer());
  }

  @Test
  void validateWhenHeaderTypeIsAtJwtThenAccepted() {
    assertThat(validator().validate(token().type("at+jwt").sign()).subject()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/at+jwt", "application/jwt", "AT+JWT", "Application/JWT", "jwt"})
  void validateWhenHeaderTypeIsTheSameMediaTypeSpelledOtherwiseThenAccepted(String typ) {
    // RFC 7515 §4.1.9: "at+jwt" is short for "application/at+jwt"; media types compare ignoring case
    assertThat(validator().validate(token().type(typ).sign()).subject()).isNotBlank();
  }

  @Test
  void validateWhenIssuerConfiguresTheFullMediaTypeThenTheShortFormIsAccepted() {
    AccessTokenValidator v = open(builder().issuer(realm().headerTypes("application/at+jwt").build()));

    assertThat(v.validate(token().type("at+jwt").sign()).subject()).isNotBlank();
  }

  @Test
  void validateWhenHeaderTypeAbsentAndAllowedThenAccepted() {
    AccessTokenValidator v = open(builder().issuer(realm().allowMissingHeaderType().build()));

    assertThat(v.validate(token().type(null).sign()).subject()).isNotBlank();
  }

  @Test
  void validateWhenTypClaimCheckTurnedOffThenTokenWithoutTypClaimAccepted() {
    AccessTokenValidator v = open(builder().issuer(realm().noTypClaim().build()));

    assertThat(v.validate(token().without("typ").sign()).subject()).isNotBlank();
  }

  @Test
  void authenticateReturnsTheMappedActor() {
    Actor actor = validator().authenticate(token().subject("bob-id").sign());

    assertThat(actor).isInstanceOf(Actor.User.class);
    assertThat(actor.id()).isEqualTo("bob-id");
  }

  @Test
  void validateThenClaimsViewIsDeeplyUnmodifiable() {
    AuthenticatedToken t = validator().validate(token()
        .claim("realm_access", Map.of("roles", List.of("member"))).sign());

    assertThat(t.stringListClaim("aud")).containsExactly(AUDIENCE);
    assertThatThrownBy(() -> t.claims().put("sub", "someone-else")).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> realm = (Map<String, Object>) t.claims().get("realm_access");
    assertThatThrownBy(() -> realm.put("roles", List.of("platform-admin")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringOfValidatedTokenLeavesClaimsOut() {
    AuthenticatedToken t = validator().validate(token().claim("email", "alice@example.test").sign());

    assertThat(t.toString()).doesNotContain("alice@example.test").contains(t.subject());
  }

  @Test
  void buildMakesNoNetworkCall() {
    validator();

    assertThat(server.allRequests()).isZero();
  }

  @Test
  void validateWhenSystemClockIsNotInjectedThenCurrentTokensAreAccepted() {
    AccessTokenValidator v = open(AccessTokenValidator.builder().issuer(realm().build()));
    Instant now = Instant.now();

    assertThat(v.validate(TestTokens.accessToken(key, issuer(), now).sign()).subject()).isNotBlank();
  }
}
