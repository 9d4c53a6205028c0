package com.algosure.authz;

import com.algosure.authz.internal.UntrustedText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a validated credential says about its holder: hints and role signals, never facts. Tenant access and
 * organization membership are resolved against the host's directory; these signals only count inside the
 * context the directory confirms.
 *
 * <p>Immutable and thread-safe. Create with {@link #builder()} or {@link #none()}.
 *
 * @since 0.1.0
 */
public final class IdentitySignals {

  private static final IdentitySignals NONE = new Builder().build();

  private final @Nullable String issuer;
  private final Set<Role> roles;
  private final Map<Role, Set<BindingScope>> scopedRoles;
  private final @Nullable TenantId trustedTenant;
  private final Set<OrganizationId> organizationHints;
  private final boolean mfa;
  private final List<String> mfaEvidence;
  private final @Nullable Instant expiresAt;
  private final @Nullable String impersonator;
  private final List<String> priorActors;

  private IdentitySignals(Builder b) {
    this.issuer = b.issuer;
    this.roles = Set.copyOf(b.roles);
    Map<Role, Set<BindingScope>> scoped = new LinkedHashMap<>();
    b.scopedRoles.forEach((role, scopes) -> scoped.put(role, Set.copyOf(scopes)));
    this.scopedRoles = Map.copyOf(scoped);
    this.trustedTenant = b.trustedTenant;
    this.organizationHints = Set.copyOf(b.organizationHints);
    this.mfa = b.mfa;
    this.mfaEvidence = b.mfa ? b.mfaEvidence : List.of();
    this.expiresAt = b.expiresAt;
    this.impersonator = b.impersonator;
    this.priorActors = b.priorActors;
  }

  /** @return signals that say nothing: no roles, no tenant, no MFA, no expiry */
  public static IdentitySignals none() {
    return NONE;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the issuer that vouched for these signals, if any */
  public Optional<String> issuer() {
    return Optional.ofNullable(issuer);
  }

  /**
   * @return the Algosure roles mapped from the credential's role signals that name no tenant (realm and client
   *     roles, groups without a {@code {tenant}}): they count wherever the directory confirms the context
   */
  public Set<Role> roles() {
    return roles;
  }

  /**
   * Role signals that hold only in one tenant or organization, such as the role of a Keycloak group
   * {@code /tenants/acme/admins}: each counts only where one of its scopes {@linkplain BindingScope#covers covers}
   * the decision's tenant and organization, as a directory binding of that scope would (never across tenants, and
   * an organization's role never for a tenant-wide permission), and never for cross-tenant administration.
   *
   * @return each scoped role with the tenants or organizations it holds in; never a platform scope
   * @since 0.1.0
   */
  public Map<Role, Set<BindingScope>> scopedRoles() {
    return scopedRoles;
  }

  /** @return the tenant from a claim the host declared trusted, if any */
  public Optional<TenantId> trustedTenant() {
    return Optional.ofNullable(trustedTenant);
  }

  /** @return organizations the credential hints at; membership is still resolved in the directory */
  public Set<OrganizationId> organizationHints() {
    return organizationHints;
  }

  /** @return whether the credential carries multi-factor authentication evidence */
  public boolean mfa() {
    return mfa;
  }

  /**
   * Which of the credential's values counted as MFA evidence, each as {@code claim:value} ({@code amr:otp},
   * {@code acr:gold}), in the order the credential gives them: {@link com.algosure.authz.token.KeycloakMapping} names the
   * {@code amr} values and the {@code acr} value it is configured to count. A cross-tenant administration decision
   * records them (audit detail {@code mfaEvidence}, comma-separated), so that it is traceable which evidence admitted it.
   *
   * @return the evidence, immutable; empty where there is no MFA evidence, or where it was given as {@code mfa(true)}
   *     without naming any
   * @since 0.1.0
   */
  public List<String> mfaEvidence() {
    return mfaEvidence;
  }

  /** @return when the credential expires, if it does */
  public Optional<Instant> expiresAt() {
    return Optional.ofNullable(expiresAt);
  }

  /**
   * Who obtained the credential by impersonating its holder, such as an administrator who "logged in as" the user in
   * Keycloak, or who acts for its holder by delegation (the current actor, {@code act.sub}, of an RFC 8693 token:
   * {@link com.algosure.authz.token.KeycloakMapping} maps it here). The credential is decided as its holder's; the impersonator's id is recorded with every decision
   * (audit detail {@code impersonator}), host policies see it ({@link AuthorizationContext#impersonator()}), and the
   * impersonator never counts as the second person of an approval of the holder's request. Nor does the holder count
   * as an approver through such a credential: a host that records an approval given with it records the impersonator
   * as {@link com.algosure.authz.spi.Approval#approvedBy()} (or refuses it), since the decision point sees only the
   * person an approval names.
   *
   * @return the impersonator's subject id, in the namespace of the holder's id; absent for a credential its holder
   *     obtained
   * @since 0.1.0
   */
  public Optional<String> impersonator() {
    return Optional.ofNullable(impersonator);
  }

  /**
   * The parties that acted for the credential's holder earlier in a delegation chain: the prior actors of an RFC 8693
   * token ({@code act.act.sub}, {@code act.act.act.sub}, ...; {@link com.algosure.authz.token.KeycloakMapping} maps
   * them here), the nearest first. They do not widen or narrow what the holder may do, but each took part in making
   * the request: none counts as the second person of an approval of the holder's request (as the
   * {@link #impersonator()} does not), decisions record them (audit detail {@code priorActors}), and host policies
   * see them ({@link AuthorizationContext#priorActors()}).
   *
   * @return the earlier acting parties' subject ids, in the namespace of the holder's id; empty without a chain
   * @since 0.1.0
   */
  public List<String> priorActors() {
    return priorActors;
  }

  /**
   * @param impersonator the impersonator's subject id
   * @return these signals with that impersonator (see {@link #impersonator()})
   * @throws IllegalArgumentException if the id is not a valid identifier
   * @since 0.1.0
   */
  public IdentitySignals withImpersonator(String impersonator) {
    return copy().impersonator(impersonator).build();
  }

  /**
   * @param priorActors the subject ids of the parties that acted earlier in the delegation chain, the nearest first
   * @return these signals with those prior actors (see {@link #priorActors()}) instead of their own
   * @throws IllegalArgumentException if an id is null or not a valid identifier
   * @throws NullPointerException if the list is null
   * @since 0.1.0
   */
  public IdentitySignals withPriorActors(List<String> priorActors) {
    return copy().priorActors(priorActors).build();
  }

  private Builder copy() {
    Builder b = new Builder();
    b.issuer = issuer;
    b.roles = roles;
    scopedRoles.forEach((role, scopes) -> b.scopedRoles.put(role, new LinkedHashSet<>(scopes)));
    b.trustedTenant = trustedTenant;
    b.organizationHints = organizationHints;
    b.mfa = mfa;
    b.mfaEvidence = mfaEvidence;
    b.expiresAt = expiresAt;
    b.impersonator = impersonator;
    b.priorActors = priorActors;
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IdentitySignals s
        && Objects.equals(issuer, s.issuer)
        && roles.equals(s.roles)
        && scopedRoles.equals(s.scopedRoles)
        && Objects.equals(trustedTenant, s.trustedTenant)
        && organizationHints.equals(s.organizationHints)
        && mfa == s.mfa
        && mfaEvidence.equals(s.mfaEvidence)
        && Objects.equals(expiresAt, s.expiresAt)
        && Objects.equals(impersonator, s.impersonator)
        && priorActors.equals(s.priorActors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(issuer, roles, scopedRoles, trustedTenant, organizationHints, mfa, mfaEvidence, expiresAt,
        impersonator, priorActors);
  }

  @Override
  public String toString() {
    return "IdentitySignals[issuer=" + issuer + ", roles=" + roles + ", scopedRoles=" + scopedRoles
        + ", trustedTenant=" + trustedTenant
        + ", organizationHints=" + organizationHints + ", mfa=" + mfa
        + (mfaEvidence.isEmpty() ? "" : ", mfaEvidence=" + mfaEvidence) + ", expiresAt=" + expiresAt
        + (impersonator == null ? "" : ", impersonator=" + impersonator)
        + (priorActors.isEmpty() ? "" : ", priorActors=" + priorActors) + "]";
  }

  /** Builds {@link IdentitySignals}; not thread-safe. */
  public static final class Builder {
    private @Nullable String issuer;
    private Set<Role> roles = Set.of();
    private final Map<Role, Set<BindingScope>> scopedRoles = new LinkedHashMap<>();
    private @Nullable TenantId trustedTenant;
    private Set<OrganizationId> organizationHints = Set.of();
    private boolean mfa;
    private List<String> mfaEvidence = List.of();
    private @Nullable Instant expiresAt;
    private @Nullable String impersonator;
    private List<String> priorActors = List.of();

    private Builder() {}

    /** @param issuer the issuer that vouched for the signals @return this builder */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** @param roles the mapped Algosure roles @return this builder */
    public Builder roles(Set<Role> roles) {
      this.roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
      return this;
    }

    /** @param roles the mapped Algosure roles, by name @return this builder */
    public Builder roles(String... roles) {
      Set<Role> set = new java.util.HashSet<>();
      for (String r : roles) {
        set.add(Role.of(r));
      }
      this.roles = Set.copyOf(set);
      return this;
    }

    /**
     * Adds a role signal that holds only in one tenant or organization (see {@link IdentitySignals#scopedRoles()}).
     * May be called several times, also for the same role in several scopes.
     *
     * @param role the mapped Algosure role
     * @param scope the tenant or organization it holds in
     * @return this builder
     * @throws IllegalArgumentException if the scope is the platform's: a role without a tenant belongs in
     *     {@link #roles(Set)}
     */
    public Builder scopedRole(Role role, BindingScope scope) {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(scope, "scope");
      if (scope.kind() == BindingScope.Kind.PLATFORM) {
        throw new IllegalArgumentException("scoped role '" + role + "' has the platform scope: a role signal that"
            + " names no tenant belongs in roles(...)");
      }
      scopedRoles.computeIfAbsent(role, r -> new LinkedHashSet<>()).add(scope);
      return this;
    }

    /** @param tenant the tenant of a claim the host trusts @return this builder */
    public Builder trustedTenant(TenantId tenant) {
      this.trustedTenant = Objects.requireNonNull(tenant, "tenant");
      return this;
    }

    /** @param organizations organizations the credential hints at @return this builder */
    public Builder organizationHints(Set<OrganizationId> organizations) {
      this.organizationHints = Set.copyOf(Objects.requireNonNull(organizations, "organizations"));
      return this;
    }

    /**
     * @param mfa whether the credential carries MFA evidence; {@code false} also forgets any evidence named
     * @return this builder
     */
    public Builder mfa(boolean mfa) {
      this.mfa = mfa;
      if (!mfa) {
        this.mfaEvidence = List.of();
      }
      return this;
    }

    /**
     * Names the credential's values that counted as MFA evidence (see {@link IdentitySignals#mfaEvidence()}); a
     * non-empty list also sets {@link #mfa(boolean) mfa(true)}.
     *
     * @param evidence each as {@code claim:value}, such as {@code amr:otp} or {@code acr:gold}
     * @return this builder
     * @throws IllegalArgumentException if a value is blank, longer than 256 characters or holds a character that could
     *     break or hide text in a record (a control, format or separator character)
     * @throws NullPointerException if the list or a value is null
     * @since 0.1.0
     */
    public Builder mfaEvidence(List<String> evidence) {
      List<String> copy = List.copyOf(evidence);
      for (String e : copy) {
        if (e.isBlank() || e.length() > 256 || !UntrustedText.safe(e, 256).equals(e)) {
          throw new IllegalArgumentException("MFA evidence '" + UntrustedText.printable(e, 64) + "' is not recordable:"
              + " name each value as claim:value, such as amr:otp, in 1 to 256 printable characters");
        }
      }
      this.mfaEvidence = copy;
      if (!copy.isEmpty()) {
        this.mfa = true;
      }
      return this;
    }

    /** @param expiresAt when the credential expires @return this builder */
    public Builder expiresAt(Instant expiresAt) {
      this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
      return this;
    }

    /**
     * @param impersonator the subject id of whoever obtained the credential by impersonating its holder (see
     *     {@link IdentitySignals#impersonator()})
     * @return this builder
     * @throws IllegalArgumentException if the id is not a valid identifier
     * @since 0.1.0
     */
    public Builder impersonator(String impersonator) {
      this.impersonator = Identifiers.require("impersonator id", impersonator);
      return this;
    }

    /**
     * @param priorActors the subject ids of the parties that acted for the holder earlier in a delegation chain, the
     *     nearest first (see {@link IdentitySignals#priorActors()})
     * @return this builder
     * @throws IllegalArgumentException if an id is null or not a valid identifier
     * @throws NullPointerException if the list is null
     * @since 0.1.0
     */
    public Builder priorActors(List<String> priorActors) {
      Objects.requireNonNull(priorActors, "priorActors");
      List<String> checked = new ArrayList<>(priorActors.size());
      for (String id : priorActors) {
        checked.add(Identifiers.require("prior actor id", id));
      }
      this.priorActors = List.copyOf(checked);
      return this;
    }

    /** @return the signals */
    public IdentitySignals build() {
      return new IdentitySignals(this);
    }
  }
}
