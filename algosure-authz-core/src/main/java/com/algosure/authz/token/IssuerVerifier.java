package com.algosure.authz.token;

import com.algosure.authz.internal.MediaTypes;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.source.CachingJWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSetParseException;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.OutageTolerantJWKSetSource;
import com.nimbusds.jose.jwk.source.RateLimitedJWKSetSource;
import com.nimbusds.jose.jwk.source.RefreshAheadCachingJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.proc.SimpleSecurityContext;
import com.nimbusds.jose.util.events.EventListener;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that checks one trusted issuer's tokens, built once: the JWKS source chain, the key selector, the type
 * and claims verifiers. {@link #verify} runs nimbus's building blocks one by one (instead of
 * {@code DefaultJWTProcessor}) so that each failure has its own {@link TokenRejectionReason}.
 */
final class IssuerVerifier implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(IssuerVerifier.class);

  /** The body claim {@code typ} Keycloak gives an access token bound to the client's DPoP key (RFC 9449). */
  private static final String DPOP = "DPoP";

  /** The {@code cnf} member of a token bound to the client's TLS certificate (RFC 8705 §3.1). */
  private static final String X5T_S256 = "x5t#S256";

  /** The {@code cnf} member of a token bound to the client's key (RFC 9449 §6). */
  private static final String JKT = "jkt";

  /** nimbus passes a context through the key source; we keep nothing in it. */
  private static final SecurityContext CONTEXT = new SimpleSecurityContext();

  private final TrustedIssuer config;
  private final KeycloakMapping mapping;
  private final Set<JWSAlgorithm> algorithms;
  /** The accepted header {@code typ} values, {@linkplain MediaTypes#ofJoseType normalised}. */
  private final Set<String> headerTypes;
  private final ClockedJwkSource jwks;
  private final SignatureKeySelector keySelector;
  private final ClockedClaimsVerifier claimsVerifier;
  private final DefaultJWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
  private final Clock clock;
  private final long skewMillis;
  /** The issuer's maximum token lifetime; a longer one than a {@code long} of milliseconds holds is unbounded. */
  private final long maxTokenLifetimeMillis;

  IssuerVerifier(TrustedIssuer config, KeycloakMapping fallbackMapping, JwksSettings jwksSettings,
      @Nullable ExecutorService refreshExecutor, Clock clock, int skewSeconds) {
    this.config = config;
    this.mapping = config.mapping().orElse(fallbackMapping);
    Set<JWSAlgorithm> algs = new HashSet<>();
    for (SigningAlgorithm a : config.algorithms()) {
      algs.add(JWSAlgorithm.parse(a.name()));
    }
    this.algorithms = Set.copyOf(algs);
    Set<String> types = new HashSet<>();
    for (String t : config.headerTypes()) {
      types.add(MediaTypes.ofJoseType(t));
    }
    this.headerTypes = Set.copyOf(types);
    this.jwks = new ClockedJwkSource(jwkSource(config, jwksSettings, refreshExecutor), clock);
    this.keySelector = new SignatureKeySelector(algorithms, jwks, clock);
    this.claimsVerifier = new ClockedClaimsVerifier(config.issuer(), config.audiences(), skewSeconds, clock);
    this.clock = clock;
    this.skewMillis = skewSeconds * 1000L;
    this.maxTokenLifetimeMillis = millisOrMax(config.maxTokenLifetime());
  }

  /** {@code ChronoUnit.FOREVER.getDuration()} and its like do not fit in milliseconds: they bound nothing. */
  private static long millisOrMax(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static JWKSource<SecurityContext> jwkSource(TrustedIssuer config, JwksSettings s,
      @Nullable ExecutorService refreshExecutor) {
    URL url;
    try {
      url = config.jwksUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("issuer " + config.issuer() + ": jwksUri "
          + TrustedIssuer.quotable(config.jwksUri()) + " is not a URL", e);
    }
    String issuer = config.issuer();
    EventListener<CachingJWKSetSource<SecurityContext>, SecurityContext> cacheEvents = event -> {
      if (event instanceof RefreshAheadCachingJWKSetSource.UnableToRefreshAheadOfExpirationEvent) {
        LOG.warn("JWKS of issuer {} could not be refreshed ahead of expiry; will retry on use", issuer);
      } else if (event instanceof CachingJWKSetSource.RefreshCompletedEvent<SecurityContext> done) {
        LOG.debug("JWKS of issuer {} refreshed: {} keys", issuer, done.getJWKSet().size());
      } else if (event instanceof CachingJWKSetSource.UnableToRefreshEvent) {
        LOG.warn("JWKS of issuer {} could not be refreshed", issuer);
      }
    };
    EventListener<RateLimitedJWKSetSource<SecurityContext>, SecurityContext> rateEvents =
        event -> LOG.debug("JWKS refresh of issuer {} refused by the rate limit", issuer);
    EventListener<OutageTolerantJWKSetSource<SecurityContext>, SecurityContext> outageEvents = event -> {
      if (event instanceof OutageTolerantJWKSetSource.OutageEvent<SecurityContext> outage) {
        LOG.warn("JWKS of issuer {} is unavailable ({}); using the keys held for up to {} s more", issuer,
            outage.getException().getClass().getSimpleName(), outage.getRemainingTime() / 1000);
      }
    };
    JWKSourceBuilder<SecurityContext> b = JWKSourceBuilder.<SecurityContext>create(url,
            new JwksRetriever(s.connectTimeoutMillis(), s.readTimeoutMillis(), s.sizeLimitBytes()))
        .retrying(false)
        .cache(s.cacheTtlMillis(), s.refreshTimeoutMillis(), cacheEvents);
    if (s.refreshAheadMillis() > 0) {
      b.refreshAheadCache(s.refreshAheadMillis(), cacheEvents, refreshExecutor, refreshExecutor == null, null, false);
    } else {
      b.refreshAheadCache(false);
    }
    b.rateLimited(s.refreshMinIntervalMillis(), rateEvents);
    if (s.outageGraceMillis() > 0) {
      // nimbus counts outage tolerance from the last successful fetch; the grace starts when the cache expires
      b.outageTolerant(s.cacheTtlMillis() + s.outageGraceMillis(), outageEvents);
    } else {
      b.outageTolerant(false);
    }
    return b.build();
  }

  String issuer() {
    return config.issuer();
  }

  /** @return the prefix of this issuer's actor ids, or null */
  @Nullable String actorIdPrefix() {
    return config.actorIdPrefix().orElse(null);
  }

  KeycloakMapping mapping() {
    return mapping;
  }

  long skewMillis() {
    return skewMillis;
  }

  /**
   * Checks header, key, signature, claims and the absence of an unchecked binding ({@code cnf}), in that order.
   *
   * @param jwt the token
   * @param claims its claims, parsed from its payload (which the signature covers)
   * @return the verified claims
   * @throws TokenRejectedException naming the first check that failed
   */
  JWTClaimsSet verify(SignedJWT jwt, JWTClaimsSet claims) {
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!algorithms.contains(alg)) {
      throw reject(TokenRejectionReason.ALGORITHM_NOT_ALLOWED, "header 'alg' " + Printable.of(alg.getName())
          + " is not allowed for this issuer; allowed: " + config.algorithms());
    }
    Set<String> crit = header.getCriticalParams();
    if (crit != null && !crit.isEmpty()) {
      throw reject(TokenRejectionReason.UNSUPPORTED_CRITICAL_HEADER, "header 'crit' names " + crit.size()
          + " extension(s) this validator does not understand; tokens with critical extensions are refused");
    }
    if (!header.isBase64URLEncodePayload()) {
      // nimbus honours b64 even where 'crit' leaves it out, and would verify a signature over the unencoded payload
      throw reject(TokenRejectionReason.UNSUPPORTED_CRITICAL_HEADER, "header 'b64' is false (RFC 7797 unencoded"
          + " payload) and not named in 'crit', which RFC 7797 §6 requires; this validator does not understand that"
          + " extension: an access token's payload is Base64URL-encoded and signed so");
    }
    JOSEObjectType headerTyp = header.getType();
    if (headerTyp == null ? !config.missingHeaderTypeAllowed() : !headerTypes.contains(MediaTypes.ofJoseType(headerTyp.getType()))) {
      throw reject(TokenRejectionReason.WRONG_TYPE, headerTyp == null
          ? "header 'typ' is absent; this issuer requires one of " + config.headerTypes()
          : "header 'typ' " + Printable.of(headerTyp.getType()) + " is not one of " + config.headerTypes()
              + " (compared ignoring case and an 'application/' prefix)");
    }

    List<Key> candidates = selectKeys(header, CONTEXT);
    if (candidates.isEmpty()) {
      throw reject(TokenRejectionReason.UNKNOWN_KEY, (header.getKeyID() == null ? "no key"
          : "no key with header 'kid' " + Printable.of(header.getKeyID())) + " and 'use' sig for " + alg.getName()
          + " is in the issuer's JWKS unrevoked and unexpired (JWK 'exp' on this validator's clock; a refresh may have"
          + " been refused by the rate limit)");
    }
    boolean verified = signatureVerifies(jwt, header, candidates);
    if (!verified && header.getKeyID() == null) {
      // an issuer that omits 'kid' and rotated its key: no held key verifies its new tokens. Refreshed as for an
      // unknown 'kid', under the same rate limit; only the keys not tried yet are tried
      List<Key> fresh = new ArrayList<>(selectKeys(header, ClockedJwkSource.AFTER_SIGNATURE_MISS));
      fresh.removeAll(candidates);
      verified = signatureVerifies(jwt, header, fresh);
    }
    if (!verified) {
      throw reject(TokenRejectionReason.BAD_SIGNATURE, "the signature does not verify with the issuer's key "
          + (header.getKeyID() == null ? "" : Printable.of(header.getKeyID())));
    }

    try {
      claimsVerifier.verify(claims, CONTEXT);
    } catch (ExpiredJWTException e) {
      throw reject(TokenRejectionReason.EXPIRED, "the token expired at " + instant(claims.getExpirationTime())
          + " (claim 'exp'), more than the allowed clock skew of " + skewMillis / 1000 + " s ago; obtain a new token");
    } catch (BadJWTException e) {
      throw claimRejection(e, claims);
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.getTime() > clock.millis() + skewMillis) { // at exactly the skew ahead: accepted
      throw reject(TokenRejectionReason.NOT_YET_VALID, "claim 'iat' " + instant(iat)
          + " lies in the future by more than the allowed clock skew of " + skewMillis / 1000 + " s; check the clocks");
    }
    requireShortLived(claims.getExpirationTime(), iat);
    String typClaim = config.typClaim().orElse(null);
    if (typClaim != null) {
      Object typ = claims.getClaim("typ");
      if (!typClaim.equals(typ)) {
        throw reject(TokenRejectionReason.WRONG_TYPE, typ == null
            ? "claim 'typ' is absent; an access token of this issuer has '" + typClaim + "'"
            : DPOP.equals(typ)
                ? "claim 'typ' is 'DPoP': the access token is bound to the client's DPoP key (RFC 9449), and this"
                    + " validator, which takes bearer tokens only, does not check the proof of possession, so it is"
                    + " refused; have the client request bearer tokens of this issuer (claim 'typ' '" + typClaim + "')"
                : "claim 'typ' is " + Printable.of(String.valueOf(typ)) + ", not '" + typClaim
                    + "': only access tokens are accepted (ID and refresh tokens are not)");
      }
    }
    Object cnf = claims.getClaim("cnf"); // a JSON object: RegisteredClaims checked it on the payload
    if (cnf instanceof Map<?, ?> confirmation) {
      requireNoUncheckedBinding(confirmation);
    }
    return claims;
  }

  /**
   * A token with {@code cnf} is sender-constrained: only its holder may present it, which a bearer validator cannot
   * check. Refused, unless it is bound to the client's certificate only and the issuer is configured with a gateway
   * that checks that binding.
   */
  private void requireNoUncheckedBinding(Map<?, ?> confirmation) {
    boolean certificateOnly = confirmation.size() == 1 && confirmation.containsKey(X5T_S256);
    if (certificateOnly && config.certificateBoundTokensAllowed()) {
      return;
    }
    List<String> bindings = new ArrayList<>();
    for (Object method : new TreeSet<>(confirmation.keySet().stream().map(String::valueOf).toList())) {
      bindings.add(X5T_S256.equals(method) ? "the client's TLS certificate (certificate thumbprint 'x5t#S256', RFC 8705"
          + " mutual TLS)"
          : JKT.equals(method) ? "a key of the client (key thumbprint 'jkt', RFC 9449 DPoP)"
          : "the confirmation method " + Printable.of(String.valueOf(method)) + " (RFC 7800)");
      if (bindings.size() == 3) {
        break; // enough to say what it is
      }
    }
    String what = bindings.isEmpty() ? "no confirmation method (an empty 'cnf'), which is no token this validator"
        + " can take for a bearer token" : String.join(" and ", bindings);
    throw reject(TokenRejectionReason.WRONG_TYPE, "claim 'cnf' binds the token to " + what + ": a sender-constrained"
        + " token, and this validator, which takes bearer tokens only, cannot check the proof of possession, so it is"
        + " refused (a stolen bound token would work from anywhere); "
        + (certificateOnly
            ? "have the client request tokens without certificate binding, or, if a TLS-terminating gateway in front"
                + " of this service checks the certificate binding, call"
                + " TrustedIssuer.Builder.allowCertificateBoundTokens() (Spring"
                + " algosure.issuers[n].allow-certificate-bound-tokens)"
            : "have the client request bearer tokens of this issuer (without 'cnf')"));
  }

  /**
   * The first time at which {@link #verify} accepts these (verified) claims as far as time goes: {@code nbf} and
   * {@code iat} minus the skew, and without {@code iat}, {@code exp} minus the skew and the maximum lifetime (a
   * lifetime measured from now). A cached token is accepted only from then on, as a fresh validation would be.
   */
  long acceptedFromMillis(JWTClaimsSet claims) {
    long from = Long.MIN_VALUE;
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null) {
      from = nbf.getTime() - skewMillis;
    }
    Date iat = claims.getIssueTime();
    if (iat != null) {
      from = Math.max(from, iat.getTime() - skewMillis);
    } else {
      long expMinusSkew = claims.getExpirationTime().getTime() - skewMillis; // exp is required and checked
      if (expMinusSkew >= Long.MIN_VALUE + maxTokenLifetimeMillis) { // else no time is too early
        from = Math.max(from, expMinusSkew - maxTokenLifetimeMillis);
      }
    }
    return from;
  }

  /** The keys of the issuer's JWKS that may verify a token with this header; a JWKS that fails is a refusal. */
  private List<Key> selectKeys(JWSHeader header, SecurityContext context) {
    try {
      return keySelector.selectJWSKeys(header, context);
    } catch (SignatureKeySelector.UnusableKeyException e) {
      boolean weak = !e.problem().equals(SignatureKeySelector.PRIVATE_KEY_PUBLISHED);
      throw reject(TokenRejectionReason.JWKS_UNAVAILABLE, "the issuer's JWKS at " + TrustedIssuer.quotable(config.jwksUri())
          + " " + e.problem() + " " + (e.keyId() == null ? "(no 'kid')" : "'kid' " + Printable.of(e.keyId()))
          + " that would verify this token: anyone who " + (weak ? "factors it" : "fetched it") + " can sign tokens, so"
          + " it is never used; the issuer must rotate that key and publish "
          + (weak ? "RSA keys of " + SignatureKeySelector.MIN_RSA_BITS + " bits or more" : "public keys only"));
    } catch (KeySourceException e) {
      String what = isParseFailure(e)
          ? " was fetched from " + TrustedIssuer.quotable(config.jwksUri()) + " but is not a valid JWK set (not JSON, or"
              + " a key nimbus refuses: an 'x5c' certificate that is not the key's, 'use' and 'key_ops' that disagree,"
              + " a malformed parameter)"
          : " could not be fetched from " + TrustedIssuer.quotable(config.jwksUri());
      throw new TokenRejectedException(TokenRejectionReason.JWKS_UNAVAILABLE, config.issuer(),
          "the JWKS of issuer " + config.issuer() + what
              + " and no keys are held within the outage grace period; check the issuer", e);
    }
  }

  /** @return whether the JWKS was fetched and refused by nimbus's parser, as far as the causes say */
  private static boolean isParseFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JWKSetParseException) {
        return true;
      }
    }
    return false;
  }

  /**
   * A token valid for longer than the issuer's maximum lifetime is not a short-lived credential: refused. Measured
   * from {@code iat} (both times are the issuer's); without {@code iat}, from now, allowing the clock skew.
   */
  private void requireShortLived(Date exp, @Nullable Date iat) {
    long max = maxTokenLifetimeMillis;
    if (iat != null) {
      if (exp.getTime() - iat.getTime() > max) {
        throw reject(TokenRejectionReason.INVALID_CLAIM, "the token is valid for "
            + Duration.ofMillis(exp.getTime() - iat.getTime()).toSeconds() + " s (claim 'iat' " + instant(iat)
            + " to claim 'exp' " + instant(exp) + "), longer than this issuer's maximum token lifetime of "
            + config.maxTokenLifetime().toSeconds() + " s; issue shorter-lived access tokens, or raise"
            + " TrustedIssuer.Builder.maxTokenLifetime");
      }
    } else if (exp.getTime() - clock.millis() - skewMillis > max) { // max + skew could overflow
      throw reject(TokenRejectionReason.INVALID_CLAIM, "claim 'exp' " + instant(exp) + " lies more than this issuer's"
          + " maximum token lifetime of " + config.maxTokenLifetime().toSeconds() + " s ahead (the token has no 'iat');"
          + " issue shorter-lived access tokens, or raise TrustedIssuer.Builder.maxTokenLifetime");
    }
  }

  private boolean signatureVerifies(SignedJWT jwt, JWSHeader header, List<Key> candidates) {
    for (Key key : candidates) {
      try {
        JWSVerifier verifier = verifierFactory.createJWSVerifier(header, key);
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        LOG.debug("signature check of a token of issuer {} failed with {}", config.issuer(), e.getClass().getName());
      }
    }
    return false;
  }

  private TokenRejectedException claimRejection(BadJWTException e, JWTClaimsSet claims) {
    // DefaultJWTClaimsVerifier reports by message only (except expiry); these prefixes are its stable texts,
    // and a test per reason guards them.
    String m = String.valueOf(e.getMessage());
    if (m.startsWith("JWT before use time")) {
      return reject(TokenRejectionReason.NOT_YET_VALID, "the token is not valid before " + instant(claims.getNotBeforeTime())
          + " (claim 'nbf'), more than the allowed clock skew of " + skewMillis / 1000 + " s from now");
    }
    if (m.startsWith("JWT missing required aud")) {
      return reject(TokenRejectionReason.MISSING_CLAIM, "claim 'aud' is required; accepted audiences: "
          + config.audiences());
    }
    if (m.startsWith("JWT missing required claims")) {
      return reject(TokenRejectionReason.MISSING_CLAIM, "claim 'exp' is required: tokens without expiry are refused");
    }
    if (m.startsWith("JWT aud claim rejected")) {
      return reject(TokenRejectionReason.WRONG_AUDIENCE, "claim 'aud' names none of the accepted audiences "
          + config.audiences());
    }
    if (m.contains("iss claim")) {
      return reject(TokenRejectionReason.UNTRUSTED_ISSUER, "claim 'iss' does not match the trusted issuer");
    }
    return reject(TokenRejectionReason.INVALID_CLAIM, "the claims were refused by the issuer's claim rules");
  }

  private static String instant(@Nullable Date d) {
    return d == null ? "(absent)" : Instant.ofEpochMilli(d.getTime()).toString();
  }

  private TokenRejectedException reject(TokenRejectionReason reason, String message) {
    return new TokenRejectedException(reason, config.issuer(), message + " [issuer " + config.issuer() + "]", null);
  }

  @Override
  public void close() throws IOException {
    jwks.close();
  }

  /** The JWKS fetching and caching settings of a validator, in milliseconds and bytes. */
  record JwksSettings(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimitBytes, long cacheTtlMillis,
      long refreshTimeoutMillis, long refreshAheadMillis, long refreshMinIntervalMillis, long outageGraceMillis) {}
}
