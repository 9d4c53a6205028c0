package com.algosure.authz.token;

import static com.algosure.authz.internal.Nullness.castToNonNull;
import static com.algosure.authz.internal.Options.once;

import com.algosure.authz.Actor;
import com.algosure.authz.IdentitySignals;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates bearer access tokens (compact JWS) of one or more {@link TrustedIssuer}s and maps them to an
 * {@link Actor} with a {@link KeycloakMapping}.
 *
 * <p>A token is accepted only if all of these hold, checked in this order; the first that fails is the
 * {@link TokenRejectionReason} of the {@link TokenRejectedException}:
 *
 * <ol>
 *   <li>it is no longer than the maximum token size (default 16 KiB), checked before any parsing;
 *   <li>it is exactly three parts of strict Base64URL (RFC 7515 §2: {@code [A-Za-z0-9_-]}, no padding, no
 *       whitespace, canonically encoded, non-empty header and payload), so that a token has one accepted string
 *       only (one per signature: an ECDSA signature (r, s) has a second valid form (r, n − s), so an {@code ES*}
 *       token has two; revoke tokens by {@code jti}, never by their text); whitespace around the token is not removed (that is the HTTP layer's job: RFC 6750's
 *       {@code b64token});
 *   <li>it is a compact JWS: never {@code alg: none} (unsecured) and never encrypted, and a {@code crit} header it
 *       has is a non-empty list (RFC 7515 §4.1.11 forbids producers an empty one; refused as {@code MALFORMED});
 *   <li>its payload is a JSON object whose registered claims are well typed: {@code exp}, {@code nbf} and
 *       {@code iat} JSON numbers from 0 to the end of the year 9999, {@code aud} a string or an array of strings,
 *       {@code iss}, {@code sub} and {@code jti} strings, {@code cnf} an object, {@code act} (and every {@code act}
 *       nested in it) an object with a string {@code sub} (checked on the payload before any of them is used, so before
 *       the issuer is looked up: a refusal here is {@code MALFORMED}, whatever else is wrong with the token);
 *   <li>its {@code iss} names a trusted issuer, matched exactly; an untrusted issuer costs no network call;
 *   <li>its header: {@code alg} in the issuer's allow-list (HMAC and {@code none} cannot be allowed), no
 *       {@code crit} extension nor {@code b64: false} (RFC 7797), {@code typ} one of the issuer's header types;
 *   <li>its key: chosen from the issuer's JWKS by {@code kid}, {@code use} = {@code sig} and {@code key_ops} (if the
 *       key states them) including {@code verify}, never one marked {@code revoked} nor one whose JWK {@code exp}
 *       has passed on the validator's clock, never one published with
 *       its private half nor an RSA key of fewer than 2048 bits (RFC 7518 §3.3). The header's
 *       {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never fetched nor used. The JWKS is cached,
 *       refreshed ahead of expiry, refreshed on an unknown {@code kid} or on a token without {@code kid} that no
 *       held key verifies (an issuer that omits {@code kid} rotated its key) at most twice per refresh interval, and
 *       while the JWKS endpoint fails the keys held stay usable for the outage grace period;
 *   <li>its signature verifies with that key;
 *   <li>its claims: {@code exp} required and not past, {@code nbf} and {@code iat} not in the future, all within
 *       the clock skew (default 60 s) of the injected clock (a token is refused from {@code exp} plus the skew on,
 *       and accepted from {@code nbf} or {@code iat} minus the skew on, both inclusive: RFC 7519 §4.1.4, §4.1.5);
 *       {@code aud} (string or array) names an accepted audience; the token is valid for no longer than the issuer's
 *       maximum token lifetime; the body claim {@code typ} is the issuer's (Keycloak: {@code Bearer}, so ID tokens
 *       are refused);
 *   <li>it is a bearer token: a token with a {@code cnf} claim is sender-constrained (bound to the client's
 *       certificate, {@code x5t#S256}, RFC 8705; to its key, {@code jkt}, RFC 9449; or by another confirmation
 *       method), and this validator cannot check the proof of possession, so it is refused ({@code WRONG_TYPE}),
 *       unless the issuer {@linkplain TrustedIssuer.Builder#allowCertificateBoundTokens() allows certificate-bound
 *       tokens} because a gateway in front of the service checks the certificate binding;
 *   <li>the mapping can make an actor of it (see {@link KeycloakMapping#map}).
 * </ol>
 *
 * <p>Validated tokens are cached by the SHA-256 of the token (never the token itself), bounded in size and age,
 * and never past {@code exp} plus the skew; a cached token costs a hash and a map lookup. A cached token counts only
 * while the clock is less than the maximum age away from its validation, on either side (a clock stepped back does not
 * stretch the age), and not before its {@code nbf} or {@code iat} minus the skew; else it is validated afresh. No
 * message, log line or {@code toString} contains the token.
 *
 * <p><b>Time.</b> Every expiry, skew and cache TTL reads the injected {@link Clock}, including nimbus's JWKS cache,
 * rate limit and outage tolerance (their time is passed in by this validator). The JWKS HTTP timeouts are real
 * time.
 *
 * <p><b>Outage grace.</b> nimbus re-caches the keys it falls back on for one more JWKS cache TTL, so during an
 * outage the held keys are used for at least the grace period after the cache expired and at most one cache TTL
 * longer.
 *
 * <pre>{@code
 * AccessTokenValidator validator = AccessTokenValidator.builder()
 *     .issuer(TrustedIssuer.builder("https://sso.example.com/realms/algosure")
 *         .jwksUri(URI.create("https://sso.example.com/realms/algosure/protocol/openid-connect/certs"))
 *         .audiences("filings-api")
 *         .build())
 *     .mapping(KeycloakMapping.fromJson(in))
 *     .build();
 * Actor actor = validator.authenticate(bearerToken);
 * }</pre>
 *
 * <p>Thread-safe; build once and share. {@link #close()} stops the JWKS refresh threads.
 *
 * @since 0.1.0
 */
public final class AccessTokenValidator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AccessTokenValidator.class);

  /** The default maximum token size: 16 KiB. */
  public static final int DEFAULT_MAX_TOKEN_SIZE = 16 * 1024;
  /** The default clock skew allowed for {@code exp}, {@code nbf} and {@code iat}. */
  public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

  private static final String BEARER = "Bearer ";

  private final Map<String, IssuerVerifier> issuers;
  /** Each prefixed issuer's {@code prefix:}: an unprefixed issuer's actor id must start with none of them. */
  private final List<String> actorIdPrefixes;
  private final Clock clock;
  private final int maxTokenSize;
  private final long skewMillis;
  private final long cacheMaxAgeMillis;
  private final @Nullable Cache<TokenKey, Cached> cache;
  private final @Nullable ExecutorService ownedRefreshExecutor;

  private AccessTokenValidator(Builder b) {
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.maxTokenSize = b.maxTokenSize == null ? DEFAULT_MAX_TOKEN_SIZE : b.maxTokenSize;
    Duration skew = b.clockSkew == null ? DEFAULT_CLOCK_SKEW : b.clockSkew;
    this.skewMillis = skew.toMillis();
    Duration cacheTtl = or(b.jwksCacheTtl, Duration.ofMinutes(5));
    Duration connect = or(b.jwksConnectTimeout, Duration.ofSeconds(2));
    Duration read = or(b.jwksReadTimeout, Duration.ofSeconds(2));
    IssuerVerifier.JwksSettings jwks = new IssuerVerifier.JwksSettings(
        (int) connect.toMillis(), (int) read.toMillis(),
        b.jwksMaxSize == null ? 64 * 1024 : b.jwksMaxSize,
        cacheTtl.toMillis(),
        connect.plus(read).plusSeconds(1).toMillis(),
        or(b.jwksRefreshAhead, Duration.ofSeconds(30)).toMillis(),
        or(b.jwksRefreshMinInterval, Duration.ofSeconds(30)).toMillis(),
        or(b.jwksOutageGrace, Duration.ofMinutes(30)).toMillis());
    ExecutorService refresh = b.refreshExecutor;
    if (refresh == null && jwks.refreshAheadMillis() > 0) {
      // a cached pool that, once close() stopped it, drops the refresh a validation would start instead of throwing
      // out of that validation: the keys held and the refresh in the validating thread at expiry serve on
      refresh = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
          daemonThreads(), new ThreadPoolExecutor.DiscardPolicy());
      this.ownedRefreshExecutor = refresh;
    } else {
      this.ownedRefreshExecutor = null;
    }
    KeycloakMapping mapping = b.mapping == null ? KeycloakMapping.defaults() : b.mapping;
    Map<String, IssuerVerifier> map = new HashMap<>();
    for (TrustedIssuer issuer : b.issuers.values()) {
      map.put(issuer.issuer(), new IssuerVerifier(issuer, mapping, jwks, refresh, clock, (int) skew.toSeconds()));
    }
    this.issuers = Map.copyOf(map);
    this.actorIdPrefixes = b.issuers.values().stream()
        .flatMap(i -> i.actorIdPrefix().stream()).map(p -> p + ":").toList();

    long cacheSize = b.tokenCacheMaximumSize == null ? 10_000 : b.tokenCacheMaximumSize;
    Duration maxAge = or(b.tokenCacheMaximumAge, Duration.ofMinutes(5));
    this.cacheMaxAgeMillis = maxAge.toMillis();
    long maxAgeNanos = maxAge.toNanos();
    long skewNanos = TimeUnit.MILLISECONDS.toNanos(skewMillis);
    Clock c = this.clock;
    this.cache = cacheSize == 0 ? null : Caffeine.newBuilder()
        .maximumSize(cacheSize)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(c.millis()))
        .executor(Runnable::run)
        .expireAfter(new Expiry<TokenKey, Cached>() {
          @Override
          public long expireAfterCreate(TokenKey key, Cached value, long currentTime) {
            long untilRejected = TimeUnit.SECONDS.toNanos(value.token().expiresAt().getEpochSecond()) + skewNanos
                - currentTime;
            return Math.max(0, Math.min(untilRejected, maxAgeNanos));
          }

          @Override
          public long expireAfterUpdate(TokenKey key, Cached value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
          }

          @Override
          public long expireAfterRead(TokenKey key, Cached value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  private static Duration or(@Nullable Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "algosure-jwks-refresh-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Validates a bearer token and maps it to an actor.
   *
   * @param bearer the compact JWS, with or without the {@code "Bearer "} prefix of an Authorization header
   * @return the verified claims and the actor
   * @throws TokenRejectedException if the token is refused; its reason says why and its message never contains
   *     the token
   */
  public AuthenticatedToken validate(String bearer) {
    if (bearer == null || bearer.isEmpty()) {
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED, "no token was presented; send an access token");
    }
    // the token starts after an optional "Bearer " (ASCII, so char and byte offsets agree); no substring on a hit
    int start = bearer.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? BEARER.length() : 0;
    int length = bearer.length() - start;
    if (length > maxTokenSize) {
      throw new TokenRejectedException(TokenRejectionReason.TOO_LARGE, "the token has " + length
          + " characters, more than the maximum of " + maxTokenSize + "; it was not parsed");
    }
    Cache<TokenKey, Cached> c = cache;
    TokenKey key = null;
    if (c != null) {
      key = TokenKey.of(bearer, start); // null for a string with a non-ASCII character: no JWS, never cached
    }
    if (key != null) {
      Cache<TokenKey, Cached> cached = castToNonNull(c); // a key is made above only with a cache
      Cached hit = cached.getIfPresent(key);
      if (hit != null) {
        long now = clock.millis();
        if (now >= hit.rejectedFrom()) {
          cached.invalidate(key);
          throw expired(hit.token().issuer(), hit.token().expiresAt());
        }
        // the cache's own expiry reads the same clock, so after a step back it keeps an entry longer: the age is
        // judged here, on either side of the validation, and so are nbf and iat, as a fresh validation would
        if (now >= hit.acceptedFrom() && now - hit.validatedAt() < cacheMaxAgeMillis
            && hit.validatedAt() - now < cacheMaxAgeMillis) {
          return hit.token();
        }
        cached.invalidate(key); // validated afresh below, at this time
      }
    }
    String token = start == 0 ? bearer : bearer.substring(start);
    Cached validated;
    try {
      validated = verify(token, clock.millis());
    } catch (TokenRejectedException e) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("access token rejected: {} (issuer {})", e.reason(), e.issuer().orElse("unknown"));
      }
      throw e;
    } catch (RuntimeException e) {
      // fail closed on anything unforeseen; neither the message nor the cause goes out: either may quote the token
      LOG.warn("access token refused: validation failed unexpectedly with {}", e.getClass().getName());
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED,
          "the token could not be validated (" + e.getClass().getSimpleName() + "), so it is refused");
    }
    if (key != null) {
      castToNonNull(c).put(key, validated); // a key is made above only with a cache
    }
    return validated.token();
  }

  /**
   * A validated token as cached.
   *
   * @param validatedAt the clock's time when its validation started: the cache's maximum age counts from it, both ways
   * @param acceptedFrom the first time its {@code nbf}, {@code iat} and (without {@code iat}) lifetime allow
   * @param rejectedFrom {@code exp} plus the skew
   */
  private record Cached(AuthenticatedToken token, long validatedAt, long acceptedFrom, long rejectedFrom) {}

  /**
   * Validates a bearer token and returns only the actor: {@code validate(bearer).actor()}.
   *
   * @param bearer the compact JWS, with or without the {@code "Bearer "} prefix
   * @return the user or service account
   * @throws TokenRejectedException if the token is refused
   */
  public Actor authenticate(String bearer) {
    return validate(bearer).actor();
  }

  /** @return the issuers this validator trusts, by exact {@code iss} value */
  public List<String> trustedIssuers() {
    return List.copyOf(issuers.keySet());
  }

  /** @return the clock skew allowed for {@code exp}, {@code nbf} and {@code iat} */
  public Duration clockSkew() {
    return Duration.ofMillis(skewMillis);
  }

  private Cached verify(String token, long validatedAt) {
    // only here, where a token is validated for the first time: a cache hit is a string that passed this before
    CompactJws.requireStrict(token);
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED,
          "the token is not a compact JWS (three Base64URL parts: header.payload.signature, with a JSON header)");
    }
    if (parsed instanceof PlainJWT) {
      throw new TokenRejectedException(TokenRejectionReason.ALGORITHM_NOT_ALLOWED,
          "header 'alg' is 'none': unsecured tokens are never accepted");
    }
    if (parsed instanceof EncryptedJWT || !(parsed instanceof SignedJWT jwt)) {
      throw new TokenRejectedException(TokenRejectionReason.ALGORITHM_NOT_ALLOWED,
          "the token is encrypted (JWE); only signed access tokens (JWS) are accepted");
    }
    if (jwt.getState() != JWSObject.State.SIGNED) {
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED, "the token has no signature part");
    }
    java.util.Set<String> crit = jwt.getHeader().getCriticalParams();
    if (crit != null && crit.isEmpty()) {
      // RFC 7515 §4.1.11: producers MUST NOT use the empty list; no conforming issuer made this header
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED, "header 'crit' is an empty list, which RFC 7515"
          + " §4.1.11 forbids; the issuer must omit 'crit' or name the extensions in it");
    }
    Map<String, Object> payload = jwt.getPayload().toJSONObject();
    if (payload == null) {
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED, "the payload is not a JSON object");
    }
    RegisteredClaims.requireWellTyped(payload); // exp, nbf, iat and aud, before nimbus reads them
    JWTClaimsSet unverified;
    try {
      unverified = JWTClaimsSet.parse(payload);
    } catch (ParseException | RuntimeException e) {
      throw new TokenRejectedException(TokenRejectionReason.MALFORMED,
          "the payload is not a JSON object with well-typed registered claims (iss, sub, aud, exp, nbf, iat)");
    }
    String iss = unverified.getIssuer();
    if (iss == null) {
      throw new TokenRejectedException(TokenRejectionReason.MISSING_CLAIM, "claim 'iss' is required");
    }
    IssuerVerifier issuer = issuers.get(iss);
    if (issuer == null) {
      throw new TokenRejectedException(TokenRejectionReason.UNTRUSTED_ISSUER, null,
          "claim 'iss' " + Printable.of(iss) + " is not a trusted issuer; trusted: " + new java.util.TreeSet<>(issuers.keySet()),
          null);
    }
    JWTClaimsSet claims = issuer.verify(jwt, unverified); // verified from here on: the signature covers the payload
    Instant exp = claims.getExpirationTime().toInstant();
    Map<String, Object> json = Claims.of(claims); // the one copy: AuthenticatedToken keeps it as it is
    MappedIdentity identity = issuer.mapping().map(json, exp.plusMillis(issuer.skewMillis()));
    String subject = claims.getSubject() != null ? claims.getSubject() : identity.actor().id();
    List<String> aud = claims.getAudience();
    AuthenticatedToken validated = new AuthenticatedToken(subject, iss, Set.copyOf(aud), exp, json,
        actorOf(issuer, identity.actor()), identity.tenantHints());
    return new Cached(validated, validatedAt, issuer.acceptedFromMillis(claims),
        exp.toEpochMilli() + issuer.skewMillis());
  }

  /**
   * The mapped actor under the issuer's actor id prefix, if it has one. An issuer without one must not name an
   * actor inside another issuer's prefix: its user {@code partner:alice} would be the partner realm's alice.
   */
  private Actor actorOf(IssuerVerifier issuer, Actor mapped) {
    String prefix = issuer.actorIdPrefix();
    // the impersonator is a user of the same realm: named as its actors are (see IdentitySignals.impersonator)
    String impersonator = mapped.signals().impersonator().orElse(null);
    if (prefix == null) {
      for (String other : actorIdPrefixes) {
        refuseInPrefix("actor id", mapped.id(), "", other, issuer);
        if (impersonator != null) {
          refuseInPrefix("impersonator id", impersonator, " (claim 'impersonator' or 'act')", other, issuer);
        }
      }
      return mapped;
    }
    String id = prefix + ":" + mapped.id();
    try {
      IdentitySignals signals = impersonator == null ? mapped.signals()
          : mapped.signals().withImpersonator(prefix + ":" + impersonator);
      List<String> prior = signals.priorActors();
      if (!prior.isEmpty()) { // the earlier parties of a delegation chain are the realm's too
        List<String> prefixed = new java.util.ArrayList<>(prior.size());
        for (String p : prior) {
          prefixed.add(prefix + ":" + p);
        }
        signals = signals.withPriorActors(prefixed);
      }
      if (mapped instanceof Actor.ServiceAccount) {
        return Actor.serviceAccount(id, signals);
      }
      if (mapped instanceof Actor.User) {
        return Actor.user(id, signals);
      }
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer.issuer(), "the token's actor id"
          + (impersonator == null ? "" : " or an acting party's id") + " with the issuer's prefix '" + prefix
          + ":' is not a valid id: " + e.getMessage() + " [issuer "
          + issuer.issuer() + "]", null);
    }
    throw new IllegalStateException("the mapping made an actor of kind " + mapped.getClass().getSimpleName());
  }

  /**
   * Refuses an id of an unprefixed issuer's token that starts with another issuer's actor id prefix, ignoring case (a
   * directory that compares ids so would take PARTNER:alice for partner:alice): it would be taken for that issuer's.
   *
   * @param what which id, as the message names it
   * @param where what the message says after the id: its claim, if named
   */
  private static void refuseInPrefix(String what, String id, String where, String prefix, IssuerVerifier issuer) {
    if (id.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer.issuer(), "the token's " + what + " "
          + Printable.of(id) + where + " starts with '" + prefix + "', the actor id prefix of another trusted issuer,"
          + " so it would be taken for that issuer's; refused [issuer " + issuer.issuer() + "]", null);
    }
  }

  private static TokenRejectedException expired(String issuer, Instant exp) {
    return new TokenRejectedException(TokenRejectionReason.EXPIRED, issuer, "the token expired at " + exp
        + " (claim 'exp'), more than the allowed clock skew ago; obtain a new token [issuer " + issuer + "]", null);
  }

  /**
   * Stops the JWKS refresh threads this validator started and closes the JWKS sources. Validation keeps working
   * with the keys held and the cache, but no refresh ahead of expiry runs any more.
   */
  @Override
  public void close() {
    for (IssuerVerifier v : issuers.values()) {
      try {
        v.close();
      } catch (IOException | RuntimeException e) {
        LOG.debug("closing the JWKS source of issuer {} failed: {}", v.issuer(), e.getClass().getName());
      }
    }
    if (ownedRefreshExecutor != null) {
      ownedRefreshExecutor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "AccessTokenValidator[issuers=" + new java.util.TreeSet<>(issuers.keySet()) + ", clockSkew="
        + Duration.ofMillis(skewMillis) + ", maxTokenSize=" + maxTokenSize + "]";
  }

  /**
   * Builds an {@link AccessTokenValidator}. Each method checks its argument at once and refuses to be called twice;
   * {@link #build()} checks the rules between options. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    private @Nullable KeycloakMapping mapping;
    private @Nullable Clock clock;
    private @Nullable Duration clockSkew;
    private @Nullable Integer maxTokenSize;
    private @Nullable Duration jwksCacheTtl;
    private @Nullable Duration jwksRefreshAhead;
    private @Nullable Duration jwksRefreshMinInterval;
    private @Nullable Duration jwksOutageGrace;
    private @Nullable Duration jwksConnectTimeout;
    private @Nullable Duration jwksReadTimeout;
    private @Nullable Integer jwksMaxSize;
    private @Nullable Long tokenCacheMaximumSize;
    private @Nullable Duration tokenCacheMaximumAge;
    private @Nullable ExecutorService refreshExecutor;

    private Builder() {}

    /**
     * Trusts an issuer. Call once per issuer (for Keycloak, per realm).
     *
     * @param issuer the issuer
     * @return this builder
     * @throws IllegalArgumentException if an issuer with the same {@code iss} is already trusted
     */
    public Builder issuer(TrustedIssuer issuer) {
      Objects.requireNonNull(issuer, "issuer");
      if (issuers.containsKey(issuer.issuer())) {
        throw new IllegalArgumentException("issuer " + issuer.issuer() + " is already trusted");
      }
      issuers.put(issuer.issuer(), issuer);
      return this;
    }

    /**
     * Sets the mapping of claims to actors for issuers without their own (default {@link KeycloakMapping#defaults()}).
     *
     * @param mapping the mapping
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mapping(KeycloakMapping mapping) {
      Objects.requireNonNull(mapping, "mapping");
      once(this.mapping, "mapping");
      this.mapping = mapping;
      return this;
    }

    /**
     * Sets the clock every expiry, skew and cache TTL reads (default {@link Clock#systemUTC()}).
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      Objects.requireNonNull(clock, "clock");
      once(this.clock, "clock");
      this.clock = clock;
      return this;
    }

    /**
     * Sets the clock skew allowed for {@code exp}, {@code nbf} and {@code iat} (default 60 s).
     *
     * @param skew whole seconds, from 0 to 10 minutes
     * @return this builder
     * @throws IllegalArgumentException if out of range or not whole seconds
     * @throws IllegalStateException if already set
     */
    public Builder clockSkew(Duration skew) {
      Objects.requireNonNull(skew, "skew");
      once(this.clockSkew, "clockSkew");
      if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(10)) > 0 || skew.getNano() != 0) {
        throw new IllegalArgumentException("clockSkew must be whole seconds from 0 to 10 minutes, was " + skew);
      }
      this.clockSkew = skew;
      return this;
    }

    /**
     * Sets the maximum token size in characters, checked before any parsing (default 16 KiB).
     *
     * @param characters from 1024 to 1 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder maxTokenSize(int characters) {
      once(this.maxTokenSize, "maxTokenSize");
      if (characters < 1024 || characters > 1024 * 1024) {
        throw new IllegalArgumentException("maxTokenSize must be from 1024 to 1048576 characters, was " + characters);
      }
      this.maxTokenSize = characters;
      return this;
    }

    /**
     * Sets how long a fetched JWKS is used before it is fetched again (default 5 minutes).
     *
     * @param ttl at least 1 second
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 second
     * @throws IllegalStateException if already set
     */
    public Builder jwksCacheTtl(Duration ttl) {
      once(this.jwksCacheTtl, "jwksCacheTtl");
      this.jwksCacheTtl = atLeast("jwksCacheTtl", ttl, Duration.ofSeconds(1));
      return this;
    }

    /**
     * Sets how long before the JWKS cache expires a use of it starts a refresh in the background (default 30 s;
     * zero turns refresh-ahead off).
     *
     * @param refreshAhead zero or more, shorter than the cache TTL
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder jwksRefreshAhead(Duration refreshAhead) {
      once(this.jwksRefreshAhead, "jwksRefreshAhead");
      this.jwksRefreshAhead = atLeast("jwksRefreshAhead", refreshAhead, Duration.ZERO);
      return this;
    }

    /**
     * Sets the rate limit of JWKS fetches: at most two per interval (an unknown {@code kid} storm, or a storm of
     * tokens without {@code kid} that no held key verifies, costs two requests, not one per token). Default 30 s.
     *
     * @param interval at least 1 second, shorter than the cache TTL
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 second
     * @throws IllegalStateException if already set
     */
    public Builder jwksRefreshMinInterval(Duration interval) {
      once(this.jwksRefreshMinInterval, "jwksRefreshMinInterval");
      this.jwksRefreshMinInterval = atLeast("jwksRefreshMinInterval", interval, Duration.ofSeconds(1));
      return this;
    }

    /**
     * Sets how long after the JWKS cache expired the keys held are still used while the JWKS endpoint fails
     * (default 30 minutes; zero: an outage rejects new tokens as soon as the cache expires). The keys fallen back on
     * are cached again for one JWKS cache TTL, so they are used for at most that TTL longer: never later than the
     * cache TTL, this grace and the cache TTL again after the last successful fetch.
     *
     * @param grace zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder jwksOutageGrace(Duration grace) {
      once(this.jwksOutageGrace, "jwksOutageGrace");
      this.jwksOutageGrace = atLeast("jwksOutageGrace", grace, Duration.ZERO);
      return this;
    }

    /**
     * Sets the connect timeout of a JWKS fetch (default 2 s).
     *
     * @param timeout from 1 ms to 1 minute
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder jwksConnectTimeout(Duration timeout) {
      once(this.jwksConnectTimeout, "jwksConnectTimeout");
      this.jwksConnectTimeout = timeout("jwksConnectTimeout", timeout);
      return this;
    }

    /**
     * Sets the read timeout of a JWKS fetch (default 2 s). It bounds each read; a whole fetch, host name lookup and
     * connection included, is given the connect and the read timeout together: a JWKS (or its headers) trickling in
     * slower fails then, its connection closed, and a validation waits no longer for a lookup that hangs.
     *
     * @param timeout from 1 ms to 1 minute
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder jwksReadTimeout(Duration timeout) {
      once(this.jwksReadTimeout, "jwksReadTimeout");
      this.jwksReadTimeout = timeout("jwksReadTimeout", timeout);
      return this;
    }

    /**
     * Sets the largest JWKS document accepted (default 64 KiB); a larger one is a failed fetch.
     *
     * @param bytes from 1 KiB to 10 MiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder jwksMaxSize(int bytes) {
      once(this.jwksMaxSize, "jwksMaxSize");
      if (bytes < 1024 || bytes > 10 * 1024 * 1024) {
        throw new IllegalArgumentException("jwksMaxSize must be from 1024 to 10485760 bytes, was " + bytes);
      }
      this.jwksMaxSize = bytes;
      return this;
    }

    /**
     * Sets how many validated tokens are cached (default 10,000; zero turns the cache off).
     *
     * @param size zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder tokenCacheMaximumSize(long size) {
      once(this.tokenCacheMaximumSize, "tokenCacheMaximumSize");
      if (size < 0) {
        throw new IllegalArgumentException("tokenCacheMaximumSize must not be negative, was " + size);
      }
      this.tokenCacheMaximumSize = size;
      return this;
    }

    /**
     * Sets how long a validated token stays cached at most, even if it expires later (default 5 minutes). It
     * bounds how long a token signed by a key that was since withdrawn from the JWKS is still accepted: a cached token
     * counts only while the clock is less than this away from when it was validated, either way, so a clock stepped
     * back does not stretch it.
     *
     * @param age at least 1 second
     * @return this builder
     * @throws IllegalArgumentException if shorter than 1 second
     * @throws IllegalStateException if already set
     */
    public Builder tokenCacheMaximumAge(Duration age) {
      once(this.tokenCacheMaximumAge, "tokenCacheMaximumAge");
      this.tokenCacheMaximumAge = atLeast("tokenCacheMaximumAge", age, Duration.ofSeconds(1));
      return this;
    }

    /** Runs JWKS refresh-ahead on this executor instead of the validator's own threads (tests). */
    Builder jwksRefreshExecutor(ExecutorService executor) {
      once(this.refreshExecutor, "jwksRefreshExecutor");
      this.refreshExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Builds the validator. No network call is made until the first token of an issuer is validated.
     *
     * @return the validator
     * @throws IllegalStateException if no issuer is trusted, or the JWKS refresh interval or refresh-ahead time is
     *     not shorter than the JWKS cache TTL
     */
    public AccessTokenValidator build() {
      if (issuers.isEmpty()) {
        throw new IllegalStateException("at least one issuer must be trusted: call issuer(TrustedIssuer)");
      }
      requireDistinctActorIds();
      Duration ttl = or(jwksCacheTtl, Duration.ofMinutes(5));
      Duration interval = or(jwksRefreshMinInterval, Duration.ofSeconds(30));
      Duration ahead = or(jwksRefreshAhead, Duration.ofSeconds(30));
      if (interval.compareTo(ttl) >= 0) {
        throw new IllegalStateException("jwksRefreshMinInterval (" + interval + ") must be shorter than jwksCacheTtl ("
            + ttl + ")");
      }
      if (ahead.compareTo(ttl) >= 0) {
        throw new IllegalStateException("jwksRefreshAhead (" + ahead + ") must be shorter than jwksCacheTtl (" + ttl + ")");
      }
      return new AccessTokenValidator(this);
    }

    /**
     * Several issuers name their users and clients independently: all but one must prefix their actor ids, each with
     * its own prefix, or a user or client of one would be taken for another's with the same id.
     */
    private void requireDistinctActorIds() {
      List<String> unprefixed = new java.util.ArrayList<>();
      Map<String, String> byPrefix = new HashMap<>();
      for (TrustedIssuer i : issuers.values()) {
        String prefix = i.actorIdPrefix().orElse(null);
        if (prefix == null) {
          unprefixed.add(i.issuer());
        } else if (byPrefix.putIfAbsent(prefix.toLowerCase(java.util.Locale.ROOT), i.issuer()) != null) {
          throw new IllegalStateException("issuers " + byPrefix.get(prefix.toLowerCase(java.util.Locale.ROOT)) + " and "
              + i.issuer() + " have the same actor id prefix '" + prefix + "' (ignoring case): give each issuer its own,"
              + " or their users and clients share ids");
        }
      }
      if (issuers.size() > 1) {
        for (TrustedIssuer i : issuers.values()) {
          if (i.actorIdPrefix().isPresent() && i.mapping().isEmpty()) {
            throw new IllegalStateException("issuer " + i.issuer() + " (actor id prefix '" + i.actorIdPrefix().get()
                + "') has no mapping of its own, so the validator's would turn the roles its administrators assign"
                + " (a platform role, say) into the same Algosure roles as the home realm's: give it"
                + " TrustedIssuer.Builder.mapping(...), the same mapping only if that realm is trusted as much");
          }
        }
      }
      if (unprefixed.size() > 1) {
        throw new IllegalStateException("issuers " + String.join(" and ", unprefixed) + " both map their tokens to"
            + " actor ids as they are, so a user or client of one would be taken for the other's with the same id"
            + " (a partner realm's client 'billing-worker', say): give all of them but the home realm an actor id"
            + " prefix (TrustedIssuer.Builder.actorIdPrefix(\"partner\"); the directory then knows that realm's"
            + " users as partner:<subject>)");
      }
    }

    private static Duration atLeast(String option, Duration value, Duration min) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(option + " must be at least " + min + ", was " + value);
      }
      return value;
    }

    private static Duration timeout(String option, Duration value) {
      Objects.requireNonNull(value, option);
      if (value.toMillis() < 1 || value.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(option + " must be from 1 ms to 1 minute, was " + value);
      }
      return value;
    }
  }
}
