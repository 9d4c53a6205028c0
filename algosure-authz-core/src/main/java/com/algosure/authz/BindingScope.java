package com.algosure.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link RoleBinding} applies: the whole platform, one tenant, or one organization of a tenant.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class BindingScope {

  /** The kinds of scope. */
  public enum Kind {
    /** Every tenant; only privileged roles can act across tenants, and only with MFA. */
    PLATFORM,
    /** One tenant, every organization in it. */
    TENANT,
    /** One organization of one tenant. */
    ORGANIZATION
  }

  private static final BindingScope PLATFORM = new BindingScope(Kind.PLATFORM, null, null);

  private final Kind kind;
  private final @Nullable TenantId tenant;
  private final @Nullable OrganizationId organization;

  private BindingScope(Kind kind, @Nullable TenantId tenant, @Nullable OrganizationId organization) {
    this.kind = kind;
    this.tenant = tenant;
    this.organization = organization;
  }

  /** @return the platform scope */
  public static BindingScope platform() {
    return PLATFORM;
  }

  /** @param tenant the tenant @return a tenant scope */
  public static BindingScope tenant(TenantId tenant) {
    return new BindingScope(Kind.TENANT, Objects.requireNonNull(tenant, "tenant"), null);
  }

  /** @param tenant the tenant @param organization the organization in it @return an organization scope */
  public static BindingScope organization(TenantId tenant, OrganizationId organization) {
    return new BindingScope(Kind.ORGANIZATION, Objects.requireNonNull(tenant, "tenant"),
        Objects.requireNonNull(organization, "organization"));
  }

  /** @return the kind of scope */
  public Kind kind() {
    return kind;
  }

  /** @return the tenant, absent for the platform scope */
  public Optional<TenantId> tenantId() {
    return Optional.ofNullable(tenant);
  }

  /** @return the organization, present only for an organization scope */
  public Optional<OrganizationId> organizationId() {
    return Optional.ofNullable(organization);
  }

  /**
   * Whether this scope covers a context. A platform scope covers every tenant; a tenant scope its tenant, as a
   * whole and each of its organizations; an organization scope only that organization, never the tenant as a
   * whole. To ask about a {@link PermissionScope#TENANT tenant-scoped} permission, pass a null organization even
   * where the request names one: an organization's role must not grant a tenant-wide action.
   *
   * @param tenant the tenant of the request
   * @param organization the active organization, or null for the tenant as a whole
   * @return true if a role bound in this scope applies there
   */
  public boolean covers(TenantId tenant, @Nullable OrganizationId organization) {
    switch (kind) {
      case PLATFORM:
        return true;
      case TENANT:
        return tenant.equals(this.tenant);
      default:
        // an organization scope is made only by organization(...), which requires the organization
        return tenant.equals(this.tenant) && castToNonNull(this.organization).equals(organization);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BindingScope s && kind == s.kind && Objects.equals(tenant, s.tenant)
        && Objects.equals(organization, s.organization);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, tenant, organization);
  }

  @Override
  public String toString() {
    switch (kind) {
      case PLATFORM:
        return "platform";
      case TENANT:
        return "tenant:" + tenant;
      default:
        return "organization:" + tenant + "/" + organization;
    }
  }
}
