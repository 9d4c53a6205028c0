package com.algosure.authz.token;

import com.algosure.authz.Actor;
import com.algosure.authz.TenantId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A validated access token: the verified claims as a small immutable view, and the actor the
 * {@link KeycloakMapping} made of them. It never holds the token itself, and {@link #toString()} leaves the claims
 * out (they may carry personal data).
 *
 * <p>Immutable and thread-safe; the validator caches and shares instances.
 *
 * @param subject the {@code sub} claim (for a service account without {@code sub}, its client id)
 * @param issuer the {@code iss} claim, exactly as the trusted issuer is configured
 * @param audiences the {@code aud} claim, as a set whether the token carried a string or an array
 * @param expiresAt the {@code exp} claim (the validator accepts the token until this plus its clock skew)
 * @param claims every claim as JSON values: {@code String}, {@code Long}/{@code Double}, {@code Boolean},
 *     unmodifiable {@code List} and {@code Map}; dates ({@code exp}, {@code iat}, {@code nbf}) as epoch seconds
 * @param actor the user or service account, with its identity signals
 * @param tenantHints tenants named by untrusted claims or group paths; never used for access
 * @since 0.1.0
 */
public record AuthenticatedToken(String subject, String issuer, Set<String> audiences, Instant expiresAt,
    Map<String, Object> claims, Actor actor, Set<TenantId> tenantHints) {

  /**
   * Checks and copies the components.
   *
   * @throws NullPointerException if a component is null
   */
  public AuthenticatedToken {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    audiences = Set.copyOf(audiences);
    Objects.requireNonNull(expiresAt, "expiresAt");
    claims = Claims.immutableCopy(claims);
    Objects.requireNonNull(actor, "actor");
    tenantHints = Set.copyOf(tenantHints);
  }

  /**
   * A string claim.
   *
   * @param name the claim name
   * @return the claim's value if it is present and a string
   */
  public Optional<String> stringClaim(String name) {
    return claims.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /**
   * A claim as a list of strings: a string claim as one element, an array claim as its string elements.
   *
   * @param name the claim name
   * @return the strings; empty if the claim is absent or of another type
   */
  public List<String> stringListClaim(String name) {
    Object v = claims.get(name);
    if (v instanceof String s) {
      return List.of(s);
    }
    if (v instanceof Collection<?> c) {
      return c.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Leaves the claims out: they may carry personal data. */
  @Override
  public String toString() {
    return "AuthenticatedToken[subject=" + subject + ", issuer=" + issuer + ", audiences=" + audiences
        + ", expiresAt=" + expiresAt + ", actor=" + actor + ", tenantHints=" + tenantHints + "]";
  }
}
