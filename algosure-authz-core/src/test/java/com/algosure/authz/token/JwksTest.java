package com.algosure.authz.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.testing.TestJwksServer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The issuer's JWKS over real HTTP (WireMock on 127.0.0.1): caching, rotation, rate-limited refresh, outage grace,
 * refresh ahead of expiry, and the fetch's limits. Time moves on the test clock; nimbus's JWKS cache follows it.
 */
class JwksTest extends ValidatorTestSupport {

  private final RSAKey rotated = TestKeys.rsa("realm-key-2");
  private final RSAKey stranger = TestKeys.rsa("stranger");

  private static TokenRejectedException rejected(AccessTokenValidator v, String token) {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(token));
    assertThat(e).as("the token must be rejected").isNotNull();
    return e;
  }

  private int jwksRequests() {
    return server.jwksRequests(REALM);
  }

  @Test
  void validateWhenSeveralTokensOfOneKeyThenJwksFetchedOnce() {
    AccessTokenValidator v = validator();

    for (int i = 0; i < 5; i++) {
      v.validate(token().subject("user-" + i).sign());
    }

    assertThat(jwksRequests()).isEqualTo(1);
  }

  @Test
  void validateWhenJwksCacheTtlPassedThenJwksFetchedAgain() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());

    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    v.validate(token().sign());

    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenKeyRotatedThenNewKidIsPickedUpWithOneRefresh() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.serve(REALM, key, rotated);

    AuthenticatedToken t = v.validate(TestTokens.accessToken(rotated, issuer(), NOW).subject("after-rotation").sign());
    v.validate(token().subject("old-key-still-published").sign());

    assertThat(t.subject()).isEqualTo("after-rotation");
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenOldKeyWithdrawnAfterRotationThenItsNewTokensAreUnknownKey() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.serve(REALM, rotated);
    clock.advance(Duration.ofMinutes(6));

    assertThat(v.validate(TestTokens.accessToken(rotated, issuer(), clock.instant()).sign()).subject()).isNotBlank();
    assertThat(rejected(v, token().subject("fresh-with-old-key").sign()).reason())
        .isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenKeyRotatedAtAnIssuerWithoutKidThenTheNewKeysTokenIsPickedUpWithOneRefresh() {
    // regression: a token without 'kid' whose signature matched no held key was BAD_SIGNATURE until the cache expired
    AccessTokenValidator v = validator();
    v.validate(token().kid(null).sign());
    server.serve(REALM, rotated);

    AuthenticatedToken t = v.validate(TestTokens.accessToken(rotated, issuer(), NOW).kid(null).subject("rotated")
        .sign());

    assertThat(t.subject()).isEqualTo("rotated");
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenForgedTokensWithoutKidStormThenJwksRefreshIsRateLimitedAsForAnUnknownKid() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());

    for (int i = 0; i < 50; i++) {
      String forged = TestTokens.accessToken(stranger, issuer(), NOW).kid(null).subject("forged-" + i).sign();
      assertThat(rejected(v, forged).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
    }

    // the first fetch, then one refresh for the first miss; the other 49 were refused by the rate limit
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenForgedTokensWithoutKidAndUnknownKidsStormTogetherThenTheyShareTheRateLimit() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());

    for (int i = 0; i < 20; i++) {
      rejected(v, TestTokens.accessToken(stranger, issuer(), NOW).kid(null).subject("forged-" + i).sign());
      rejected(v, TestTokens.accessToken(stranger, issuer(), NOW).kid("unknown-" + i).sign());
    }

    assertThat(jwksRequests()).isLessThanOrEqualTo(3);
  }

  @Test
  void validateWhenUnknownKidStormThenJwksRefreshIsRateLimited() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());

    for (int i = 0; i < 50; i++) {
      String forged = TestTokens.accessToken(stranger, issuer(), NOW).kid("unknown-" + i).sign();
      assertThat(rejected(v, forged).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
    }

    // the first fetch, then one refresh for the first unknown kid; the other 49 were refused by the rate limit
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenUnknownKidAfterTheRateLimitIntervalThenRefreshedAgain() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    for (int i = 0; i < 10; i++) {
      rejected(v, TestTokens.accessToken(stranger, issuer(), NOW).kid("unknown-" + i).sign());
    }
    int beforeInterval = jwksRequests();

    clock.advance(Duration.ofSeconds(31));
    rejected(v, TestTokens.accessToken(stranger, issuer(), clock.instant()).kid("unknown-late").sign());

    assertThat(beforeInterval).isEqualTo(2);
    assertThat(jwksRequests()).isEqualTo(3);
  }

  @Test
  void validateWhenUnknownKidStormFromManyThreadsThenJwksRefreshIsRateLimited() throws Exception {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    List<String> forged = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      forged.add(TestTokens.accessToken(stranger, issuer(), NOW).kid("storm-" + i).sign());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<TokenRejectionReason>> results = new ArrayList<>();
    for (String f : forged) {
      results.add(pool.submit(() -> {
        go.await();
        return rejected(v, f).reason();
      }));
    }

    go.countDown();
    for (Future<TokenRejectionReason> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
    }
    pool.shutdown();

    assertThat(jwksRequests()).isLessThanOrEqualTo(3);
  }

  @Test
  void validateWhenColdCacheAndManyThreadsThenJwksFetchedOnce() throws Exception {
    AccessTokenValidator v = validator();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<AuthenticatedToken>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String t = token().subject("user-" + i).sign();
      results.add(pool.submit(() -> {
        go.await();
        return v.validate(t);
      }));
    }

    go.countDown();
    for (Future<AuthenticatedToken> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS).subject()).startsWith("user-");
    }
    pool.shutdown();

    assertThat(jwksRequests()).isEqualTo(1);
  }

  @Test
  void validateWhenJwksDownWithinTheGracePeriodThenKeysHeldAreUsed() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.failJwks(REALM);

    clock.advance(Duration.ofMinutes(6));
    AuthenticatedToken t = v.validate(token().subject("during-outage").sign());

    assertThat(t.subject()).isEqualTo("during-outage");
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenJwksConnectionResetJustBeforeTheGracePeriodEndsThenKeysHeldAreUsed() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.resetJwks(REALM);

    // cache TTL 5 min + grace 30 min, less one second
    clock.advance(Duration.ofMinutes(35).minusSeconds(1));

    assertThat(v.validate(token().subject("late-in-outage").sign()).subject()).isEqualTo("late-in-outage");
  }

  @Test
  void validateWhenJwksDownPastTheGracePeriodThenJwksUnavailable() {
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    server.failJwks(REALM);

    clock.advance(Duration.ofMinutes(35).plusSeconds(1));
    TokenRejectedException e = rejected(v, token().subject("after-grace").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains(server.jwksUri(REALM).toString());
  }

  @Test
  void validateWhenGracePeriodConfiguredThenItBoundsTheOutageTolerance() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksOutageGrace(Duration.ofMinutes(2)));
    v.validate(token().sign());
    server.failJwks(REALM);

    clock.advance(Duration.ofMinutes(6));
    assertThat(v.validate(token().subject("within").sign()).subject()).isEqualTo("within");

    // re-cached at 6 min for one more cache TTL (see the class doc); past that and past the grace: refused
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    assertThat(rejected(v, token().subject("past").sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenJwksDownThenKeysHeldAreNeverUsedPastTheGraceAndOneCacheTtl() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksOutageGrace(Duration.ofMinutes(2)));
    v.validate(token().sign());
    server.failJwks(REALM);

    // the last moment of the grace (cache TTL 5 min + 2 min): the keys held are re-cached for one more TTL
    clock.advance(Duration.ofMinutes(7).minusSeconds(1));
    assertThat(v.validate(token().subject("last-of-grace").sign()).subject()).isEqualTo("last-of-grace");
    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(v.validate(token().subject("last-of-ttl").sign()).subject()).isEqualTo("last-of-ttl");
    // a refresh for an unknown kid in the meantime does not stretch it
    rejected(v, TestTokens.accessToken(stranger, issuer(), clock.instant()).kid("unknown").sign());

    clock.advance(Duration.ofSeconds(2)); // 12 min and 0 s after the last fetch: the stated bound
    assertThat(rejected(v, token().subject("past").sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenNoOutageGraceThenJwksDownAfterTheCacheTtlIsUnavailable() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksOutageGrace(Duration.ZERO));
    v.validate(token().sign());
    server.failJwks(REALM);

    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    assertThat(rejected(v, token().subject("no-grace").sign()).reason())
        .isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenCacheIsAboutToExpireThenJwksIsRefreshedAheadOfExpiry() throws Exception {
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksRefreshExecutor(refresher));
    v.validate(token().sign());
    server.serve(REALM, key, rotated);

    // 20 s before the 5-minute TTL: inside the 30-second refresh-ahead window, cache still valid
    clock.advance(Duration.ofMinutes(5).minusSeconds(20));
    v.validate(token().subject("in-window").sign());
    refresher.shutdown();
    assertThat(refresher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(jwksRequests()).isEqualTo(2);
    // the refreshed set already holds the rotated key: no further fetch
    v.validate(TestTokens.accessToken(rotated, issuer(), clock.instant()).sign());
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenClosedAndTheCacheIsAboutToExpireThenTheTokenIsStillValidatedWithTheKeysHeld() {
    // close() stops the validator's own refresh threads; the refresh ahead of expiry it would start was handed to the
    // stopped pool, whose refusal came out of validate: a valid token refused as MALFORMED
    AccessTokenValidator v = validator();
    v.validate(token().sign());
    v.close();

    clock.advance(Duration.ofMinutes(5).minusSeconds(20)); // inside the refresh-ahead window, cache still valid
    AuthenticatedToken t = v.validate(token().subject("after-close").sign());

    assertThat(t.subject()).isEqualTo("after-close");
    clock.advance(Duration.ofSeconds(30)); // past the TTL: fetched again in the validating thread
    assertThat(v.validate(token().subject("past-ttl").sign()).subject()).isEqualTo("past-ttl");
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenOutsideTheRefreshAheadWindowThenNoBackgroundRefresh() throws Exception {
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksRefreshExecutor(refresher));
    v.validate(token().sign());

    clock.advance(Duration.ofMinutes(4));
    v.validate(token().subject("early").sign());
    refresher.shutdown();
    assertThat(refresher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(jwksRequests()).isEqualTo(1);
  }

  @Test
  void validateWhenOnlyAnEncryptionKeyHasTheTokensKidThenUnknownKey() {
    RSAKey enc = TestKeys.rsaEncryption("enc-1");
    server.serve(REALM, key, enc);
    String token = TestTokens.accessToken(enc, issuer(), NOW).sign();

    assertThat(rejected(validator(), token).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenTheKeysOperationsDoNotIncludeVerifyThenItIsNotUsed() {
    // 'use' sig, but 'key_ops' (RFC 7517 §4.3) says the key is for signing only, not for verifying
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(key.toPublicJWK().toJSONObject());
    jwk.put("key_ops", List.of("sign"));
    server.serveJson(REALM, new JWKSet(List.of(parse(jwk))).toString(false));

    assertThat(rejected(validator(), token().sign()).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenTheJwksPublishesAPrivateKeyForSigningOnlyThenItIsStillReportedAsPublished() {
    // a private JWK as a signer holds it: 'key_ops' ["sign"]; that it is no verification key must not hide the leak
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(key.toJSONObject());
    jwk.put("key_ops", List.of("sign"));
    server.serveJson(REALM, new JWKSet(List.of(parse(jwk))).toString(false));

    TokenRejectedException e = rejected(validator(), token().sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains(SignatureKeySelector.PRIVATE_KEY_PUBLISHED);
  }

  @Test
  void validateWhenTheKeysOperationsIncludeVerifyThenItIsUsed() {
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(key.toPublicJWK().toJSONObject());
    jwk.put("key_ops", List.of("verify"));
    server.serveJson(REALM, new JWKSet(List.of(parse(jwk))).toString(false));

    assertThat(validator().validate(token().subject("verify-op").sign()).subject()).isEqualTo("verify-op");
  }

  @Test
  void validateWhenTheJwksMarksTheKeyRevokedThenItIsNotUsed() {
    // the JWK 'revoked' member (OpenID Federation 1.0, which nimbus parses): the issuer says the key is not to be trusted
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(key.toPublicJWK().toJSONObject());
    jwk.put("revoked", Map.of("revoked_at", NOW.minusSeconds(3600).getEpochSecond(), "reason", "keyCompromise"));
    server.serveJson(REALM, new JWKSet(List.of(parse(jwk), rotated.toPublicJWK())).toString(false));
    AccessTokenValidator v = validator();

    assertThat(rejected(v, token().sign()).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
    assertThat(rejected(v, token().kid(null).subject("no-kid").sign()).reason())
        .isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
    assertThat(v.validate(TestTokens.accessToken(rotated, issuer(), NOW).subject("other").sign()).subject())
        .isEqualTo("other");
  }

  /** The realm key as published with a JWK {@code exp} (which some issuers set and nimbus parses) at that time. */
  private com.nimbusds.jose.jwk.JWK expiringAt(RSAKey k, java.time.Instant exp) {
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(k.toPublicJWK().toJSONObject());
    jwk.put("exp", exp.getEpochSecond());
    return parse(jwk);
  }

  /**
   * Regression: a JWK whose {@code exp} had passed was still used to verify: the issuer said the key is no longer to
   * be trusted, and its tokens went on being accepted until the key was withdrawn from the set. Read on the
   * validator's clock, within one JWKS cache period (the set held is the same).
   */
  @Test
  void validateWhenTheJwksKeysExpHasPassedOnTheValidatorsClockThenItIsNotUsed() {
    server.serveJson(REALM, new JWKSet(List.of(expiringAt(key, NOW.plusSeconds(60)), rotated.toPublicJWK()))
        .toString(false));
    AccessTokenValidator v = validator();
    assertThat(v.validate(token().subject("before-exp").sign()).subject()).isEqualTo("before-exp");

    clock.advance(Duration.ofSeconds(60));

    TokenRejectedException e = rejected(v, token().subject("at-exp").sign());
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
    assertThat(e.getMessage()).contains("unexpired");
    assertThat(rejected(v, token().kid(null).subject("no-kid").sign()).reason())
        .isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
    assertThat(v.validate(TestTokens.accessToken(rotated, issuer(), clock.instant()).subject("other").sign())
        .subject()).isEqualTo("other");
  }

  /** A JWK {@code exp} still ahead on the validator's clock is no bar, whatever the system clock says. */
  @Test
  void validateWhenTheJwksKeysExpIsAheadOnTheValidatorsClockThenItIsUsed() {
    // the system clock is past NOW plus a minute: a key expiry read on it would refuse this key
    server.serveJson(REALM, new JWKSet(List.of(expiringAt(key, NOW.plusSeconds(60)))).toString(false));

    assertThat(validator().validate(token().subject("in-time").sign()).subject()).isEqualTo("in-time");
  }

  @Test
  void validateWhenTwoKeysOfTheJwksShareAKidThenEachVerifiesItsOwnTokensAndNoOtherKey() {
    RSAKey twin = new RSAKey.Builder(rotated).keyID(key.getKeyID()).build();
    server.serve(REALM, key, twin);
    AccessTokenValidator v = validator();

    assertThat(v.validate(token().subject("first").sign()).subject()).isEqualTo("first");
    assertThat(v.validate(TestTokens.accessToken(twin, issuer(), NOW).subject("second").sign()).subject())
        .isEqualTo("second");
    assertThat(rejected(v, TestTokens.accessToken(stranger, issuer(), NOW).kid(key.getKeyID()).sign()).reason())
        .isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  private static com.nimbusds.jose.jwk.JWK parse(Map<String, Object> json) {
    try {
      return com.nimbusds.jose.jwk.JWK.parse(json);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void validateWhenTheKeyStatesNoUseThenItIsNotUsed() {
    RSAKey noUse = new RSAKey.Builder(TestKeys.rsa("no-use")).keyUse(null).build();
    server.serve(REALM, noUse);
    String token = TestTokens.accessToken(noUse, issuer(), NOW).sign();

    assertThat(rejected(validator(), token).reason()).isEqualTo(TokenRejectionReason.UNKNOWN_KEY);
  }

  @Test
  void validateWhenTheJwksIsLargerThanTheLimitThenJwksUnavailable() {
    server.serve(REALM, key, rotated, stranger, TestKeys.rsa("filler"));
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksMaxSize(1024));

    assertThat(rejected(v, token().sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenTheJwksAnswersSlowerThanTheReadTimeoutThenJwksUnavailable() {
    server.respond(REALM, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(TestKeys.jwks(key)).withFixedDelay(3_000));
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksReadTimeout(Duration.ofMillis(200)));
    long start = System.nanoTime();

    TokenRejectedException e = rejected(v, token().sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
  }

  @Test
  void validateWhenTheJwksTricklesInSlowerThanTheTimeoutsAllowInTotalThenJwksUnavailableWithinThem() {
    // each chunk comes within the read timeout, the whole document only after 12 s: a per-read timeout never fires
    server.respond(REALM, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(TestKeys.jwks(key)).withChunkedDribbleDelay(20, 12_000));
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksConnectTimeout(Duration.ofMillis(500))
        .jwksReadTimeout(Duration.ofSeconds(1)));
    long start = System.nanoTime();

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(token().sign()));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to answer").isLessThan(Duration.ofMillis(6_000));
    assertThat(e).as("the token must be rejected").isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenTheJwksTricklesInDuringTheGracePeriodThenKeysHeldAreUsedWithinTheTimeouts() {
    AccessTokenValidator v = open(builder().issuer(realm().build()).jwksConnectTimeout(Duration.ofMillis(500))
        .jwksReadTimeout(Duration.ofSeconds(1)));
    v.validate(token().sign());
    server.respond(REALM, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
        .withBody(TestKeys.jwks(key)).withChunkedDribbleDelay(20, 12_000));
    clock.advance(Duration.ofMinutes(6));
    long start = System.nanoTime();

    AuthenticatedToken t = v.validate(token().subject("during-trickle").sign());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to answer").isLessThan(Duration.ofMillis(6_000));
    assertThat(t.subject()).isEqualTo("during-trickle");
  }

  @Test
  void validateWhenTheJwksEndpointRedirectsThenTheRedirectIsNotFollowed() {
    String moved = "/moved/jwks.json";
    server.wireMock().stubFor(get(urlEqualTo(moved)).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/json").withBody(TestKeys.jwks(key))));
    server.respond(REALM, aResponse().withStatus(302).withHeader("Location", server.baseUrl() + moved));

    assertThat(rejected(validator(), token().sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(server.requestsTo(moved)).isZero();
  }

  @Test
  void validateWhenTheJwksIsNotJsonThenJwksUnavailable() {
    server.serveJson(REALM, "<html>login</html>");

    assertThat(rejected(validator(), token().sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenTheJwksIsFetchedButNotAValidJwkSetThenTheMessageSaysSoNotThatItCouldNotBeFetched() {
    // a key whose 'x5c' certificate is not that key: nimbus refuses the whole set
    Map<String, Object> jwk = new java.util.LinkedHashMap<>(rotated.toPublicJWK().toJSONObject());
    jwk.put("x5c", List.of("MIIBAAAA"));
    server.serveJson(REALM, "{\"keys\":[" + com.nimbusds.jose.util.JSONObjectUtils.toJSONString(jwk) + ","
        + key.toPublicJWK().toJSONString() + "]}");

    TokenRejectedException e = rejected(validator(), token().sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains(server.jwksUri(REALM).toString(), "is not a valid JWK set")
        .doesNotContain("could not be fetched");
  }

  @Test
  void validateWhenTwoRealmsThenEachRealmsJwksIsFetchedFromItsOwnUri() {
    server.serve("other", rotated);
    AccessTokenValidator v = open(builder().issuer(realm().build())
        .issuer(server.trustedIssuer("other").audiences(AUDIENCE).actorIdPrefix("other").mapping(KeycloakMapping.defaults()).build()));

    v.validate(token().sign());
    v.validate(TestTokens.accessToken(rotated, server.issuer("other"), NOW).sign());

    assertThat(server.jwksRequests(REALM)).isEqualTo(1);
    assertThat(server.requestsTo(TestJwksServer.jwksPath("other"))).isEqualTo(1);
  }

  @Test
  void validateWhenJwksPublishesTheRsaPrivateKeyThenTokensOfThatKeyAreRefusedAndTheOthersStillVerify() {
    // an issuer whose JWKS endpoint serves the whole key pair (d, p, q, ...): anyone can sign with it
    server.serveJson(REALM, new JWKSet(List.of(key, rotated.toPublicJWK())).toString(false));
    AccessTokenValidator v = validator();

    TokenRejectedException e = rejected(v, token().sign());
    AuthenticatedToken other = v.validate(TestTokens.accessToken(rotated, issuer(), NOW).subject("public-key").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("publishes the private key 'kid' 'realm-key-1'")
        .contains("rotate that key").doesNotContain(key.getPrivateExponent().toString());
    assertThat(other.subject()).isEqualTo("public-key");
    // refused again from the held key set, without refetching it
    assertThat(rejected(v, token().subject("again").sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(jwksRequests()).isEqualTo(1);
  }

  @Test
  void validateWhenJwksPublishesTheEcPrivateKeyThenItsTokensAreRefused() {
    ECKey ec = TestKeys.ec("realm-ec-private");
    server.serveJson(REALM, new JWKSet(List.of(ec)).toString(false));

    TokenRejectedException e = rejected(validator(), TestTokens.accessToken(ec, issuer(), NOW).sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("'kid' 'realm-ec-private'");
  }

  @Test
  void validateWhenTokenHasNoKidAndTheJwksAlsoPublishesAnotherKeysPrivateHalfThenThePublicKeyStillVerifies() {
    // regression: the leaked key was among the candidates of a token without 'kid', and refused it as JWKS_UNAVAILABLE
    server.serveJson(REALM, new JWKSet(List.of(rotated.toPublicJWK(), key)).toString(false));

    AuthenticatedToken t = validator().validate(TestTokens.accessToken(rotated, issuer(), NOW).kid(null).subject("public")
        .sign());

    assertThat(t.subject()).isEqualTo("public");
  }

  @Test
  void validateWhenTokenWithoutKidIsSignedWithThePublishedPrivateKeyThenRefused() {
    server.serveJson(REALM, new JWKSet(List.of(rotated.toPublicJWK(), key)).toString(false));

    assertThat(rejected(validator(), token().kid(null).sign()).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenThePublishedPrivateKeyIsListedAgainPublicOnlyThenItsTokensAreStillRefused() {
    server.serveJson(REALM, new JWKSet(List.of(key.toPublicJWK(), key)).toString(false));
    AccessTokenValidator v = validator();

    assertThat(rejected(v, token().sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(rejected(v, token().kid(null).sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
  }

  @Test
  void validateWhenThePublishedPrivateKeyIsListedAgainPublicOnlyUnderAnotherKidThenItsTokensAreStillRefused()
      throws Exception {
    // whoever fetched the JWKS holds the private key and signs under whichever kid lists its public half
    RSAKey alias = new RSAKey.Builder(key.toRSAPublicKey()).keyID("realm-key-1-public").keyUse(KeyUse.SIGNATURE)
        .build();
    server.serveJson(REALM, new JWKSet(List.of(key, alias, rotated.toPublicJWK())).toString(false));
    AccessTokenValidator v = validator();

    TokenRejectedException e = rejected(v, token().kid("realm-key-1-public").sign());
    AuthenticatedToken other = v.validate(TestTokens.accessToken(rotated, issuer(), NOW).subject("public-key").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("publishes the private key 'kid' 'realm-key-1'");
    assertThat(other.subject()).isEqualTo("public-key");
    assertThat(rejected(v, token().kid(null).sign()).reason()).isEqualTo(TokenRejectionReason.BAD_SIGNATURE);
  }

  @Test
  void validateWhenTheIssuerRemovesThePrivateKeyThenItsTokensVerifyOnceTheJwksIsFetchedAgain() {
    server.serveJson(REALM, new JWKSet(List.of(key)).toString(false));
    AccessTokenValidator v = validator();
    assertThat(rejected(v, token().sign()).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);

    server.serve(REALM, key); // public half only
    clock.advance(Duration.ofMinutes(6)); // past the JWKS cache TTL

    assertThat(v.validate(token().subject("after-the-fix").sign()).subject()).isEqualTo("after-the-fix");
    assertThat(jwksRequests()).isEqualTo(2);
  }

  @Test
  void validateWhenTheJwksKeyIsAnRsaKeyOfFewerThan2048BitsThenItsTokensAreRefusedAndTheOthersStillVerify()
      throws Exception {
    // RFC 7518 3.3: RS* and PS* need 2048 bits or more; a 1024-bit modulus can be factored, and whoever factors the
    // issuer's published key signs any token with it (nimbus refuses such a key for signing, not for verifying)
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    KeyPair pair = generator.generateKeyPair();
    RSAKey weak = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
        .keyID("weak-1024").keyUse(KeyUse.SIGNATURE).build();
    server.serveJson(REALM, TestKeys.jwks(weak, rotated));
    AccessTokenValidator v = validator();
    JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("weak-1024").type(JOSEObjectType.JWT)
        .build(), new Payload(Map.<String, Object>of("iss", issuer(), "aud", AUDIENCE, "sub", "weak-key", "typ", "Bearer",
            "iat", NOW.getEpochSecond(), "exp", NOW.plusSeconds(300).getEpochSecond())));
    jws.sign(new RSASSASigner(pair.getPrivate(), true));

    TokenRejectedException e = rejected(v, jws.serialize());
    AuthenticatedToken other = v.validate(TestTokens.accessToken(rotated, issuer(), NOW).subject("strong-key").sign());

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE);
    assertThat(e.getMessage()).contains("'kid' 'weak-1024'").contains("1024 bits").contains("2048");
    assertThat(other.subject()).isEqualTo("strong-key");
  }

  @Test
  void validateWhenTokenWithoutKidAndTheJwksAlsoHoldsAWeakRsaKeyThenTheStrongKeyStillVerifies() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    RSAKey weak = new RSAKey.Builder((RSAPublicKey) generator.generateKeyPair().getPublic()).keyID("weak-1024")
        .keyUse(KeyUse.SIGNATURE).build();
    server.serveJson(REALM, TestKeys.jwks(weak, rotated));

    AuthenticatedToken t = validator().validate(TestTokens.accessToken(rotated, issuer(), NOW).kid(null)
        .subject("strong-key").sign());

    assertThat(t.subject()).isEqualTo("strong-key");
  }
}
