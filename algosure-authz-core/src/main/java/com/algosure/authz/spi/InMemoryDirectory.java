package com.algosure.authz.spi;

import com.algosure.authz.BindingScope;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.RoleBinding;
import com.algosure.authz.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Directory} held in memory, for tests, examples and hosts whose directory is small and static.
 * Built once, never changed; every answer is a precomputed immutable collection, so look-ups allocate
 * nothing. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryDirectory implements Directory {

  private final Map<String, Set<TenantId>> tenants;
  private final Map<String, Map<TenantId, Set<OrganizationId>>> memberships;
  private final Map<OrganizationId, TenantId> organizations;
  private final Map<String, List<RoleBinding>> bindings;

  private InMemoryDirectory(Builder b) {
    Map<String, Set<TenantId>> t = new HashMap<>();
    b.tenantAccess.forEach((s, set) -> t.put(s, Set.copyOf(set)));
    this.tenants = Map.copyOf(t);
    Map<String, Map<TenantId, Set<OrganizationId>>> m = new HashMap<>();
    b.members.forEach((s, byTenant) -> {
      Map<TenantId, Set<OrganizationId>> copy = new HashMap<>();
      byTenant.forEach((tenant, orgs) -> copy.put(tenant, Set.copyOf(orgs)));
      m.put(s, Map.copyOf(copy));
    });
    this.memberships = Map.copyOf(m);
    this.organizations = Map.copyOf(b.organizations);
    Map<String, List<RoleBinding>> bs = new HashMap<>();
    b.bindings.forEach((s, list) -> bs.put(s, List.copyOf(list)));
    this.bindings = Map.copyOf(bs);
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public Set<TenantId> tenantsOf(String subject) {
    return tenants.getOrDefault(subject, Set.of());
  }

  @Override
  public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
    Map<TenantId, Set<OrganizationId>> byTenant = memberships.get(subject);
    if (byTenant == null) {
      return Set.of();
    }
    return byTenant.getOrDefault(tenant, Set.of());
  }

  @Override
  public Optional<TenantId> tenantOf(OrganizationId organization) {
    return Optional.ofNullable(organizations.get(organization));
  }

  @Override
  public List<RoleBinding> bindingsOf(String subject) {
    return bindings.getOrDefault(subject, List.of());
  }

  @Override
  public String toString() {
    return "InMemoryDirectory[" + organizations.size() + " organizations, " + tenants.size() + " subjects]";
  }

  /**
   * Builds an {@link InMemoryDirectory}. Declare organizations first; memberships and bindings must name
   * declared organizations. Not thread-safe.
   */
  public static final class Builder {
    private final Map<OrganizationId, TenantId> organizations = new HashMap<>();
    private final Map<String, Set<TenantId>> tenantAccess = new HashMap<>();
    private final Map<String, Map<TenantId, Set<OrganizationId>>> members = new HashMap<>();
    private final Map<String, List<RoleBinding>> bindings = new HashMap<>();

    private Builder() {}

    /**
     * Declares an organization of a tenant.
     *
     * @param tenant the tenant
     * @param organization the organization
     * @return this builder
     * @throws IllegalArgumentException if the organization is already declared in another tenant
     */
    public Builder organization(String tenant, String organization) {
      TenantId t = TenantId.of(tenant);
      OrganizationId o = OrganizationId.of(organization);
      TenantId before = organizations.putIfAbsent(o, t);
      if (before != null && !before.equals(t)) {
        throw new IllegalArgumentException("organization '" + o + "' is already declared in tenant '" + before + "'");
      }
      return this;
    }

    /**
     * Gives a subject access to a tenant, without membership of any organization.
     *
     * @param subject the subject id
     * @param tenant the tenant
     * @return this builder
     */
    public Builder tenantAccess(String subject, String tenant) {
      tenantAccess.computeIfAbsent(Objects.requireNonNull(subject, "subject"), k -> new HashSet<>()).add(TenantId.of(tenant));
      return this;
    }

    /**
     * Makes a subject a member of organizations (and so gives access to their tenants).
     *
     * @param subject the subject id
     * @param organizations declared organizations
     * @return this builder
     * @throws IllegalArgumentException if an organization is not declared
     */
    public Builder member(String subject, String... organizations) {
      for (String org : organizations) {
        OrganizationId o = OrganizationId.of(org);
        TenantId t = tenantOfDeclared(o);
        tenantAccess(subject, t.value());
        members.computeIfAbsent(subject, k -> new HashMap<>()).computeIfAbsent(t, k -> new HashSet<>()).add(o);
      }
      return this;
    }

    /**
     * Binds a role to a subject in the whole platform.
     *
     * @param subject the subject id
     * @param role the role
     * @return this builder
     */
    public Builder platformRole(String subject, String role) {
      return bind(new RoleBinding(subject, Role.of(role), BindingScope.platform()));
    }

    /**
     * Binds a role to a subject in a tenant (and gives access to it).
     *
     * @param subject the subject id
     * @param tenant the tenant
     * @param role the role
     * @return this builder
     */
    public Builder tenantRole(String subject, String tenant, String role) {
      tenantAccess(subject, tenant);
      return bind(new RoleBinding(subject, Role.of(role), BindingScope.tenant(TenantId.of(tenant))));
    }

    /**
     * Binds a role to a subject in an organization (and makes the subject a member of it).
     *
     * @param subject the subject id
     * @param organization a declared organization
     * @param role the role
     * @return this builder
     */
    public Builder organizationRole(String subject, String organization, String role) {
      OrganizationId o = OrganizationId.of(organization);
      member(subject, organization);
      return bind(new RoleBinding(subject, Role.of(role), BindingScope.organization(tenantOfDeclared(o), o)));
    }

    /**
     * Adds a binding as it is.
     *
     * @param binding the binding
     * @return this builder
     */
    public Builder bind(RoleBinding binding) {
      bindings.computeIfAbsent(binding.subject(), k -> new ArrayList<>()).add(binding);
      return this;
    }

    private TenantId tenantOfDeclared(OrganizationId o) {
      TenantId t = organizations.get(o);
      if (t == null) {
        throw new IllegalArgumentException("organization '" + o + "' is not declared: call organization(tenant, \"" + o + "\") first");
      }
      return t;
    }

    /** @return the directory */
    public InMemoryDirectory build() {
      return new InMemoryDirectory(this);
    }
  }
}
