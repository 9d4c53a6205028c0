package com.algosure.spring.autoconfigure;

import com.algosure.audit.AuditFailurePolicy;
import com.algosure.authz.token.SigningAlgorithm;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.integration.TransportPolicy;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.InMemoryRateLimitStore;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.ClassUtils;

/**
 * The {@code algosure.*} properties. Checked once bound: a wrong value fails the start-up with an
 * {@link InvalidAlgosureConfigurationException} naming the property and saying what is wrong, and a name that is
 * none of these (a misspelling) fails it too, naming the property left unbound: ignored, it left a default in place,
 * often a wider one than meant (the MFA values, the token lifetime, a provider without its consent scope).
 * Environment variables and system properties are not checked for unknown names.
 *
 * <pre>
 * algosure.issuers[0].issuer-uri=https://sso.example.com/realms/algosure
 * algosure.issuers[0].audiences=filings-api
 * algosure.keycloak.tenant-hint-claims=tenant_id
 * algosure.role-catalog=classpath:algosure/roles.json
 * algosure.providers.authority.endpoint=https://authority.example.com/api/
 * algosure.providers.authority.consent-scope=GOVERNMENT_RECORDS
 * </pre>
 *
 * <p>A mutable JavaBean for Spring's binder; the adapter reads it once, at start-up.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "algosure", ignoreUnknownFields = false)
public class AlgosureProperties implements InitializingBean {

  private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
  private static final String LOOPBACK_ONLY = "plain http is allowed only to a loopback host, for development";
  private static final Pattern PROVIDER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** Whether the Algosure auto-configuration is active. */
  private boolean enabled = true;

  /** The token issuers (Keycloak realms) whose access tokens this service accepts. */
  private List<Issuer> issuers = new ArrayList<>();

  /** Token validation settings shared by every issuer. */
  private final Tokens tokens = new Tokens();

  /** How Keycloak's roles, groups and claims map to Algosure roles and context. */
  private final Keycloak keycloak = new Keycloak();

  /** Where the role catalogue JSON is, such as classpath:algosure/roles.json or file:/etc/algosure/roles.json. */
  private @Nullable Resource roleCatalog;

  /** How the HTTP request names its context. */
  private final Web web = new Web();

  /** The audit trail. */
  private final Audit audit = new Audit();

  /** The problem responses. */
  private final Problems problems = new Problems();

  /** The Micrometer metrics. */
  private final Metrics metrics = new Metrics();

  /** The in-memory idempotency store the integration guard uses when the host defines no IdempotencyStore bean. */
  private final Idempotency idempotency = new Idempotency();

  /** The in-memory rate-limit store the integration guard uses when the host defines no RateLimitStore bean. */
  private final RateLimits rateLimit = new RateLimits();

  /** The external providers reached through the integration guard, by provider id. */
  private Map<String, Provider> providers = new LinkedHashMap<>();

  @Override
  public void afterPropertiesSet() {
    validate();
  }

  /**
   * Checks every property.
   *
   * @throws InvalidAlgosureConfigurationException naming the first property that is wrong
   */
  public void validate() {
    Set<URI> seen = new HashSet<>();
    for (int i = 0; i < issuers.size(); i++) {
      String at = "algosure.issuers[" + i + "]";
      Issuer issuer = issuers.get(i);
      URI uri = requireHttpUri(issuer.issuerUri, at + ".issuer-uri", true,
          "set it to the issuer of your tokens, such as https://sso.example.com/realms/algosure", LOOPBACK_ONLY);
      if (!seen.add(uri)) {
        throw new InvalidAlgosureConfigurationException(at + ".issuer-uri", "'" + uri + "' is configured twice: list each issuer once");
      }
      if (issuer.jwksUri != null) {
        requireHttpUri(issuer.jwksUri, at + ".jwks-uri", true, "or leave it out to use the issuer's standard JWKS path",
            LOOPBACK_ONLY);
      }
      if (issuer.audiences.isEmpty() || issuer.audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
        throw new InvalidAlgosureConfigurationException(at + ".audiences",
            "empty: list the audience(s) this service accepts, such as filings-api (tokens for other audiences are refused)");
      }
      if (issuer.algorithms.isEmpty()) {
        throw new InvalidAlgosureConfigurationException(at + ".algorithms", "empty: list at least one, such as RS256");
      }
      for (String alg : issuer.algorithms) {
        issuer.signingAlgorithm(alg, at + ".algorithms");
      }
    }
    if (tokens.clockSkew.isNegative() || tokens.clockSkew.compareTo(Duration.ofMinutes(5)) > 0 || tokens.clockSkew.getNano() != 0) {
      throw new InvalidAlgosureConfigurationException("algosure.tokens.clock-skew",
          "must be whole seconds between 0s and 5m, was " + tokens.clockSkew);
    }
    keycloak.validate();
    web.validate();
    if (problems.typePrefix.isBlank() || problems.typePrefix.chars().anyMatch(Character::isWhitespace)) {
      throw new InvalidAlgosureConfigurationException("algosure.problems.type-prefix",
          "must be a URI prefix without spaces, such as urn:algosure:problem: or https://errors.example.com/");
    }
    if (idempotency.maximumKeys < 1) {
      throw new InvalidAlgosureConfigurationException("algosure.idempotency.maximum-keys",
          "must be at least 1, was " + idempotency.maximumKeys + ": size it for your call rate times the idempotency"
          + " time to live (about 160-250 bytes a key), or define an IdempotencyStore bean (JDBC or Redis)");
    }
    Long perTenant = idempotency.maximumKeysPerTenant;
    if (perTenant != null && (perTenant < 1 || perTenant > idempotency.maximumKeys)) {
      throw new InvalidAlgosureConfigurationException("algosure.idempotency.maximum-keys-per-tenant",
          (perTenant < 1 ? "must be at least 1, was " + perTenant : "must be at most algosure.idempotency.maximum-keys ("
              + idempotency.maximumKeys + "), was " + perTenant) + ": size it for one tenant's call rate times the"
          + " idempotency time to live, below algosure.idempotency.maximum-keys so one tenant cannot fill the store for"
          + " the others");
    }
    if (rateLimit.maximumKeys < 1) {
      throw new InvalidAlgosureConfigurationException("algosure.rate-limit.maximum-keys",
          "must be at least 1, was " + rateLimit.maximumKeys + ": size it for the tenant x provider keys used within"
          + " the longer of their limit's period and an hour, or define a RateLimitStore bean (Redis)");
    }
    providers.forEach((id, p) -> p.validate(id));
  }

  static URI requireHttpUri(@Nullable URI uri, String property, boolean allowLoopbackHttp, String hint, String httpHint) {
    return requireHttpUri(uri, property, allowLoopbackHttp, hint, httpHint,
        u -> isLoopback(Objects.requireNonNull(u.getHost())));
  }

  /**
   * A provider's URI, whose plain http the guard's transport policy decides (the guard refuses what it does not count
   * as loopback while being built, without naming the property): its rule, not the issuers' {@link #isLoopback}.
   */
  static URI requireProviderUri(@Nullable URI uri, String property, boolean allowLoopbackHttp, String hint,
      String httpHint) {
    return requireHttpUri(uri, property, allowLoopbackHttp, hint, httpHint, TransportPolicy.httpsOrLoopbackHttp()::permits);
  }

  private static URI requireHttpUri(@Nullable URI uri, String property, boolean allowLoopbackHttp, String hint,
      String httpHint, Predicate<URI> loopback) {
    if (uri == null) {
      throw new InvalidAlgosureConfigurationException(property, "missing: " + hint);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new InvalidAlgosureConfigurationException(property, "'" + quotable(uri) + "' is not an absolute https URI: " + hint);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new InvalidAlgosureConfigurationException(property, "'" + uri.getScheme() + "://" + uri.getHost()
          + "...' must not carry user info, a query or a fragment");
    }
    if (scheme.equals("http") && !(allowLoopbackHttp && loopback.test(uri))) {
      throw new InvalidAlgosureConfigurationException(property, "'" + uri + "' uses plain http: use https (" + httpHint + ")");
    }
    return uri;
  }

  /**
   * The URI as a start-up message may quote it: whole when it holds nothing but scheme, host, port and path; else
   * (user info, a query or a fragment, an authority that is not a host, an opaque URI) only its scheme and host,
   * since what it carries may be a credential ({@code https://apikey:...@host}, {@code ?api_key=...}).
   */
  static String quotable(URI uri) {
    if (!uri.isOpaque() && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
        && (uri.getRawAuthority() == null || uri.getHost() != null)) {
      return uri.toString();
    }
    return (uri.getScheme() == null ? "" : uri.getScheme() + (uri.isOpaque() ? ":" : "://"))
        + (uri.getHost() == null ? "" : uri.getHost()) + "...";
  }

  /**
   * The issuers' rule, as core's {@code TrustedIssuer} applies it again: {@code localhost} or an IP literal the JDK
   * parses to a loopback address (which is where it then connects). Providers follow the guard's narrower rule.
   */
  static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    // only literal addresses: never resolve a name here
    if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      return false;
    }
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  static void requireHeader(String value, String property) {
    requireToken(value, property, "HTTP header name");
  }

  private static void requireToken(String value, String property, String what) {
    if (value == null || !HEADER.matcher(value).matches()) {
      throw new InvalidAlgosureConfigurationException(property, "'" + value + "' is not a valid " + what);
    }
  }

  /**
   * @return whether the auto-configuration is active; where it is not, a WARN says so at start-up and every call of an
   *     {@code @Authorize} or {@code @GuardedIntegration} method is refused rather than run unchecked
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @param enabled whether the auto-configuration is active; false refuses every call of an {@code @Authorize} or
   *     {@code @GuardedIntegration} method
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** @return the issuers */
  public List<Issuer> getIssuers() {
    return issuers;
  }

  /** @param issuers the issuers */
  public void setIssuers(List<Issuer> issuers) {
    this.issuers = issuers;
  }

  /** @return the token validation settings */
  public Tokens getTokens() {
    return tokens;
  }

  /** @return the Keycloak mapping */
  public Keycloak getKeycloak() {
    return keycloak;
  }

  /** @return the role catalogue location */
  public @Nullable Resource getRoleCatalog() {
    return roleCatalog;
  }

  /** @param roleCatalog the role catalogue location */
  public void setRoleCatalog(@Nullable Resource roleCatalog) {
    this.roleCatalog = roleCatalog;
  }

  /** @return the web settings */
  public Web getWeb() {
    return web;
  }

  /** @return the audit settings */
  public Audit getAudit() {
    return audit;
  }

  /** @return the problem response settings */
  public Problems getProblems() {
    return problems;
  }

  /** @return the metrics settings */
  public Metrics getMetrics() {
    return metrics;
  }

  /** @return the in-memory idempotency store settings */
  public Idempotency getIdempotency() {
    return idempotency;
  }

  /** @return the in-memory rate-limit store settings */
  public RateLimits getRateLimit() {
    return rateLimit;
  }

  /** @return the providers, by id */
  public Map<String, Provider> getProviders() {
    return providers;
  }

  /** @param providers the providers, by id */
  public void setProviders(Map<String, Provider> providers) {
    this.providers = providers;
  }

  /** One trusted token issuer. */
  public static class Issuer {

    /** The issuer URI, exactly as in the tokens' iss claim. */
    private @Nullable URI issuerUri;

    /** The JWKS URI; default: the issuer's /protocol/openid-connect/certs (Keycloak). */
    private @Nullable URI jwksUri;

    /** The audiences this service accepts; a token must name one of them in aud. */
    private List<String> audiences = new ArrayList<>();

    /** The signature algorithms accepted (asymmetric only); default RS256, PS256, ES256, as the core's default. */
    private List<String> algorithms = new ArrayList<>(List.of("RS256", "PS256", "ES256"));

    /**
     * The longest an access token may be valid (exp minus iat); a token valid for longer is refused. Default 24 hours,
     * as the core's; set it to the realm's access token lifespan.
     */
    private Duration maxTokenLifetime = TrustedIssuer.DEFAULT_MAX_TOKEN_LIFETIME;

    /**
     * The prefix of the actor ids of this issuer's tokens (prefix:subject, prefix:client-id), as the directory knows
     * them; with several issuers, every one but the home realm needs its own, or a user or client of one realm would
     * be taken for another's with the same id. Unset: ids as they are.
     */
    private @Nullable String actorIdPrefix;

    /**
     * This issuer's own Keycloak mapping JSON (classpath: or file:), instead of algosure.keycloak's. Every issuer with
     * an actor-id-prefix needs one when several issuers are trusted, or its realm's roles would map to the home
     * realm's Algosure roles.
     */
    private @Nullable Resource mappingLocation;

    /**
     * Accept tokens bound to the client's TLS certificate (claim cnf with only x5t#S256, RFC 8705), which are refused
     * by default: only when a TLS-terminating gateway in front of this service checks that the request came with that
     * certificate. The validator cannot check it itself. Default false.
     */
    private boolean allowCertificateBoundTokens;

    /** @return the issuer URI */
    public @Nullable URI getIssuerUri() {
      return issuerUri;
    }

    /** @param issuerUri the issuer URI */
    public void setIssuerUri(@Nullable URI issuerUri) {
      this.issuerUri = issuerUri;
    }

    /** @return the JWKS URI, if set */
    public @Nullable URI getJwksUri() {
      return jwksUri;
    }

    /** @param jwksUri the JWKS URI */
    public void setJwksUri(@Nullable URI jwksUri) {
      this.jwksUri = jwksUri;
    }

    /** @return the accepted audiences */
    public List<String> getAudiences() {
      return audiences;
    }

    /** @param audiences the accepted audiences */
    public void setAudiences(List<String> audiences) {
      this.audiences = audiences;
    }

    /** @return the accepted algorithms */
    public List<String> getAlgorithms() {
      return algorithms;
    }

    /** @param algorithms the accepted algorithms */
    public void setAlgorithms(List<String> algorithms) {
      this.algorithms = algorithms;
    }

    /** @return the longest an access token may be valid */
    public Duration getMaxTokenLifetime() {
      return maxTokenLifetime;
    }

    /** @param maxTokenLifetime the longest an access token may be valid */
    public void setMaxTokenLifetime(Duration maxTokenLifetime) {
      this.maxTokenLifetime = maxTokenLifetime;
    }

    /** @return the prefix of this issuer's actor ids, or null */
    public @Nullable String getActorIdPrefix() {
      return actorIdPrefix;
    }

    /** @param actorIdPrefix the prefix of this issuer's actor ids (letters, digits, '.', '_', '-') */
    public void setActorIdPrefix(@Nullable String actorIdPrefix) {
      this.actorIdPrefix = actorIdPrefix;
    }

    /** @return whether tokens bound to the client's certificate are accepted (a gateway checks the binding) */
    public boolean isAllowCertificateBoundTokens() {
      return allowCertificateBoundTokens;
    }

    /** @param allowCertificateBoundTokens whether a gateway in front of the service checks the certificate binding */
    public void setAllowCertificateBoundTokens(boolean allowCertificateBoundTokens) {
      this.allowCertificateBoundTokens = allowCertificateBoundTokens;
    }

    /** @return this issuer's own mapping JSON location, or null */
    public @Nullable Resource getMappingLocation() {
      return mappingLocation;
    }

    /** @param mappingLocation this issuer's own mapping JSON location */
    public void setMappingLocation(@Nullable Resource mappingLocation) {
      this.mappingLocation = mappingLocation;
    }

    /** @return the JWKS URI: the configured one, else Keycloak's standard path under the issuer */
    URI effectiveJwksUri() {
      return jwksUri != null ? jwksUri : URI.create(String.valueOf(issuerUri).replaceAll("/+$", "") + "/protocol/openid-connect/certs");
    }

    SigningAlgorithm signingAlgorithm(String name, String property) {
      try {
        return SigningAlgorithm.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new InvalidAlgosureConfigurationException(property, "'" + name + "' is not allowed: use asymmetric signature "
            + "algorithms only, one of " + java.util.Arrays.toString(SigningAlgorithm.values()));
      }
    }
  }

  /** Token validation settings shared by every issuer. */
  public static class Tokens {

    /** How far the clocks of issuer and service may disagree on exp, nbf and iat (whole seconds). */
    private Duration clockSkew = Duration.ofSeconds(60);

    /**
     * How long a fetched JWKS is used before it is fetched again (default 5m): with the token cache's maximum age, how
     * long a token signed by a key the issuer withdrew is still accepted.
     */
    private @Nullable Duration jwksCacheTtl;

    /** How long before the JWKS cache expires a use of it refreshes it in the background (default 30s; 0s: off). */
    private @Nullable Duration jwksRefreshAhead;

    /** The JWKS fetch rate limit: at most two fetches per interval, an unknown kid included (default 30s). */
    private @Nullable Duration jwksRefreshMinInterval;

    /** How long after the JWKS cache expired its keys are still used while the JWKS endpoint fails (default 30m). */
    private @Nullable Duration jwksOutageGrace;

    /** How many validated tokens are cached (default 10,000; 0: no cache). */
    private @Nullable Long cacheMaximumSize;

    /** How long a validated token stays cached at most, even if it expires later (default 5m). */
    private @Nullable Duration cacheMaximumAge;

    /** @return the clock skew */
    public Duration getClockSkew() {
      return clockSkew;
    }

    /** @param clockSkew the clock skew */
    public void setClockSkew(Duration clockSkew) {
      this.clockSkew = clockSkew;
    }

    /** @return how long a fetched JWKS is used, or null for the validator's default */
    public @Nullable Duration getJwksCacheTtl() {
      return jwksCacheTtl;
    }

    /** @param jwksCacheTtl how long a fetched JWKS is used */
    public void setJwksCacheTtl(@Nullable Duration jwksCacheTtl) {
      this.jwksCacheTtl = jwksCacheTtl;
    }

    /** @return how long before expiry the JWKS is refreshed ahead, or null for the validator's default */
    public @Nullable Duration getJwksRefreshAhead() {
      return jwksRefreshAhead;
    }

    /** @param jwksRefreshAhead how long before expiry the JWKS is refreshed ahead */
    public void setJwksRefreshAhead(@Nullable Duration jwksRefreshAhead) {
      this.jwksRefreshAhead = jwksRefreshAhead;
    }

    /** @return the JWKS fetch rate limit's interval, or null for the validator's default */
    public @Nullable Duration getJwksRefreshMinInterval() {
      return jwksRefreshMinInterval;
    }

    /** @param jwksRefreshMinInterval the JWKS fetch rate limit's interval */
    public void setJwksRefreshMinInterval(@Nullable Duration jwksRefreshMinInterval) {
      this.jwksRefreshMinInterval = jwksRefreshMinInterval;
    }

    /** @return how long expired JWKS keys serve through an outage, or null for the validator's default */
    public @Nullable Duration getJwksOutageGrace() {
      return jwksOutageGrace;
    }

    /** @param jwksOutageGrace how long expired JWKS keys serve through an outage */
    public void setJwksOutageGrace(@Nullable Duration jwksOutageGrace) {
      this.jwksOutageGrace = jwksOutageGrace;
    }

    /** @return how many validated tokens are cached, or null for the validator's default */
    public @Nullable Long getCacheMaximumSize() {
      return cacheMaximumSize;
    }

    /** @param cacheMaximumSize how many validated tokens are cached */
    public void setCacheMaximumSize(@Nullable Long cacheMaximumSize) {
      this.cacheMaximumSize = cacheMaximumSize;
    }

    /** @return how long a validated token stays cached at most, or null for the validator's default */
    public @Nullable Duration getCacheMaximumAge() {
      return cacheMaximumAge;
    }

    /** @param cacheMaximumAge how long a validated token stays cached at most */
    public void setCacheMaximumAge(@Nullable Duration cacheMaximumAge) {
      this.cacheMaximumAge = cacheMaximumAge;
    }
  }

  /**
   * How Keycloak signals map to Algosure roles and context: inline here, or a JSON file in the format of
   * {@code KeycloakMapping.fromJson}. Left empty, users and service accounts are recognised and MFA is read from
   * {@code amr}, but no role, group or claim maps to anything.
   */
  public static class Keycloak {

    /** A Keycloak mapping JSON file (classpath: or file:); when set, the inline mapping properties must be left empty. */
    private @Nullable Resource mappingLocation;

    /** Realm roles to Algosure roles, such as algosure.keycloak.realm-roles.platform-admin=platform-admin. */
    private Map<String, List<String>> realmRoles = new LinkedHashMap<>();

    /** Client roles to Algosure roles, per client, such as algosure.keycloak.client-roles.filings-api.[filings:read]=filing-viewer. */
    private Map<String, Map<String, List<String>>> clientRoles = new LinkedHashMap<>();

    /** Group path templates whose {tenant} and {org} become hints, such as /tenants/{tenant}/org-{org}. */
    private List<String> groupPatterns = new ArrayList<>();

    /** Claims that hint at the tenant (never used for access on their own), such as tenant_id. */
    private List<String> tenantHintClaims = new ArrayList<>();

    /** The one claim trusted as the tenant source, such as tenant_id; only where the identity provider alone sets it. */
    private @Nullable String trustedTenantClaim;

    /** Claims that hint at organizations, such as org_ids. */
    private List<String> organizationClaims = new ArrayList<>();

    /** The preferred_username prefix of service accounts; default service-account-. */
    private @Nullable String serviceAccountUsernamePrefix;

    /**
     * amr values that count as multi-factor evidence; default otp, mfa, hwk. pwd, pin and kba, each one knowledge
     * factor (RFC 8176) that a token after a password alone carries too, are refused.
     */
    private @Nullable List<String> mfaAmrValues;

    /**
     * acr values that count as multi-factor evidence, such as a step-up level's 2 or gold; default none. 0 and 1, which
     * Keycloak writes for the SSO cookie and for any full login (a password alone too), are refused.
     */
    private @Nullable List<String> mfaAcrValues;

    /** @return whether any inline mapping property is set */
    boolean hasInlineRules() {
      return !realmRoles.isEmpty() || !clientRoles.isEmpty() || !groupPatterns.isEmpty() || !tenantHintClaims.isEmpty()
          || trustedTenantClaim != null || !organizationClaims.isEmpty() || serviceAccountUsernamePrefix != null
          || mfaAmrValues != null || mfaAcrValues != null;
    }

    void validate() {
      if (mappingLocation != null && hasInlineRules()) {
        throw new InvalidAlgosureConfigurationException("algosure.keycloak.mapping-location",
            "set together with inline mapping properties (realm-roles, client-roles, group-patterns, claims, mfa): use one or the other");
      }
    }

    /** @return the mapping JSON location, if set */
    public @Nullable Resource getMappingLocation() {
      return mappingLocation;
    }

    /** @param mappingLocation the mapping JSON location */
    public void setMappingLocation(@Nullable Resource mappingLocation) {
      this.mappingLocation = mappingLocation;
    }

    /** @return realm role mappings */
    public Map<String, List<String>> getRealmRoles() {
      return realmRoles;
    }

    /** @param realmRoles realm role mappings */
    public void setRealmRoles(Map<String, List<String>> realmRoles) {
      this.realmRoles = realmRoles;
    }

    /** @return client role mappings */
    public Map<String, Map<String, List<String>>> getClientRoles() {
      return clientRoles;
    }

    /** @param clientRoles client role mappings */
    public void setClientRoles(Map<String, Map<String, List<String>>> clientRoles) {
      this.clientRoles = clientRoles;
    }

    /** @return group path templates */
    public List<String> getGroupPatterns() {
      return groupPatterns;
    }

    /** @param groupPatterns group path templates */
    public void setGroupPatterns(List<String> groupPatterns) {
      this.groupPatterns = groupPatterns;
    }

    /** @return tenant hint claims */
    public List<String> getTenantHintClaims() {
      return tenantHintClaims;
    }

    /** @param tenantHintClaims tenant hint claims */
    public void setTenantHintClaims(List<String> tenantHintClaims) {
      this.tenantHintClaims = tenantHintClaims;
    }

    /** @return the trusted tenant claim, if any */
    public @Nullable String getTrustedTenantClaim() {
      return trustedTenantClaim;
    }

    /** @param trustedTenantClaim the trusted tenant claim */
    public void setTrustedTenantClaim(@Nullable String trustedTenantClaim) {
      this.trustedTenantClaim = trustedTenantClaim;
    }

    /** @return organization hint claims */
    public List<String> getOrganizationClaims() {
      return organizationClaims;
    }

    /** @param organizationClaims organization hint claims */
    public void setOrganizationClaims(List<String> organizationClaims) {
      this.organizationClaims = organizationClaims;
    }

    /** @return the service-account username prefix, if set */
    public @Nullable String getServiceAccountUsernamePrefix() {
      return serviceAccountUsernamePrefix;
    }

    /** @param serviceAccountUsernamePrefix the service-account username prefix */
    public void setServiceAccountUsernamePrefix(@Nullable String serviceAccountUsernamePrefix) {
      this.serviceAccountUsernamePrefix = serviceAccountUsernamePrefix;
    }

    /** @return amr values counting as MFA, if set */
    public @Nullable List<String> getMfaAmrValues() {
      return mfaAmrValues;
    }

    /** @param mfaAmrValues amr values counting as MFA */
    public void setMfaAmrValues(@Nullable List<String> mfaAmrValues) {
      this.mfaAmrValues = mfaAmrValues;
    }

    /** @return acr values counting as MFA, if set */
    public @Nullable List<String> getMfaAcrValues() {
      return mfaAcrValues;
    }

    /** @param mfaAcrValues acr values counting as MFA */
    public void setMfaAcrValues(@Nullable List<String> mfaAcrValues) {
      this.mfaAcrValues = mfaAcrValues;
    }
  }

  /** How an HTTP request names its context. */
  public static class Web {

    /** The header naming the active organization. */
    private String organizationHeader = "X-Organization-Id";

    /**
     * A query parameter that may name the active organization too (read from the query string only, never from
     * a form body); empty for none.
     */
    private @Nullable String organizationParameter;

    /** The header presenting an approval id for a high-impact action. */
    private String approvalHeader = "X-Approval-Id";

    /** The header carrying the caller's correlation id into the audit trail. */
    private String correlationHeader = "X-Correlation-Id";

    private static final boolean SPRING_WEB = ClassUtils.isPresent("org.springframework.web.util.pattern.PathPatternParser",
        Web.class.getClassLoader());

    /**
     * Paths the default security filter chain leaves open (no bearer token needed), such as /api/callbacks/**: Spring's
     * path patterns. One that matches every path (such as /**), or several that do together, are refused at start-up:
     * a host that needs no token anywhere declares its own SecurityFilterChain. A token sent to a public path is still
     * checked, as Spring Security does on a permitAll path: a refused one (expired, from an issuer not configured) is
     * answered 401, so a client must not send its token there.
     */
    private List<String> publicPaths = new ArrayList<>();

    void validate() {
      requireHeader(organizationHeader, "algosure.web.organization-header");
      requireHeader(approvalHeader, "algosure.web.approval-header");
      requireHeader(correlationHeader, "algosure.web.correlation-header");
      if (organizationParameter != null) {
        requireToken(organizationParameter, "algosure.web.organization-parameter", "query parameter name");
      }
      for (int i = 0; i < publicPaths.size(); i++) {
        String p = publicPaths.get(i);
        if (p == null || !p.startsWith("/")) {
          throw new InvalidAlgosureConfigurationException("algosure.web.public-paths[" + i + "]",
              "'" + p + "' is not a path pattern: start with /, such as /api/callbacks/**");
        }
        if (SPRING_WEB) { // the chain that reads them is a servlet web application's
          PublicPaths.check("algosure.web.public-paths[" + i + "]", p);
        }
      }
      if (SPRING_WEB && publicPaths.size() > 1) {
        PublicPaths.checkAll("algosure.web.public-paths", publicPaths);
      }
    }

    /** @return the organization header */
    public String getOrganizationHeader() {
      return organizationHeader;
    }

    /** @param organizationHeader the organization header */
    public void setOrganizationHeader(String organizationHeader) {
      this.organizationHeader = organizationHeader;
    }

    /** @return the organization query parameter, if any */
    public @Nullable String getOrganizationParameter() {
      return organizationParameter;
    }

    /** @param organizationParameter the organization query parameter; empty or null for none */
    public void setOrganizationParameter(@Nullable String organizationParameter) {
      this.organizationParameter = organizationParameter == null || organizationParameter.isEmpty() ? null
          : organizationParameter;
    }

    /** @return the approval header */
    public String getApprovalHeader() {
      return approvalHeader;
    }

    /** @param approvalHeader the approval header */
    public void setApprovalHeader(String approvalHeader) {
      this.approvalHeader = approvalHeader;
    }

    /** @return the correlation header */
    public String getCorrelationHeader() {
      return correlationHeader;
    }

    /** @param correlationHeader the correlation header */
    public void setCorrelationHeader(String correlationHeader) {
      this.correlationHeader = correlationHeader;
    }

    /** @return the public paths */
    public List<String> getPublicPaths() {
      return publicPaths;
    }

    /** @param publicPaths the public paths */
    public void setPublicPaths(List<String> publicPaths) {
      this.publicPaths = publicPaths;
    }
  }

  /** The audit trail. */
  public static class Audit {

    /** What a decision does when its audit record cannot be written. */
    private AuditFailurePolicy failurePolicy = AuditFailurePolicy.FAIL_CLOSED;

    /** @return the audit failure policy */
    public AuditFailurePolicy getFailurePolicy() {
      return failurePolicy;
    }

    /** @param failurePolicy the audit failure policy */
    public void setFailurePolicy(AuditFailurePolicy failurePolicy) {
      this.failurePolicy = failurePolicy;
    }
  }

  /** The RFC 9457 problem responses. */
  public static class Problems {

    /** Prefix of every problem type URI; the reason code follows, in kebab case. */
    private String typePrefix = "urn:algosure:problem:";

    /** @return the type prefix */
    public String getTypePrefix() {
      return typePrefix;
    }

    /** @param typePrefix the type prefix */
    public void setTypePrefix(String typePrefix) {
      this.typePrefix = typePrefix;
    }
  }

  /** The Micrometer metrics. */
  public static class Metrics {

    /** Whether decisions, token refusals and integration outcomes are recorded as metrics (when Micrometer is present). */
    private boolean enabled = true;

    /** @return whether metrics are enabled */
    public boolean isEnabled() {
      return enabled;
    }

    /** @param enabled whether metrics are enabled */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The in-memory idempotency store (used when the host defines no IdempotencyStore bean). */
  public static class Idempotency {

    /**
     * How many live keys (in flight, or completed within their time to live) the store holds at most, all tenants
     * together; at that bound a new key is refused and its call fails closed, since no live key is ever evicted.
     */
    private long maximumKeys = InMemoryIdempotencyStore.DEFAULT_MAXIMUM_KEYS;

    /**
     * How many live keys one tenant holds at most; at that bound a new key of the tenant is refused and its call
     * fails closed ({@code IDEMPOTENCY_TENANT_LIMIT}, answered 429) while other tenants are still served. Not set:
     * half of {@code maximum-keys}, rounded up (100,000 of the default 200,000). Set it to {@code maximum-keys} only
     * where the service has one tenant.
     */
    private @Nullable Long maximumKeysPerTenant;

    /** @return the maximum number of live keys */
    public long getMaximumKeys() {
      return maximumKeys;
    }

    /** @param maximumKeys the maximum number of live keys */
    public void setMaximumKeys(long maximumKeys) {
      this.maximumKeys = maximumKeys;
    }

    /** @return the maximum number of live keys of one tenant, or null for half of {@code maximum-keys} */
    public @Nullable Long getMaximumKeysPerTenant() {
      return maximumKeysPerTenant;
    }

    /** @param maximumKeysPerTenant the maximum number of live keys of one tenant, or null for half of {@code maximum-keys} */
    public void setMaximumKeysPerTenant(@Nullable Long maximumKeysPerTenant) {
      this.maximumKeysPerTenant = maximumKeysPerTenant;
    }
  }

  /**
   * The in-memory rate-limit store (used when the host defines no RateLimitStore bean). Named apart from
   * {@link RateLimit}, a provider's limit.
   */
  public static class RateLimits {

    /**
     * How many live rate-limit keys (tenant x provider, each used within the longer of its limit's period and an hour)
     * the store holds at most; at that bound a new key is refused and its call fails closed, since no live limiter is
     * ever evicted.
     */
    private long maximumKeys = InMemoryRateLimitStore.DEFAULT_MAXIMUM_KEYS;

    /** @return the maximum number of live keys */
    public long getMaximumKeys() {
      return maximumKeys;
    }

    /** @param maximumKeys the maximum number of live keys */
    public void setMaximumKeys(long maximumKeys) {
      this.maximumKeys = maximumKeys;
    }
  }

  /** One external provider reached through the integration guard. */
  public static class Provider {

    /** The provider's endpoint; https only (plain http to a loopback host with allow-loopback-http, for tests). */
    private @Nullable URI endpoint;

    /**
     * Allow a plain-http endpoint on a loopback host: localhost, 127.0.0.0/8 in dotted form or ::1, as the guard's
     * transport policy counts them (tests and development only).
     */
    private boolean allowLoopbackHttp;

    /**
     * Further origins (scheme, host, optional port) a call may be sent to, for requests that override the endpoint
     * with a tenant's own server of the provider; without them a call stays on the endpoint's origin, since the
     * provider's credentials go wherever it goes.
     */
    private List<URI> allowedOrigins = new ArrayList<>();

    /** The actions (permissions) this service calls the provider for, such as filings:submit. */
    private List<String> actions = new ArrayList<>();

    /** The consent scope the tenant must have granted for these actions, such as GOVERNMENT_RECORDS; empty for none. */
    private @Nullable String consentScope;

    /** References of the secrets the provider needs, resolved from the SecretStore for each call. */
    private List<String> secrets = new ArrayList<>();

    /** Whether a call without an idempotency key is refused. */
    private boolean requireIdempotencyKey = true;

    /** How long an idempotency key and its outcome are kept; empty for the guard's default. */
    private @Nullable Duration idempotencyTtl;

    /** Our own rate limit per tenant and provider. */
    private final RateLimit rateLimit = new RateLimit();

    /** The bounded retry of transient failures. */
    private final Retry retry = new Retry();

    /** How long one attempt may take. */
    private Duration timeout = Duration.ofSeconds(10);

    void validate(String id) {
      String at = "algosure.providers." + id;
      if (!PROVIDER.matcher(id).matches()) {
        throw new InvalidAlgosureConfigurationException(at, "'" + id + "' is not a valid provider id: use 1 to 64 letters, digits or . _ -");
      }
      requireProviderUri(endpoint, at + ".endpoint", allowLoopbackHttp, "set the provider's https endpoint",
          "plain http is allowed only to a loopback host with " + at + ".allow-loopback-http=true, for tests");
      // each provider's own opt-in: another provider's allow-loopback-http must not open plain http for this one
      for (int i = 0; i < allowedOrigins.size(); i++) {
        requireProviderUri(allowedOrigins.get(i), at + ".allowed-origins[" + i + "]", allowLoopbackHttp,
            "use https://host or https://host:port", "plain http is allowed only to a loopback host with " + at
                + ".allow-loopback-http=true, for tests");
      }
      if (consentScope != null && !consentScope.matches("[A-Z][A-Z0-9_]{0,63}")) {
        throw new InvalidAlgosureConfigurationException(at + ".consent-scope",
            "'" + consentScope + "' is not a consent scope: use an upper-case name such as GOVERNMENT_RECORDS");
      }
      if (actions.isEmpty()) {
        throw new InvalidAlgosureConfigurationException(at + ".actions",
            "empty: list the actions (permissions) this service calls the provider for, such as filings:submit");
      }
    }

    /** @return the endpoint */
    public @Nullable URI getEndpoint() {
      return endpoint;
    }

    /** @param endpoint the endpoint */
    public void setEndpoint(@Nullable URI endpoint) {
      this.endpoint = endpoint;
    }

    /** @return the further origins a call may be sent to */
    public List<URI> getAllowedOrigins() {
      return allowedOrigins;
    }

    /** @param allowedOrigins the further origins a call may be sent to */
    public void setAllowedOrigins(List<URI> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    /** @return whether plain http to loopback is allowed */
    public boolean isAllowLoopbackHttp() {
      return allowLoopbackHttp;
    }

    /** @param allowLoopbackHttp whether plain http to loopback is allowed */
    public void setAllowLoopbackHttp(boolean allowLoopbackHttp) {
      this.allowLoopbackHttp = allowLoopbackHttp;
    }

    /** @return the actions */
    public List<String> getActions() {
      return actions;
    }

    /** @param actions the actions */
    public void setActions(List<String> actions) {
      this.actions = actions;
    }

    /** @return the secret references */
    public List<String> getSecrets() {
      return secrets;
    }

    /** @param secrets the secret references */
    public void setSecrets(List<String> secrets) {
      this.secrets = secrets;
    }

    /** @return whether a call without an idempotency key is refused */
    public boolean isRequireIdempotencyKey() {
      return requireIdempotencyKey;
    }

    /** @param requireIdempotencyKey whether a call without an idempotency key is refused */
    public void setRequireIdempotencyKey(boolean requireIdempotencyKey) {
      this.requireIdempotencyKey = requireIdempotencyKey;
    }

    /** @return the idempotency TTL, if set */
    public @Nullable Duration getIdempotencyTtl() {
      return idempotencyTtl;
    }

    /** @param idempotencyTtl the idempotency TTL */
    public void setIdempotencyTtl(@Nullable Duration idempotencyTtl) {
      this.idempotencyTtl = idempotencyTtl;
    }

    /** @return the consent scope, if any */
    public @Nullable String getConsentScope() {
      return consentScope;
    }

    /** @param consentScope the consent scope */
    public void setConsentScope(@Nullable String consentScope) {
      this.consentScope = consentScope;
    }

    /** @return the rate limit */
    public RateLimit getRateLimit() {
      return rateLimit;
    }

    /** @return the retry policy */
    public Retry getRetry() {
      return retry;
    }

    /** @return the per-attempt timeout */
    public Duration getTimeout() {
      return timeout;
    }

    /** @param timeout the per-attempt timeout */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** A rate limit: so many requests per period, per tenant and provider. */
  public static class RateLimit {

    /** Requests allowed per period. */
    private int requests = 10;

    /** The period. */
    private Duration per = Duration.ofSeconds(1);

    /** @return requests per period */
    public int getRequests() {
      return requests;
    }

    /** @param requests requests per period */
    public void setRequests(int requests) {
      this.requests = requests;
    }

    /** @return the period */
    public Duration getPer() {
      return per;
    }

    /** @param per the period */
    public void setPer(Duration per) {
      this.per = per;
    }
  }

  /** A bounded retry with exponential backoff and jitter. */
  public static class Retry {

    /** Attempts in all, the first included. */
    private int maxAttempts = 3;

    /** The first backoff. */
    private Duration initialBackoff = Duration.ofMillis(200);

    /** The longest backoff. */
    private Duration maxBackoff = Duration.ofSeconds(2);

    /** @return attempts in all */
    public int getMaxAttempts() {
      return maxAttempts;
    }

    /** @param maxAttempts attempts in all */
    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /** @return the first backoff */
    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    /** @param initialBackoff the first backoff */
    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /** @return the longest backoff */
    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    /** @param maxBackoff the longest backoff */
    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }
}
