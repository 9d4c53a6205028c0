package com.algosure.authz.token;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One issuer (for Keycloak: one realm) whose access tokens an {@link AccessTokenValidator} accepts: the exact
 * {@code iss} value, where its public keys are (JWKS), which audiences and algorithms it may use, which token
 * types count as access tokens, and optionally its own {@link KeycloakMapping}.
 *
 * <p>Defaults: algorithms {@code RS256}, {@code PS256}, {@code ES256}; header {@code typ} {@code JWT} or
 * {@code at+jwt} and required (compared as media types, RFC 7515 §4.1.9: ignoring case and an {@code application/}
 * prefix, so {@code application/at+jwt} is {@code at+jwt}); body claim {@code typ} must be {@code Bearer} (Keycloak's access tokens; its ID
 * tokens say {@code ID}); the JWKS URI must be {@code https}; a token may be valid for at most
 * {@link #DEFAULT_MAX_TOKEN_LIFETIME 24 hours} ({@code exp} minus {@code iat}).
 *
 * <pre>{@code
 * TrustedIssuer realm = TrustedIssuer.builder("https://sso.example.com/realms/algosure")
 *     .jwksUri(URI.create("https://sso.example.com/realms/algosure/protocol/openid-connect/certs"))
 *     .audiences("filings-api")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class TrustedIssuer {

  /** The algorithms an issuer may use unless configured otherwise. */
  public static final Set<SigningAlgorithm> DEFAULT_ALGORITHMS =
      Set.of(SigningAlgorithm.RS256, SigningAlgorithm.PS256, SigningAlgorithm.ES256);

  /** The header {@code typ} values an access token may carry unless configured otherwise. */
  public static final Set<String> DEFAULT_HEADER_TYPES = Set.of("JWT", "at+jwt");

  /**
   * The longest an access token may be valid ({@code exp} minus {@code iat}) unless configured otherwise: 24 hours.
   * Keycloak issues access tokens for minutes (its default lifespan is 5 minutes); a token valid for longer is
   * not a short-lived credential, and nothing but its expiry would ever end it.
   */
  public static final Duration DEFAULT_MAX_TOKEN_LIFETIME = Duration.ofHours(24);

  /** The body claim {@code typ} Keycloak puts in access tokens. */
  public static final String DEFAULT_TYP_CLAIM = "Bearer";

  private final String issuer;
  private final URI jwksUri;
  private final Set<String> audiences;
  private final Set<SigningAlgorithm> algorithms;
  private final Set<String> headerTypes;
  private final boolean missingHeaderTypeAllowed;
  private final @Nullable String typClaim;
  private final @Nullable KeycloakMapping mapping;
  private final Duration maxTokenLifetime;
  private final @Nullable String actorIdPrefix;
  private final boolean certificateBoundTokensAllowed;

  private TrustedIssuer(Builder b, URI jwksUri) {
    this.issuer = b.issuer;
    this.jwksUri = jwksUri;
    this.audiences = Set.copyOf(b.audiences);
    this.algorithms = b.algorithms == null ? DEFAULT_ALGORITHMS : Set.copyOf(b.algorithms);
    this.headerTypes = b.headerTypes == null ? DEFAULT_HEADER_TYPES : Set.copyOf(b.headerTypes);
    this.missingHeaderTypeAllowed = b.missingHeaderTypeAllowed;
    this.typClaim = b.typClaimSet ? b.typClaim : DEFAULT_TYP_CLAIM;
    this.mapping = b.mapping;
    this.maxTokenLifetime = b.maxTokenLifetime == null ? DEFAULT_MAX_TOKEN_LIFETIME : b.maxTokenLifetime;
    this.actorIdPrefix = b.actorIdPrefix;
    this.certificateBoundTokensAllowed = b.certificateBoundTokensAllowed;
  }

  /**
   * Starts a builder.
   *
   * @param issuer the exact {@code iss} value of the issuer's tokens, such as
   *     {@code https://sso.example.com/realms/algosure}
   * @return the builder
   * @throws IllegalArgumentException if the issuer is null or blank
   */
  public static Builder builder(String issuer) {
    return new Builder(issuer);
  }

  /** @return the exact {@code iss} value */
  public String issuer() {
    return issuer;
  }

  /** @return where the issuer publishes its public keys */
  public URI jwksUri() {
    return jwksUri;
  }

  /** @return the audiences a token must name at least one of */
  public Set<String> audiences() {
    return audiences;
  }

  /** @return the algorithms the issuer's tokens may be signed with */
  public Set<SigningAlgorithm> algorithms() {
    return algorithms;
  }

  /** @return the header {@code typ} values accepted */
  public Set<String> headerTypes() {
    return headerTypes;
  }

  /** @return whether a token without a header {@code typ} is accepted */
  public boolean missingHeaderTypeAllowed() {
    return missingHeaderTypeAllowed;
  }

  /** @return the value the body claim {@code typ} must have, if it is checked */
  public Optional<String> typClaim() {
    return Optional.ofNullable(typClaim);
  }

  /**
   * @return the longest an access token of this issuer may be valid: {@code exp} minus {@code iat} (without
   *     {@code iat}: {@code exp} minus now, plus the clock skew); a token valid for longer is refused
   *     ({@link TokenRejectionReason#INVALID_CLAIM})
   */
  public Duration maxTokenLifetime() {
    return maxTokenLifetime;
  }

  /**
   * @return the prefix of the actor ids of this issuer's tokens ({@code prefix:subject}, {@code prefix:client-id}),
   *     if set; see {@link Builder#actorIdPrefix(String)}
   */
  public Optional<String> actorIdPrefix() {
    return Optional.ofNullable(actorIdPrefix);
  }

  /**
   * @return whether a token bound to the client's certificate (claim {@code cnf} with only {@code x5t#S256}, RFC 8705)
   *     is accepted because a gateway in front of the service checks the binding; see
   *     {@link Builder#allowCertificateBoundTokens()}
   */
  public boolean certificateBoundTokensAllowed() {
    return certificateBoundTokensAllowed;
  }

  /** @return this issuer's own mapping, if it does not use the validator's */
  public Optional<KeycloakMapping> mapping() {
    return Optional.ofNullable(mapping);
  }

  /**
   * The JWKS URI as a message or {@code toString} may quote it: scheme, host, port and path, never user info, a query
   * or a fragment (an API gateway's key may be there); an opaque URI or one whose authority is not a host by its
   * scheme only.
   */
  static String quotable(URI uri) {
    if (uri.isOpaque() || uri.getHost() == null && uri.getRawAuthority() != null) {
      return (uri.getScheme() == null ? "" : uri.getScheme() + ":") + "...";
    }
    boolean more = uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null;
    if (!more) {
      return uri.toString();
    }
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + uri.getHost()
        + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + (uri.getRawPath() == null ? "" : uri.getRawPath()) + "?...";
  }

  @Override
  public String toString() {
    return "TrustedIssuer[" + issuer + ", jwks=" + quotable(jwksUri) + ", audiences=" + audiences + ", algorithms="
        + algorithms + (actorIdPrefix == null ? "" : ", actorIdPrefix=" + actorIdPrefix) + "]";
  }

  /**
   * Builds a {@link TrustedIssuer}. Every option may be set once; {@link #build()} checks that the JWKS URI and at
   * least one audience are set. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final String issuer;
    private @Nullable URI jwksUri;
    private final Set<String> audiences = new LinkedHashSet<>();
    private @Nullable Set<SigningAlgorithm> algorithms;
    private @Nullable Set<String> headerTypes;
    private boolean missingHeaderTypeAllowed;
    private @Nullable String typClaim;
    private boolean typClaimSet;
    private @Nullable KeycloakMapping mapping;
    private @Nullable Duration maxTokenLifetime;
    private @Nullable String actorIdPrefix;
    private boolean plainHttpToLoopback;
    private boolean certificateBoundTokensAllowed;

    private Builder(String issuer) {
      if (issuer == null || issuer.isBlank()) {
        throw new IllegalArgumentException("issuer must not be null or blank");
      }
      this.issuer = issuer;
    }

    /**
     * Sets where the issuer publishes its JWKS (for Keycloak {@code <issuer>/protocol/openid-connect/certs}).
     *
     * @param uri an absolute {@code https} URI ({@code http} only to loopback, see
     *     {@link #allowPlainHttpToLoopback()})
     * @return this builder
     * @throws IllegalArgumentException if the URI is not absolute http(s)
     * @throws IllegalStateException if already set
     */
    public Builder jwksUri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      if (jwksUri != null) {
        throw new IllegalStateException("jwksUri was already set to " + quotable(jwksUri));
      }
      if (!uri.isAbsolute() || uri.getHost() == null
          || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new IllegalArgumentException("jwksUri " + quotable(uri) + " must be an absolute https URI with a host");
      }
      jwksUri = uri;
      return this;
    }

    /**
     * Sets the audiences a token must name (in a string or array {@code aud}) at least one of.
     *
     * @param audiences one or more audiences, such as the resource server's client id
     * @return this builder
     * @throws IllegalArgumentException if none is given or one is blank
     * @throws IllegalStateException if already set
     */
    public Builder audiences(String... audiences) {
      Objects.requireNonNull(audiences, "audiences");
      if (!this.audiences.isEmpty()) {
        throw new IllegalStateException("audiences were already set to " + this.audiences);
      }
      if (audiences.length == 0) {
        throw new IllegalArgumentException("audiences must name at least one audience");
      }
      for (String a : audiences) {
        if (a == null || a.isBlank()) {
          throw new IllegalArgumentException("audience must not be null or blank");
        }
        this.audiences.add(a);
      }
      return this;
    }

    /**
     * Sets the algorithms the issuer's tokens may be signed with (default RS256, PS256, ES256). HMAC and
     * {@code none} cannot be named: see {@link SigningAlgorithm}.
     *
     * @param algorithms one or more algorithms
     * @return this builder
     * @throws IllegalArgumentException if none is given
     * @throws IllegalStateException if already set
     */
    public Builder algorithms(SigningAlgorithm... algorithms) {
      Objects.requireNonNull(algorithms, "algorithms");
      if (this.algorithms != null) {
        throw new IllegalStateException("algorithms were already set to " + this.algorithms);
      }
      if (algorithms.length == 0) {
        throw new IllegalArgumentException("algorithms must name at least one algorithm");
      }
      EnumSet<SigningAlgorithm> set = EnumSet.noneOf(SigningAlgorithm.class);
      for (SigningAlgorithm a : algorithms) {
        set.add(Objects.requireNonNull(a, "algorithm"));
      }
      this.algorithms = set;
      return this;
    }

    /**
     * Sets the header {@code typ} values an access token may carry (default {@code JWT} and {@code at+jwt}). A token's
     * {@code typ} matches a value ignoring case and an {@code application/} prefix on either side (RFC 7515 §4.1.9).
     *
     * @param types one or more types
     * @return this builder
     * @throws IllegalArgumentException if none is given or one is blank
     * @throws IllegalStateException if already set
     */
    public Builder headerTypes(String... types) {
      Objects.requireNonNull(types, "types");
      if (headerTypes != null) {
        throw new IllegalStateException("header types were already set to " + headerTypes);
      }
      if (types.length == 0) {
        throw new IllegalArgumentException("header types must name at least one type");
      }
      Set<String> set = new LinkedHashSet<>();
      for (String t : types) {
        if (t == null || t.isBlank()) {
          throw new IllegalArgumentException("header type must not be null or blank");
        }
        set.add(t);
      }
      headerTypes = set;
      return this;
    }

    /**
     * Accepts tokens without a header {@code typ} (some issuers omit it). Off by default.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder allowMissingHeaderType() {
      if (missingHeaderTypeAllowed) {
        throw new IllegalStateException("allowMissingHeaderType was already set");
      }
      missingHeaderTypeAllowed = true;
      return this;
    }

    /**
     * Sets the value the body claim {@code typ} must have (default {@code Bearer}, which refuses Keycloak ID and
     * refresh tokens).
     *
     * @param value the required value
     * @return this builder
     * @throws IllegalArgumentException if the value is blank
     * @throws IllegalStateException if already set, or {@link #noTypClaim()} was called
     */
    public Builder typClaim(String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException("typ claim value must not be null or blank");
      }
      if (typClaimSet) {
        throw new IllegalStateException("typ claim was already set to " + (typClaim == null ? "none" : "'" + typClaim + "'"));
      }
      typClaim = value;
      typClaimSet = true;
      return this;
    }

    /**
     * Does not check the body claim {@code typ}, for issuers that do not set it. Then only the header {@code typ}
     * tells access tokens from other tokens.
     *
     * @return this builder
     * @throws IllegalStateException if already set, or {@link #typClaim(String)} was called
     */
    public Builder noTypClaim() {
      if (typClaimSet) {
        throw new IllegalStateException("typ claim was already set to " + (typClaim == null ? "none" : "'" + typClaim + "'"));
      }
      typClaimSet = true;
      return this;
    }

    /**
     * Sets the longest an access token of this issuer may be valid (default
     * {@link TrustedIssuer#DEFAULT_MAX_TOKEN_LIFETIME 24 hours}): a token whose {@code exp} lies further than this
     * after its {@code iat} (without {@code iat}: after now, plus the clock skew) is refused. Set it to the realm's
     * access token lifespan to refuse any token the realm would not issue.
     *
     * @param lifetime the maximum, positive
     * @return this builder
     * @throws IllegalArgumentException if the lifetime is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder maxTokenLifetime(Duration lifetime) {
      Objects.requireNonNull(lifetime, "lifetime");
      if (maxTokenLifetime != null) {
        throw new IllegalStateException("maxTokenLifetime was already set to " + maxTokenLifetime);
      }
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("maxTokenLifetime must be positive, was " + lifetime);
      }
      maxTokenLifetime = lifetime;
      return this;
    }

    /**
     * Prefixes the actor id of every token of this issuer: its user {@code alice} becomes {@code partner:alice}
     * and its service account {@code billing-worker} becomes {@code partner:billing-worker}, the ids the directory
     * knows them by. Each issuer (realm) names its users and clients itself, so without a prefix a user or client
     * of one realm whose id equals another realm's (a partner realm's client {@code billing-worker}, a user
     * imported with a chosen id) would get that one's tenants, roles and bindings. A validator with several
     * issuers therefore requires a prefix on all of them but one (the home realm, whose ids stay as they are),
     * and refuses a token of that one whose actor id starts with another issuer's prefix and {@code :}. A prefixed
     * issuer also needs its own {@link #mapping(KeycloakMapping)}: with the validator's, a role its administrators
     * assign (a platform role, say) would be the same Algosure role as the home realm's.
     *
     * @param prefix 1 to 32 letters, digits, {@code .}, {@code _} or {@code -}
     * @return this builder
     * @throws IllegalArgumentException if the prefix is not of that form
     * @throws IllegalStateException if already set
     */
    public Builder actorIdPrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (actorIdPrefix != null) {
        throw new IllegalStateException("actorIdPrefix was already set to '" + actorIdPrefix + "'");
      }
      if (!prefix.matches("[A-Za-z0-9._-]{1,32}")) {
        throw new IllegalArgumentException("actorIdPrefix '" + Printable.raw(prefix) + "' of issuer " + issuer
            + " is not valid: use 1 to 32 letters, digits, '.', '_' or '-', such as 'partner'");
      }
      actorIdPrefix = prefix;
      return this;
    }

    /**
     * Uses this mapping for this issuer's tokens instead of the validator's.
     *
     * @param mapping the mapping
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mapping(KeycloakMapping mapping) {
      Objects.requireNonNull(mapping, "mapping");
      if (this.mapping != null) {
        throw new IllegalStateException("mapping was already set");
      }
      this.mapping = mapping;
      return this;
    }

    /**
     * Accepts tokens bound to the client's TLS certificate (RFC 8705: claim {@code cnf} with only the certificate
     * thumbprint {@code x5t#S256}), for a service whose TLS-terminating gateway or proxy checks that binding: that the
     * request came over a mutual-TLS connection whose client certificate has that thumbprint, and refuses it otherwise.
     * The validator sees no TLS connection and checks nothing of the binding; without such a gateway a stolen bound
     * token works from anywhere, as a bearer token would. Off by default: a token with a {@code cnf} claim is refused
     * ({@link TokenRejectionReason#WRONG_TYPE}). Tokens bound to a key ({@code cnf.jkt}, DPoP) or by any other
     * confirmation method stay refused.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     * @since 0.1.0
     */
    public Builder allowCertificateBoundTokens() {
      if (certificateBoundTokensAllowed) {
        throw new IllegalStateException("allowCertificateBoundTokens was already set");
      }
      certificateBoundTokensAllowed = true;
      return this;
    }

    /**
     * Allows a plain {@code http} JWKS URI when its host is loopback ({@code 127.0.0.0/8}, {@code ::1},
     * {@code localhost}): for tests and a local Keycloak only. Other hosts always need {@code https}.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder allowPlainHttpToLoopback() {
      if (plainHttpToLoopback) {
        throw new IllegalStateException("allowPlainHttpToLoopback was already set");
      }
      plainHttpToLoopback = true;
      return this;
    }

    /**
     * @return the trusted issuer
     * @throws IllegalStateException if the JWKS URI or the audiences are missing, or the JWKS URI is plain
     *     {@code http} and not allowed
     */
    public TrustedIssuer build() {
      URI uri = jwksUri;
      if (uri == null) {
        throw new IllegalStateException("issuer " + issuer + ": jwksUri is required");
      }
      if (audiences.isEmpty()) {
        throw new IllegalStateException("issuer " + issuer + ": audiences are required (at least one)");
      }
      if ("http".equalsIgnoreCase(uri.getScheme()) && !(plainHttpToLoopback && isLoopback(uri.getHost()))) {
        throw new IllegalStateException("issuer " + issuer + ": jwksUri " + quotable(uri) + " must use https"
            + (isLoopback(uri.getHost()) ? " (or call allowPlainHttpToLoopback() for a loopback test server)" : ""));
      }
      return new TrustedIssuer(this, uri);
    }

    private static boolean isLoopback(String host) {
      if ("localhost".equalsIgnoreCase(host)) {
        return true;
      }
      String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      // only IP literals are resolved, so this never makes a DNS query
      boolean ipLiteral = literal.indexOf(':') >= 0 || literal.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
      if (!ipLiteral) {
        return false;
      }
      try {
        return InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
  }
}
