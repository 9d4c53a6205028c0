package com.algosure.authz.spi;

import com.algosure.authz.BindingScope;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.RoleBinding;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.ArraySet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Directory} held in memory, for tests, examples and hosts whose directory is small and static.
 * Built once, never changed; every answer is a precomputed immutable collection, so look-ups allocate
 * nothing. Thread-safe.
 *
 * <p>Users and service accounts are kept apart: the builder's {@code serviceAccount...} methods declare a
 * service account's records, which only {@link #serviceAccounts()} answers, so a client id equal to a user id
 * never shares that user's tenants, memberships or bindings (nor the other way round).
 *
 * <p>Laid out for look-ups: one record per subject holds its tenants, its memberships and its bindings, built
 * together so that they sit side by side in memory, and found with one hash look-up (a decision asks for all
 * three). A large directory therefore costs a decision about as many cache misses as a small one.
 *
 * @since 0.1.0
 */
public final class InMemoryDirectory implements Directory {

  /** What the directory knows of one subject. Immutable. */
  private static final class Subject {
    final String name;
    final Set<TenantId> tenants;
    /** The tenants the subject is a member of organizations in, and those organizations, index by index. */
    final TenantId[] memberTenants;
    final Set<OrganizationId>[] memberOrganizations;
    final List<RoleBinding> bindings;

    Subject(String name, Set<TenantId> tenants, TenantId[] memberTenants, Set<OrganizationId>[] memberOrganizations,
        List<RoleBinding> bindings) {
      this.name = name;
      this.tenants = tenants;
      this.memberTenants = memberTenants;
      this.memberOrganizations = memberOrganizations;
      this.bindings = bindings;
    }

    Set<OrganizationId> organizationsIn(TenantId tenant) {
      TenantId[] t = memberTenants;
      for (int i = 0; i < t.length; i++) {
        if (t[i].equals(tenant)) {
          return memberOrganizations[i];
        }
      }
      return Set.of();
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static final Set<OrganizationId>[] NO_ORGANIZATIONS = new Set[0];
  private static final TenantId[] NO_TENANTS = new TenantId[0];

  /** Every subject's record, by name: the users', or (in {@link #serviceAccounts()}) the service accounts'. */
  private final Map<String, Subject> subjects;
  // never changed after construction
  private final Map<OrganizationId, TenantId> organizations;
  /** The service accounts' directory; this one itself in that directory. */
  private final InMemoryDirectory serviceAccounts;

  private InMemoryDirectory(Builder b) {
    this.organizations = new HashMap<>(b.organizations);
    this.subjects = subjects(b.users);
    this.serviceAccounts = new InMemoryDirectory(subjects(b.clients), organizations);
  }

  /** The service accounts' directory: the same organizations, the clients' records. */
  private InMemoryDirectory(Map<String, Subject> clients, Map<OrganizationId, TenantId> organizations) {
    this.organizations = organizations;
    this.subjects = clients;
    this.serviceAccounts = this;
  }

  private static Map<String, Subject> subjects(Records r) {
    Set<String> names = new java.util.LinkedHashSet<>(r.tenantAccess.keySet());
    names.addAll(r.members.keySet());
    names.addAll(r.bindings.keySet());
    Map<String, Subject> bySubject = new HashMap<>(names.size() * 2);
    for (String name : names) {
      Subject s = subject(name, r);
      bySubject.put(s.name, s);
    }
    return bySubject;
  }

  private @Nullable Subject subjectOrNull(String name) {
    return subjects.get(name);
  }

  /**
   * One subject's record. Everything it holds is a fresh copy made here, one subject after the other, so that
   * a subject's name, tenants, memberships and bindings lie together in memory rather than scattered over the
   * builder's maps: a decision touches a few neighbouring cache lines instead of a dozen far apart.
   */
  @SuppressWarnings("unchecked")
  private static Subject subject(String name, Records b) {
    Set<TenantId> access = b.tenantAccess.getOrDefault(name, Set.of());
    TenantId[] tenants = new TenantId[access.size()];
    int n = 0;
    for (TenantId t : access) {
      tenants[n++] = copy(t);
    }
    Map<TenantId, Set<OrganizationId>> byTenant = b.members.getOrDefault(name, Map.of());
    TenantId[] memberTenants = byTenant.isEmpty() ? NO_TENANTS : new TenantId[byTenant.size()];
    Set<OrganizationId>[] memberOrganizations = byTenant.isEmpty() ? NO_ORGANIZATIONS : new Set[byTenant.size()];
    int i = 0;
    for (Map.Entry<TenantId, Set<OrganizationId>> e : byTenant.entrySet()) {
      memberTenants[i] = copy(e.getKey());
      OrganizationId[] orgs = new OrganizationId[e.getValue().size()];
      int k = 0;
      for (OrganizationId o : e.getValue()) {
        orgs[k++] = copy(o);
      }
      memberOrganizations[i] = ArraySet.copyOf(java.util.Arrays.asList(orgs));
      i++;
    }
    List<RoleBinding> given = b.bindings.getOrDefault(name, List.of());
    RoleBinding[] bindings = new RoleBinding[given.size()];
    for (int j = 0; j < bindings.length; j++) {
      RoleBinding g = given.get(j);
      bindings[j] = new RoleBinding(g.subject(), Role.of(copy(g.role().name())), copy(g.scope()));
    }
    return new Subject(copy(name), ArraySet.copyOf(java.util.Arrays.asList(tenants)), memberTenants,
        memberOrganizations, List.of(bindings));
  }

  /** A string with its own characters (the {@code String(String)} constructor would share them). */
  private static String copy(String s) {
    return new String(s.toCharArray());
  }

  private static TenantId copy(TenantId t) {
    return TenantId.of(copy(t.value()));
  }

  private static OrganizationId copy(OrganizationId o) {
    return OrganizationId.of(copy(o.value()));
  }

  private static BindingScope copy(BindingScope scope) {
    switch (scope.kind()) {
      case TENANT:
        return BindingScope.tenant(copy(scope.tenantId().orElseThrow()));
      case ORGANIZATION:
        return BindingScope.organization(copy(scope.tenantId().orElseThrow()),
            copy(scope.organizationId().orElseThrow()));
      default:
        return scope;
    }
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public Set<TenantId> tenantsOf(String subject) {
    Subject s = subjectOrNull(subject);
    return s == null ? Set.of() : s.tenants;
  }

  @Override
  public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
    Subject s = subjectOrNull(subject);
    return s == null ? Set.of() : s.organizationsIn(tenant);
  }

  @Override
  public Optional<TenantId> tenantOf(OrganizationId organization) {
    return Optional.ofNullable(organizations.get(organization));
  }

  @Override
  public List<RoleBinding> bindingsOf(String subject) {
    Subject s = subjectOrNull(subject);
    return s == null ? List.of() : s.bindings;
  }

  /**
   * The service accounts declared with the builder's {@code serviceAccount...} methods, by client id; none of
   * the users. In the returned directory, this method returns that directory itself.
   */
  @Override
  public InMemoryDirectory serviceAccounts() {
    return serviceAccounts;
  }

  @Override
  public String toString() {
    return "InMemoryDirectory[" + organizations.size() + " organizations, " + tenantSubjects() + " subjects"
        + (serviceAccounts == this ? "" : ", " + serviceAccounts.tenantSubjects() + " service accounts") + "]";
  }

  private long tenantSubjects() {
    long n = 0;
    for (Subject s : subjects.values()) {
      if (!s.tenants.isEmpty()) {
        n++;
      }
    }
    return n;
  }

  /** What a builder was told of the subjects of one namespace (users, or service accounts). */
  private static final class Records {
    final Map<String, Set<TenantId>> tenantAccess = new HashMap<>();
    final Map<String, Map<TenantId, Set<OrganizationId>>> members = new HashMap<>();
    final Map<String, List<RoleBinding>> bindings = new HashMap<>();
  }

  /**
   * Builds an {@link InMemoryDirectory}. Declare organizations first; memberships and bindings must name
   * declared organizations. The methods without {@code serviceAccount} in their name declare users; those with
   * it declare service accounts (clients), in a namespace of their own. Not thread-safe.
   */
  public static final class Builder {
    private final Map<OrganizationId, TenantId> organizations = new HashMap<>();
    private final Records users = new Records();
    private final Records clients = new Records();

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
     * Gives a user access to a tenant, without membership of any organization.
     *
     * @param subject the user id
     * @param tenant the tenant
     * @return this builder
     */
    public Builder tenantAccess(String subject, String tenant) {
      return tenantAccess(users, subject, tenant);
    }

    /**
     * Gives a service account access to a tenant, without membership of any organization.
     *
     * @param clientId the service account's client id
     * @param tenant the tenant
     * @return this builder
     * @since 0.1.0
     */
    public Builder serviceAccountTenantAccess(String clientId, String tenant) {
      return tenantAccess(clients, clientId, tenant);
    }

    private Builder tenantAccess(Records r, String subject, String tenant) {
      r.tenantAccess.computeIfAbsent(Objects.requireNonNull(subject, "subject"), k -> new HashSet<>())
          .add(TenantId.of(tenant));
      return this;
    }

    /**
     * Makes a user a member of organizations (and so gives access to their tenants).
     *
     * @param subject the user id
     * @param organizations declared organizations
     * @return this builder
     * @throws IllegalArgumentException if an organization is not declared
     */
    public Builder member(String subject, String... organizations) {
      return member(users, subject, organizations);
    }

    private Builder member(Records r, String subject, String... organizations) {
      for (String org : organizations) {
        OrganizationId o = OrganizationId.of(org);
        TenantId t = tenantOfDeclared(o);
        tenantAccess(r, subject, t.value());
        r.members.computeIfAbsent(subject, k -> new HashMap<>()).computeIfAbsent(t, k -> new HashSet<>()).add(o);
      }
      return this;
    }

    /**
     * Binds a role to a user in the whole platform.
     *
     * @param subject the user id
     * @param role the role
     * @return this builder
     */
    public Builder platformRole(String subject, String role) {
      return bind(new RoleBinding(subject, Role.of(role), BindingScope.platform()));
    }

    /**
     * Binds a role to a user in a tenant (and gives access to it).
     *
     * @param subject the user id
     * @param tenant the tenant
     * @param role the role
     * @return this builder
     */
    public Builder tenantRole(String subject, String tenant, String role) {
      return tenantRole(users, subject, tenant, role);
    }

    /**
     * Binds a role to a service account in a tenant (and gives it access to the tenant).
     *
     * @param clientId the service account's client id
     * @param tenant the tenant
     * @param role the role
     * @return this builder
     * @since 0.1.0
     */
    public Builder serviceAccountTenantRole(String clientId, String tenant, String role) {
      return tenantRole(clients, clientId, tenant, role);
    }

    private Builder tenantRole(Records r, String subject, String tenant, String role) {
      tenantAccess(r, subject, tenant);
      return bind(r, new RoleBinding(subject, Role.of(role), BindingScope.tenant(TenantId.of(tenant))));
    }

    /**
     * Binds a role to a user in an organization (and makes the user a member of it).
     *
     * @param subject the user id
     * @param organization a declared organization
     * @param role the role
     * @return this builder
     * @throws IllegalArgumentException if the organization is not declared
     */
    public Builder organizationRole(String subject, String organization, String role) {
      return organizationRole(users, subject, organization, role);
    }

    /**
     * Binds a role to a service account in an organization (and makes it a member of the organization).
     *
     * @param clientId the service account's client id
     * @param organization a declared organization
     * @param role the role
     * @return this builder
     * @throws IllegalArgumentException if the organization is not declared
     * @since 0.1.0
     */
    public Builder serviceAccountOrganizationRole(String clientId, String organization, String role) {
      return organizationRole(clients, clientId, organization, role);
    }

    private Builder organizationRole(Records r, String subject, String organization, String role) {
      OrganizationId o = OrganizationId.of(organization);
      member(r, subject, organization);
      return bind(r, new RoleBinding(subject, Role.of(role), BindingScope.organization(tenantOfDeclared(o), o)));
    }

    /**
     * Adds a user's binding as it is (without giving access to its tenant).
     *
     * @param binding the binding, whose subject is a user id
     * @return this builder
     */
    public Builder bind(RoleBinding binding) {
      return bind(users, binding);
    }

    /**
     * Adds a service account's binding as it is (without giving access to its tenant: see
     * {@link #serviceAccountTenantAccess}).
     *
     * @param binding the binding, whose subject is a client id
     * @return this builder
     * @since 0.1.0
     */
    public Builder bindServiceAccount(RoleBinding binding) {
      return bind(clients, binding);
    }

    private Builder bind(Records r, RoleBinding binding) {
      r.bindings.computeIfAbsent(binding.subject(), k -> new ArrayList<>()).add(binding);
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
