package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builders of {@link AccessTokenValidator} and {@link TrustedIssuer}: fail fast, exact messages, set once. */
class ValidatorBuilderTest {

  private static final String ISSUER = "https://sso.example.com/realms/algosure";
  private static final URI JWKS = URI.create(ISSUER + "/protocol/openid-connect/certs");

  private static TrustedIssuer issuer() {
    return TrustedIssuer.builder(ISSUER).jwksUri(JWKS).audiences("filings-api").build();
  }

  @Test
  void trustedIssuerDefaults() {
    TrustedIssuer i = issuer();

    assertThat(i.algorithms()).containsExactlyInAnyOrder(SigningAlgorithm.RS256, SigningAlgorithm.PS256,
        SigningAlgorithm.ES256);
    assertThat(i.headerTypes()).containsExactlyInAnyOrder("JWT", "at+jwt");
    assertThat(i.missingHeaderTypeAllowed()).isFalse();
    assertThat(i.typClaim()).contains("Bearer");
    assertThat(i.mapping()).isEmpty();
  }

  @Test
  void trustedIssuerWhenNoJwksUriThenRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).audiences("filings-api").build())
        .isInstanceOf(IllegalStateException.class).hasMessage("issuer " + ISSUER + ": jwksUri is required");
  }

  @Test
  void trustedIssuerWhenNoAudienceThenRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(JWKS).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("issuer " + ISSUER + ": audiences are required (at least one)");
  }

  @Test
  void trustedIssuerWhenPlainHttpJwksThenRefused() {
    URI http = URI.create("http://sso.example.com/certs");

    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(http).audiences("a").allowPlainHttpToLoopback().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("issuer " + ISSUER + ": jwksUri http://sso.example.com/certs must use https");
  }

  @Test
  void trustedIssuerWhenPlainHttpToLoopbackWithoutOptInThenRefusedWithAHint() {
    URI http = URI.create("http://127.0.0.1:18080/certs");

    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(http).audiences("a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith("must use https (or call allowPlainHttpToLoopback() for a loopback test server)");
  }

  @Test
  void trustedIssuerWhenPlainHttpToLoopbackWithOptInThenAccepted() {
    for (String host : new String[] {"127.0.0.1", "localhost", "[::1]", "127.1.2.3"}) {
      URI http = URI.create("http://" + host + ":18080/certs");
      assertThat(TrustedIssuer.builder(ISSUER).jwksUri(http).audiences("a").allowPlainHttpToLoopback().build().jwksUri())
          .isEqualTo(http);
    }
  }

  @Test
  void trustedIssuerWhenJwksUriIsNotHttpThenRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(URI.create("file:///etc/jwks.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwksUri file:///etc/jwks.json must be an absolute https URI with a host");
  }

  @Test
  void trustedIssuerWhenOptionSetTwiceThenRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(JWKS).jwksUri(JWKS))
        .isInstanceOf(IllegalStateException.class).hasMessage("jwksUri was already set to " + JWKS);
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).audiences("a").audiences("b"))
        .isInstanceOf(IllegalStateException.class).hasMessage("audiences were already set to [a]");
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).typClaim("Bearer").noTypClaim())
        .isInstanceOf(IllegalStateException.class).hasMessage("typ claim was already set to 'Bearer'");
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).algorithms(SigningAlgorithm.RS256)
        .algorithms(SigningAlgorithm.ES256)).isInstanceOf(IllegalStateException.class)
        .hasMessage("algorithms were already set to [RS256]");
  }

  @Test
  void trustedIssuerWhenBlankIssuerOrEmptyListsThenRefused() {
    assertThatThrownBy(() -> TrustedIssuer.builder(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("issuer must not be null or blank");
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).audiences()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("audiences must name at least one audience");
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).algorithms()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("algorithms must name at least one algorithm");
  }

  @Test
  void signingAlgorithmsOfferNeitherNoneNorHmac() {
    for (SigningAlgorithm a : SigningAlgorithm.values()) {
      assertThat(a.name()).doesNotStartWith("HS").isNotEqualToIgnoringCase("none");
    }
  }

  @Test
  void validatorWhenNoIssuerThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("at least one issuer must be trusted: call issuer(TrustedIssuer)");
  }

  @Test
  void validatorWhenSameIssuerTwiceThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().issuer(issuer()).issuer(issuer()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("issuer " + ISSUER + " is already trusted");
  }

  @Test
  void validatorWhenOptionSetTwiceThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().clockSkew(Duration.ofSeconds(30))
        .clockSkew(Duration.ofSeconds(60))).isInstanceOf(IllegalStateException.class)
        .hasMessage("clockSkew was already set");
    assertThatThrownBy(() -> AccessTokenValidator.builder().maxTokenSize(4096).maxTokenSize(8192))
        .isInstanceOf(IllegalStateException.class).hasMessage("maxTokenSize was already set");
    assertThatThrownBy(() -> AccessTokenValidator.builder().mapping(KeycloakMapping.defaults())
        .mapping(KeycloakMapping.defaults())).isInstanceOf(IllegalStateException.class)
        .hasMessage("mapping was already set");
  }

  @Test
  void validatorWhenClockSkewOutOfRangeThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().clockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clockSkew must be whole seconds from 0 to 10 minutes, was PT-1S");
    assertThatThrownBy(() -> AccessTokenValidator.builder().clockSkew(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("clockSkew must be whole seconds from 0 to 10 minutes, was PT1.5S");
  }

  @Test
  void validatorWhenSizesOutOfRangeThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().maxTokenSize(100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTokenSize must be from 1024 to 1048576 characters, was 100");
    assertThatThrownBy(() -> AccessTokenValidator.builder().jwksMaxSize(10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jwksMaxSize must be from 1024 to 10485760 bytes, was 10");
    assertThatThrownBy(() -> AccessTokenValidator.builder().tokenCacheMaximumSize(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("tokenCacheMaximumSize must not be negative, was -1");
    assertThatThrownBy(() -> AccessTokenValidator.builder().jwksReadTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("jwksReadTimeout must be from 1 ms to 1 minute, was PT0S");
  }

  @Test
  void validatorWhenRefreshIntervalNotShorterThanTheJwksCacheTtlThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().issuer(issuer()).jwksCacheTtl(Duration.ofSeconds(30)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jwksRefreshMinInterval (PT30S) must be shorter than jwksCacheTtl (PT30S)");
  }

  @Test
  void validatorWhenRefreshAheadNotShorterThanTheJwksCacheTtlThenRefused() {
    assertThatThrownBy(() -> AccessTokenValidator.builder().issuer(issuer()).jwksCacheTtl(Duration.ofMinutes(1))
        .jwksRefreshAhead(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jwksRefreshAhead (PT1M) must be shorter than jwksCacheTtl (PT1M)");
  }

  @Test
  void validatorDescribesItselfWithoutSecrets() {
    try (AccessTokenValidator v = AccessTokenValidator.builder().issuer(issuer()).build()) {
      assertThat(v.toString()).isEqualTo("AccessTokenValidator[issuers=[" + ISSUER + "], clockSkew=PT1M, maxTokenSize=16384]");
      assertThat(v.clockSkew()).isEqualTo(Duration.ofSeconds(60));
    }
  }
}
