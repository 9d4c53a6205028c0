package com.algosure.benchmarks.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A generated, deterministic authorization world that every implementation under test is built from, so
 * that all of them answer the same questions about the same roles and bindings.
 *
 * <ul>
 *   <li>{@code 2 × roles} permissions {@code p<i>:run}; every third needs a billing feature
 *       {@code feat-<k>} (k in 0..3);
 *   <li>{@code roles} roles {@code role-<r>}, each granting five permissions;
 *   <li>{@code max(2, bindings / 100)} tenants {@code t<i>} with four organizations {@code o<i>.<k>} each;
 *       each tenant's plan lacks exactly one of the four features;
 *   <li>{@code bindings} distinct organization-scoped role bindings over {@code max(2, bindings / 4)} users.
 * </ul>
 *
 * <p>{@link #requests()} mixes permits and denials of every kind the peers can express (role lacks the
 * permission, not a member, feature missing, organization outside the named tenant); {@link #typical()} are
 * the permits of a member whose role grants an action gated by a feature the tenant's plan includes: the
 * "typical tenant + organization request with an entitlement check".
 *
 * <p>Immutable after construction; thread-safe.
 */
public final class PdpWorld {

  /** An organization-scoped role binding. */
  public record Binding(String user, String role, String tenant, String organization) {}

  /** One question: may {@code user} perform {@code action} in {@code organization} of {@code tenant}? */
  public record Question(String user, String tenant, String organization, String action) {}

  /** The resource type every question acts on (our RBAC, like the peers', does not look at it). */
  public static final String RESOURCE_TYPE = "record";

  private static final int FEATURES = 4;
  private static final int REQUESTS = 1024;
  private static final int TYPICAL = 256;

  private final int roleCount;
  private final int bindingCount;
  private final List<String> permissions = new ArrayList<>();
  private final Map<String, String> featureOf = new LinkedHashMap<>();
  private final Map<String, List<String>> grants = new LinkedHashMap<>();
  private final List<String> tenants = new ArrayList<>();
  private final Map<String, String> tenantOf = new LinkedHashMap<>();
  private final List<String> organizations = new ArrayList<>();
  private final Map<String, Set<String>> features = new LinkedHashMap<>();
  private final List<String> users = new ArrayList<>();
  private final List<Binding> bindings;
  private final Map<String, List<Binding>> bindingsOf = new LinkedHashMap<>();
  private final List<Question> requests;
  private final List<Question> typical;

  private PdpWorld(int roleCount, int bindingCount) {
    if (roleCount < 1 || bindingCount < 1) {
      throw new IllegalArgumentException("roles and bindings must be positive, were " + roleCount + " and " + bindingCount);
    }
    this.roleCount = roleCount;
    this.bindingCount = bindingCount;
    Random random = new Random(20261123L + 31L * roleCount + bindingCount);
    int permissionCount = 2 * roleCount;
    for (int i = 0; i < permissionCount; i++) {
      String p = "p" + i + ":run";
      permissions.add(p);
      if (i % 3 == 0) {
        featureOf.put(p, "feat-" + (i / 3) % FEATURES);
      }
    }
    for (int r = 0; r < roleCount; r++) {
      Set<String> granted = new LinkedHashSet<>();
      for (int j = 0; granted.size() < Math.min(5, permissionCount); j++) {
        granted.add(permissions.get((2 * r + 7 * j) % permissionCount));
      }
      grants.put("role-" + r, List.copyOf(granted));
    }
    int tenantCount = Math.max(2, bindingCount / 100);
    for (int t = 0; t < tenantCount; t++) {
      String tenant = "t" + t;
      tenants.add(tenant);
      Set<String> plan = new LinkedHashSet<>();
      for (int k = 0; k < FEATURES; k++) {
        if ((t + k) % FEATURES != 0) {
          plan.add("feat-" + k);
        }
      }
      features.put(tenant, Set.copyOf(plan));
      for (int k = 0; k < 4; k++) {
        String org = "o" + t + "." + k;
        organizations.add(org);
        tenantOf.put(org, tenant);
      }
    }
    int userCount = Math.max(2, bindingCount / 4);
    for (int u = 0; u < userCount; u++) {
      users.add("u" + u);
    }
    List<String> roleNames = new ArrayList<>(grants.keySet());
    Set<Binding> unique = new LinkedHashSet<>();
    long capacity = (long) userCount * roleCount * organizations.size();
    if (capacity < bindingCount) {
      throw new IllegalArgumentException("cannot make " + bindingCount + " distinct bindings");
    }
    for (int i = 0; unique.size() < bindingCount; i++) {
      String user = users.get(i % userCount);
      String org = organizations.get(random.nextInt(organizations.size()));
      // every organization is in a tenant, every role grants a list and every tenant has features (all made above)
      unique.add(new Binding(user, roleNames.get(random.nextInt(roleCount)), castToNonNull(tenantOf.get(org)), org));
    }
    this.bindings = List.copyOf(unique);
    for (Binding b : bindings) {
      bindingsOf.computeIfAbsent(b.user(), k -> new ArrayList<>()).add(b);
    }
    this.requests = generateRequests(random, roleNames);
    this.typical = generateTypical(random);
  }

  /**
   * @param roles how many roles the catalogue has
   * @param bindings how many role bindings the directory has
   * @return the world of that size (the same for the same sizes)
   */
  public static PdpWorld of(int roles, int bindings) {
    return new PdpWorld(roles, bindings);
  }

  /**
   * Parses a size such as {@code 100x1000} (roles × bindings), the form the benchmarks take it as a parameter.
   *
   * @param size roles, an {@code x}, bindings
   * @return the world of that size
   */
  public static PdpWorld parse(String size) {
    int x = size.indexOf('x');
    if (x <= 0) {
      throw new IllegalArgumentException("size '" + size + "' is not ROLESxBINDINGS, such as 100x1000");
    }
    return of(Integer.parseInt(size.substring(0, x)), Integer.parseInt(size.substring(x + 1)));
  }

  private List<Question> generateRequests(Random random, List<String> roleNames) {
    List<Question> out = new ArrayList<>(REQUESTS);
    while (out.size() < REQUESTS) {
      int kind = random.nextInt(20);
      Binding b = bindings.get(random.nextInt(bindings.size()));
      if (kind < 12) { // a member using one of the role's permissions: permit unless the plan lacks the feature
        List<String> granted = castToNonNull(grants.get(b.role()));
        out.add(new Question(b.user(), b.tenant(), b.organization(), granted.get(random.nextInt(granted.size()))));
      } else if (kind < 15) { // a member asking for any permission: mostly not granted
        out.add(new Question(b.user(), b.tenant(), b.organization(), permissions.get(random.nextInt(permissions.size()))));
      } else if (kind < 18) { // anyone in any organization: mostly not a member
        String org = organizations.get(random.nextInt(organizations.size()));
        List<String> granted = castToNonNull(grants.get(roleNames.get(random.nextInt(roleNames.size()))));
        out.add(new Question(users.get(random.nextInt(users.size())), castToNonNull(tenantOf.get(org)), org,
            granted.get(random.nextInt(granted.size()))));
      } else { // the organization named under another tenant
        String other = tenants.get((tenants.indexOf(b.tenant()) + 1) % tenants.size());
        List<String> granted = castToNonNull(grants.get(b.role()));
        out.add(new Question(b.user(), other, b.organization(), granted.get(random.nextInt(granted.size()))));
      }
    }
    return Collections.unmodifiableList(out);
  }

  private List<Question> generateTypical(Random random) {
    List<Question> out = new ArrayList<>(TYPICAL);
    for (int tries = 0; out.size() < TYPICAL && tries < 1_000_000; tries++) {
      Binding b = bindings.get(random.nextInt(bindings.size()));
      for (String p : castToNonNull(grants.get(b.role()))) {
        String feature = featureOf.get(p);
        if (feature != null && castToNonNull(features.get(b.tenant())).contains(feature)) {
          out.add(new Question(b.user(), b.tenant(), b.organization(), p));
          break;
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no typical request in a world of " + roleCount + " roles");
    }
    return Collections.unmodifiableList(out);
  }

  /** @return how many roles */
  public int roleCount() {
    return roleCount;
  }

  /** @return how many bindings */
  public int bindingCount() {
    return bindingCount;
  }

  /** @return every permission, in order */
  public List<String> permissions() {
    return Collections.unmodifiableList(permissions);
  }

  /** @param permission a permission @return the feature it needs, or null */
  public @Nullable String featureOf(String permission) {
    return featureOf.get(permission);
  }

  /** @return role → the permissions it grants */
  public Map<String, List<String>> grants() {
    return Collections.unmodifiableMap(grants);
  }

  /** @return every tenant */
  public List<String> tenants() {
    return Collections.unmodifiableList(tenants);
  }

  /** @return organization → its tenant */
  public Map<String, String> tenantOf() {
    return Collections.unmodifiableMap(tenantOf);
  }

  /** @return tenant → the features its plan includes */
  public Map<String, Set<String>> features() {
    return Collections.unmodifiableMap(features);
  }

  /** @return every binding */
  public List<Binding> bindings() {
    return bindings;
  }

  /** @param user a user @return the user's bindings */
  public List<Binding> bindingsOf(String user) {
    return bindingsOf.getOrDefault(user, List.of());
  }

  /** @return the mixed request set the peers are checked against */
  public List<Question> requests() {
    return requests;
  }

  /** @return 256 typical permitted requests with an entitlement check, drawn from the bindings with repetition */
  public List<Question> typical() {
    return typical;
  }

  @Override
  public String toString() {
    return "PdpWorld[" + roleCount + " roles, " + bindingCount + " bindings, " + tenants.size() + " tenants, "
        + organizations.size() + " organizations, " + users.size() + " users]";
  }
}
