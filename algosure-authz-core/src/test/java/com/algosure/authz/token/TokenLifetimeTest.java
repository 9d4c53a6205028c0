package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * Service accounts (and people) use short-lived credentials: an access token valid for longer than its issuer's
 * maximum lifetime (default 24 hours) is refused. Regression: a signed token valid for ten years (and one without
 * {@code iat} whose {@code exp} lay ten years ahead) was accepted, so nothing but its expiry would have ended it.
 */
class TokenLifetimeTest extends ValidatorTestSupport {

  @Test
  void validateWhenTokenIsValidForTenYearsThenRefusedNamingTheLifetime() {
    String t = token().expiresAt(NOW.plus(Duration.ofDays(3650))).sign();

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> validator().validate(t));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e).hasMessageContaining("the token is valid for 315360000 s (claim 'iat' 2026-11-23T10:00:00Z to claim"
        + " 'exp' 2036-11-20T10:00:00Z), longer than this issuer's maximum token lifetime of 86400 s")
        .hasMessageContaining("TrustedIssuer.Builder.maxTokenLifetime");
  }

  @Test
  void validateWhenTokenWithoutIatExpiresTenYearsAheadThenRefused() {
    String t = token().without("iat").expiresAt(NOW.plus(Duration.ofDays(3650))).sign();

    assertThatThrownBy(() -> validator().validate(t)).isInstanceOf(TokenRejectedException.class)
        .hasMessageContaining("lies more than this issuer's maximum token lifetime of 86400 s ahead (the token has no 'iat')");
  }

  @Test
  void validateWhenTokenIsValidForExactlyTheMaximumThenAccepted() {
    String t = token().expiresAt(NOW.plus(Duration.ofHours(24))).sign();

    assertThat(validator().validate(t).subject()).isNotNull();
  }

  @Test
  void validateWhenIssuerSetsAShorterMaximumThenALongerTokenIsRefused() {
    AccessTokenValidator v = open(builder().issuer(realm().maxTokenLifetime(Duration.ofMinutes(15)).build()));

    assertThat(v.validate(token().expiresAt(NOW.plus(Duration.ofMinutes(15))).sign()).subject()).isNotNull();
    assertThatThrownBy(() -> v.validate(token().expiresAt(NOW.plus(Duration.ofMinutes(15)).plusSeconds(1)).sign()))
        .isInstanceOf(TokenRejectedException.class).hasMessageContaining("maximum token lifetime of 900 s");
  }

  @Test
  void maxTokenLifetimeWhenNotPositiveOrSetTwiceThenRefused() {
    assertThatThrownBy(() -> realm().maxTokenLifetime(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokenLifetime must be positive, was PT0S");
    assertThatThrownBy(() -> realm().maxTokenLifetime(Duration.ofHours(1)).maxTokenLifetime(Duration.ofHours(2)))
        .isInstanceOf(IllegalStateException.class).hasMessage("maxTokenLifetime was already set to PT1H");
    assertThat(realm().build().maxTokenLifetime()).isEqualTo(TrustedIssuer.DEFAULT_MAX_TOKEN_LIFETIME);
  }

  @Test
  void validateWhenMaxTokenLifetimeIsLongerThanMillisecondsHoldThenItBoundsNothing() {
    // regression: Duration.toMillis() overflowed on every token, so each was refused as MALFORMED
    AccessTokenValidator v = open(builder().issuer(realm().maxTokenLifetime(ChronoUnit.FOREVER.getDuration()).build()));

    assertThat(v.validate(token().expiresAt(NOW.plus(Duration.ofDays(3650))).sign()).subject()).isNotNull();
    assertThat(v.validate(token().without("iat").sign()).subject()).isNotNull();
  }

  @Test
  void validateWhenMaxTokenLifetimePlusTheSkewOverflowsThenATokenWithoutIatIsAccepted() {
    // regression: max + skew wrapped to a negative bound, so every token without 'iat' was refused as too long-lived
    AccessTokenValidator v = open(builder().issuer(realm().maxTokenLifetime(Duration.ofMillis(Long.MAX_VALUE)).build()));

    assertThat(v.validate(token().without("iat").sign()).subject()).isNotNull();
  }

  @Test
  void validateWhenTokenWithoutIatExpiresTheMaximumPlusTheSkewAheadThenAcceptedAndOneSecondLaterRefused() {
    AccessTokenValidator v = validator();

    assertThat(v.validate(token().without("iat").expiresAt(NOW.plus(Duration.ofHours(24)).plusSeconds(60)).sign())
        .subject()).isNotNull();
    assertThatThrownBy(() -> v.validate(token().without("iat").expiresAt(NOW.plus(Duration.ofHours(24)).plusSeconds(61))
        .sign())).isInstanceOf(TokenRejectedException.class).hasMessageContaining("(the token has no 'iat')");
  }
}
