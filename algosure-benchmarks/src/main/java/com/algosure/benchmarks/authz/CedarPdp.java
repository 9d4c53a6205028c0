package com.algosure.benchmarks.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Cedar peer (cedar-java, native engine). A role held in an organization is Cedar entity data: the user
 * is a member of the group {@code Group::"o1.2#role-3"}, and the organization entity names its group for
 * each role. One policy per role checks membership of the group of the request's organization:
 *
 * <pre>
 * permit (principal, action in [Action::"p6:run", ...], resource is Org)
 *   when { resource has role_3 &amp;&amp; principal in resource.role_3 };
 * </pre>
 *
 * <p>Two kinds of {@code forbid} add what our tenant and entitlement stages check:
 *
 * <pre>
 * forbid (principal, action, resource) unless { context.tenant == resource.tenant };
 * forbid (principal, action in [...actions needing feat-k...], resource)
 *   unless { context.tenant.features.contains("feat-k") };
 * </pre>
 *
 * <p>The request's resource is the organization; the entities passed are the ones the request touches (the
 * user with its groups, the organization with its tenant and groups, the tenants with their plans), prepared
 * once, as a host would load them from its directory. The policy set is cached in the native engine
 * ({@link PolicySet#cache()}), so a call does not send the policies again.
 *
 * <p>Why not one template link per binding, Cedar's other pattern for scoped roles: Cedar evaluates every
 * policy on every request, so its time grows with the number of links (in a smoke run on this machine, under
 * load, about 2 to 3 µs more per link: 2.9 ms a request at 1,000 bindings); entity data keeps the policy count at
 * roles + features + 1, the shape that favours Cedar.
 */
public final class CedarPdp {

  private static final EntityTypeName USER = type("User");
  private static final EntityTypeName ORG = type("Org");
  private static final EntityTypeName GROUP = type("Group");
  private static final EntityTypeName TENANT = type("Tenant");
  private static final EntityTypeName ACTION = type("Action");

  private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
  private final PolicySet policies;
  private final PdpWorld world;

  /** A prepared request: the request and the entities it touches. */
  public record Prepared(AuthorizationRequest request, Entities entities) {}

  /** @param world the world to decide in */
  public CedarPdp(PdpWorld world) {
    this.world = world;
    Set<Policy> statics = new HashSet<>();
    statics.add(new Policy("forbid (principal, action, resource) unless { context.tenant == resource.tenant };",
        "tenant-of-organization"));
    Map<String, List<String>> byFeature = new TreeMap<>();
    for (String p : world.permissions()) {
      String f = world.featureOf(p);
      if (f != null) {
        byFeature.computeIfAbsent(f, k -> new ArrayList<>()).add(p);
      }
    }
    byFeature.forEach((feature, actions) -> statics.add(new Policy("forbid (principal, action in " + actions(actions)
        + ", resource) unless { context.tenant.features.contains(\"" + feature + "\") };", "entitlement-" + feature)));
    world.grants().forEach((role, permissions) -> statics.add(new Policy("permit (principal, action in "
        + actions(permissions) + ", resource is Org) when { resource has " + attribute(role) + " && principal in resource."
        + attribute(role) + " };", role)));
    this.policies = new PolicySet(statics);
    try {
      policies.cache();
    } catch (Exception e) {
      throw new IllegalStateException("Cedar could not cache the policy set: " + e.getMessage(), e);
    }
  }

  private static String attribute(String role) {
    return role.replace('-', '_');
  }

  private static String group(String organization, String role) {
    return organization + "#" + role;
  }

  private static EntityTypeName type(String name) {
    return EntityTypeName.parse(name).orElseThrow();
  }

  private static String actions(List<String> permissions) {
    return permissions.stream().map(p -> "Action::\"" + p + "\"").collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * @param questions the questions
   * @return requests with their entities, built once so that the benchmark measures {@code isAuthorized} alone
   */
  public Prepared[] prepare(List<PdpWorld.Question> questions) {
    Prepared[] out = new Prepared[questions.size()];
    for (int i = 0; i < out.length; i++) {
      PdpWorld.Question q = questions.get(i);
      // the world puts every organization in a tenant, and gives every tenant its features
      String orgTenant = castToNonNull(world.tenantOf().get(q.organization()));
      Set<Entity> entities = new HashSet<>();
      Set<EntityUID> groups = new HashSet<>();
      for (PdpWorld.Binding b : world.bindingsOf(q.user())) {
        groups.add(GROUP.of(group(b.organization(), b.role())));
      }
      entities.add(new Entity(USER.of(q.user()), Map.of(), groups));
      Map<String, Value> orgAttrs = new HashMap<>();
      orgAttrs.put("tenant", TENANT.of(orgTenant));
      for (String role : world.grants().keySet()) {
        orgAttrs.put(attribute(role), GROUP.of(group(q.organization(), role)));
      }
      entities.add(new Entity(ORG.of(q.organization()), orgAttrs, Set.of()));
      entities.add(tenant(orgTenant));
      if (!orgTenant.equals(q.tenant())) {
        entities.add(tenant(q.tenant()));
      }
      Map<String, Value> context = new LinkedHashMap<>();
      context.put("tenant", TENANT.of(q.tenant()));
      out[i] = new Prepared(new AuthorizationRequest(USER.of(q.user()), ACTION.of(q.action()), ORG.of(q.organization()),
          context), new Entities(entities));
    }
    return out;
  }

  private Entity tenant(String tenant) {
    List<Value> features = new ArrayList<>();
    for (String f : castToNonNull(world.features().get(tenant))) { // every tenant of the world has its features
      features.add(new PrimString(f));
    }
    Map<String, Value> attrs = new HashMap<>();
    attrs.put("features", new CedarList(features));
    return new Entity(TENANT.of(tenant), attrs, Set.of());
  }

  /**
   * @param prepared a prepared request
   * @return Cedar's response
   * @throws AuthException if the engine fails
   */
  public AuthorizationResponse decide(Prepared prepared) throws AuthException {
    return engine.isAuthorized(prepared.request(), policies, prepared.entities());
  }

  /**
   * @param prepared a prepared request
   * @return whether Cedar allows it; an evaluation error is a denial
   * @throws AuthException if the engine fails
   */
  public boolean permits(Prepared prepared) throws AuthException {
    AuthorizationResponse r = decide(prepared);
    if (r.type != AuthorizationResponse.SuccessOrFailure.Success || r.success.isEmpty()) {
      throw new IllegalStateException("Cedar failed: " + r);
    }
    if (!r.success.get().getErrors().isEmpty()) {
      throw new IllegalStateException("Cedar policy errors: " + r.success.get().getErrors());
    }
    return r.success.get().isAllowed();
  }
}
