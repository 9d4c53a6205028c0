package com.algosure.benchmarks.authz;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;

/**
 * The jCasbin peer: the RBAC-with-domains model ({@code g = _, _, _}: a user holds a role in a domain),
 * with the domain {@code tenant/organization}. Role permissions are shared by every domain, as our
 * catalogue's roles are, so {@code p} rows carry no domain (one evaluation per role permission instead of
 * one per role permission per domain: the shape that favours jCasbin). The entitlement check is a second
 * grouping {@code g2 = _, _} of tenant to plan feature, and a permission without a feature names
 * {@code none}, which every tenant holds.
 *
 * <pre>
 * r = sub, ten, dom, act
 * p = sub, act, feat
 * g = _, _, _
 * g2 = _, _
 * m = g(r.sub, p.sub, r.dom) &amp;&amp; r.act == p.act &amp;&amp; g2(r.ten, p.feat)
 * </pre>
 *
 * <p>An organization named under another tenant gives a domain no binding has, so it is denied, as ours
 * denies it. Logging is off.
 */
public final class CasbinPdp {

  /** The model, in jCasbin's configuration syntax. */
  public static final String MODEL = String.join("\n",
      "[request_definition]",
      "r = sub, ten, dom, act",
      "",
      "[policy_definition]",
      "p = sub, act, feat",
      "",
      "[role_definition]",
      "g = _, _, _",
      "g2 = _, _",
      "",
      "[policy_effect]",
      "e = some(where (p.eft == allow))",
      "",
      "[matchers]",
      "m = g(r.sub, p.sub, r.dom) && r.act == p.act && g2(r.ten, p.feat)",
      "");

  private static final String NO_FEATURE = "none";

  private final Enforcer enforcer;

  /** @param world the world to decide in */
  public CasbinPdp(PdpWorld world) {
    Enforcer e = new Enforcer(Model.newModelFromString(MODEL));
    e.enableLog(false);
    e.enableAutoBuildRoleLinks(false);
    List<List<String>> p = new ArrayList<>();
    world.grants().forEach((role, permissions) -> {
      for (String permission : permissions) {
        String feature = world.featureOf(permission);
        p.add(List.of(role, permission, feature == null ? NO_FEATURE : feature));
      }
    });
    List<List<String>> g = new ArrayList<>();
    for (PdpWorld.Binding b : world.bindings()) {
      g.add(List.of(b.user(), b.role(), domain(b.tenant(), b.organization())));
    }
    List<List<String>> g2 = new ArrayList<>();
    world.features().forEach((tenant, features) -> {
      Set<String> held = new TreeSet<>(features);
      held.add(NO_FEATURE);
      for (String f : held) {
        g2.add(List.of(tenant, f));
      }
    });
    require(e.addPolicies(p), "p");
    require(e.addGroupingPolicies(g), "g");
    require(e.addNamedGroupingPolicies("g2", g2), "g2");
    e.buildRoleLinks();
    this.enforcer = e;
  }

  private static void require(boolean added, String what) {
    if (!added) {
      throw new IllegalStateException("jCasbin refused the " + what + " rules");
    }
  }

  static String domain(String tenant, String organization) {
    return tenant + "/" + organization;
  }

  /** @return the enforcer */
  public Enforcer enforcer() {
    return enforcer;
  }

  /**
   * @param questions the questions
   * @return the request values, built once so that the benchmark measures {@code enforce} alone
   */
  public static Object[][] prepare(List<PdpWorld.Question> questions) {
    Object[][] out = new Object[questions.size()][];
    for (int i = 0; i < out.length; i++) {
      PdpWorld.Question q = questions.get(i);
      out[i] = new Object[] {q.user(), q.tenant(), domain(q.tenant(), q.organization()), q.action()};
    }
    return out;
  }

  /** @param request prepared request values @return whether jCasbin allows it */
  public boolean permits(Object[] request) {
    return enforcer.enforce(request);
  }
}
