package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.testing.TestKeys;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The validated-token cache: hits skip verification, and never outlive exp plus the skew. */
class TokenCacheTest extends ValidatorTestSupport {

  private static TokenRejectedException rejected(AccessTokenValidator v, String token) {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(token));
    assertThat(e).as("the token must be rejected").isNotNull();
    return e;
  }

  @Test
  void validateWhenSameTokenAgainThenCachedResultWithoutVerifyingAgain() {
    AccessTokenValidator v = validator();
    String token = token().sign();
    AuthenticatedToken first = v.validate(token);
    // withdraw the key and let the JWKS cache expire: verifying again would need a fetch, and would fail
    server.serve(REALM, TestKeys.rsa("replacement"));
    clock.advance(Duration.ofMinutes(4));

    AuthenticatedToken second = v.validate(token);

    assertThat(second).isSameAs(first);
    assertThat(server.jwksRequests(REALM)).isEqualTo(1);
  }

  @Test
  void validateWhenAnotherTokenOfTheWithdrawnKeyThenItIsVerifiedAndRefused() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.serve(REALM, TestKeys.rsa("replacement"));
    clock.advance(Duration.ofMinutes(6));

    assertThat(rejected(v, token().subject("not-cached").sign()).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenCachedTokenPassesExpPlusSkewThenExpired() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().sign();
    v.validate(token);

    clock.set(NOW.plus(Duration.ofMinutes(5)).plusSeconds(60));
    TokenRejectedException e = rejected(v, token);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.EXPIRED);
    assertThat(e.getMessage()).doesNotContain(token);
  }

  @Test
  void validateWhenCachedTokenJustBeforeExpPlusSkewThenStillAccepted() {
    // a maximum age longer than the token's life, so that only exp plus the skew bounds the entry
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().sign();
    AuthenticatedToken first = v.validate(token);

    clock.set(NOW.plus(Duration.ofMinutes(5)).plusSeconds(59));

    assertThat(v.validate(token)).isSameAs(first);
  }

  @Test
  void validateWhenCachedTokenExpiredThenItStaysRejected() {
    AccessTokenValidator v = validator();
    String token = token().sign();
    v.validate(token);
    clock.advance(Duration.ofMinutes(10));
    rejected(v, token);

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.EXPIRED);
  }

  @Test
  void validateWhenCacheMaximumAgePassedThenTokenIsVerifiedAgain() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofMinutes(1)));
    String token = token().sign();
    AuthenticatedToken first = v.validate(token);

    clock.advance(Duration.ofSeconds(61));
    AuthenticatedToken second = v.validate(token);

    assertThat(second).isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void validateWhenCacheMaximumAgePassedAndKeyWithdrawnThenCachedTokenIsRefused() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofMinutes(1)));
    String token = token().expiresAt(NOW.plus(Duration.ofHours(1))).sign();
    v.validate(token);
    server.serve(REALM, TestKeys.rsa("replacement"));

    clock.advance(Duration.ofMinutes(6));

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenClockSteppedBackThenMaximumAgeStillCountsFromTheValidation() {
    // issued an hour ago, so a step back of minutes leaves iat and nbf behind: only the maximum age is at stake
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofMinutes(1)));
    String token = token().issuedAt(NOW.minus(Duration.ofHours(1))).expiresAt(NOW.plus(Duration.ofHours(1))).sign();
    AuthenticatedToken first = v.validate(token);

    // an NTP correction steps the clock back 10 minutes, then 2 minutes pass: twice the maximum age
    clock.set(NOW.minus(Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(2));

    assertThat(v.validate(token)).as("a hit 8 minutes before its validation, with a maximum age of 1 minute")
        .isNotSameAs(first).isEqualTo(first);
  }

  @Test
  void validateWhenClockSteppedBackLessThanMaximumAgeThenStillCached() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofMinutes(1)));
    String token = token().issuedAt(NOW.minus(Duration.ofHours(1))).expiresAt(NOW.plus(Duration.ofHours(1))).sign();
    AuthenticatedToken first = v.validate(token);

    clock.set(NOW.minus(Duration.ofSeconds(59)));

    assertThat(v.validate(token)).isSameAs(first);
  }

  @Test
  void validateWhenClockSteppedBackBeforeIatMinusSkewThenCachedTokenIsNotYetValid() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().sign(); // iat now
    v.validate(token);

    clock.set(NOW.minus(Duration.ofSeconds(61)));

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.NOT_YET_VALID);
  }

  @Test
  void validateWhenClockSteppedBackBeforeNbfMinusSkewThenCachedTokenIsNotYetValid() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().issuedAt(NOW.minus(Duration.ofMinutes(10))).notBefore(NOW.plusSeconds(30)).sign();
    v.validate(token); // nbf within the skew: accepted

    clock.set(NOW.minus(Duration.ofMinutes(2)));

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.NOT_YET_VALID);
  }

  @Test
  void validateWhenClockSteppedBackToExactlyIatMinusSkewThenStillCached() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().sign();
    AuthenticatedToken first = v.validate(token);

    clock.set(NOW.minusSeconds(60));

    assertThat(v.validate(token)).isSameAs(first);
  }

  @Test
  void validateWhenClockSteppedBackAndTokenHasNoIatThenLifetimeFromNowIsCheckedAsAFreshValidationWould() {
    // without iat the lifetime is measured from now: 24 h plus the skew at most
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumAge(Duration.ofHours(1)));
    String token = token().without("iat").expiresAt(NOW.plus(Duration.ofHours(24))).sign();
    v.validate(token);

    clock.set(NOW.minus(Duration.ofMinutes(2)));

    assertThat(rejected(v, token).reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  @Test
  void validateWhenCacheTurnedOffThenEveryValidationVerifies() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumSize(0));
    String token = token().sign();

    assertThat(v.validate(token)).isNotSameAs(v.validate(token));
  }

  @Test
  void validateWhenCacheIsFullThenOlderEntriesAreEvictedAndStillValidate() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).tokenCacheMaximumSize(2));
    String a = token().subject("a").sign();
    v.validate(a);
    for (int i = 0; i < 10; i++) {
      v.validate(token().subject("filler-" + i).sign());
    }

    assertThat(v.validate(a).subject()).isEqualTo("a");
  }

  @Test
  void validateWhenBearerPrefixOrNotThenSameCacheEntry() {
    AccessTokenValidator v = validator();
    String token = token().sign();

    assertThat(v.validate("Bearer " + token)).isSameAs(v.validate(token));
  }

  @Test
  void validateWhenFiftySpellingsOfOneTokenThenOnlyTheIssuedOneIsAcceptedOrCached() {
    // nimbus's lenient Base64URL skipped the '!', so each spelling was a valid token and a cache entry of its own
    AccessTokenValidator v = validator();
    String token = token().sign();
    int dot = token.lastIndexOf('.');
    v.validate(token);
    int accepted = 0;
    for (int i = 1; i <= 50; i++) {
      String respelled = token.substring(0, dot + 1) + "!".repeat(i) + token.substring(dot + 1);
      try {
        v.validate(respelled);
        accepted++;
      } catch (TokenRejectedException e) {
        assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
      }
    }

    assertThat(accepted).isZero();
    assertThat(v.validate(token).subject()).isNotBlank();
  }

  @Test
  void validateWhenRejectedTokenIsPresentedAgainThenRejectedAgain() {
    AccessTokenValidator v = validator();
    String wrongAudience = token().audience("billing-api").sign();
    rejected(v, wrongAudience);

    assertThat(rejected(v, wrongAudience).reason()).isEqualTo(TokenRejectionReason.WRONG_AUDIENCE);
  }
}
