package com.algosure.benchmarks.authz;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditSink;
import com.algosure.audit.AuditableDecision;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import com.algosure.authz.spi.InMemoryDirectory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * Our side: a {@link PolicyDecisionPoint} with the world's role catalogue, an in-memory directory, in-memory
 * entitlements and an audit sink that keeps nothing but is never inlined (so the JIT cannot skip what the sink
 * is handed), all other options at their defaults (system clock, 30 s entitlement cache, no ABAC or domain
 * policy). The sink is one of two kinds, see {@link Audit}.
 */
public final class AlgosurePdp {

  /** What the benchmark's audit sink asks of each decision. */
  public enum Audit {
    /**
     * A sink that implements only {@code record(AuditEvent)}, like every sink before
     * {@code AuditSink.recordDecision} existed: every decision builds its generic {@code AuditEvent}.
     */
    EVENT,
    /**
     * A sink that overrides {@code recordDecision} and takes the decision itself (immutable, its own audit
     * record): no {@code AuditEvent} is built, as for a host sink that writes its own format.
     */
    DECISION
  }

  private final PolicyDecisionPoint pdp;

  /** @param world the world to decide in, audited as {@link Audit#EVENT} (every decision builds its event) */
  public AlgosurePdp(PdpWorld world) {
    this(world, Audit.EVENT);
  }

  /** @param world the world to decide in @param audit what the audit sink asks of each decision */
  public AlgosurePdp(PdpWorld world, Audit audit) {
    RoleCatalog.Builder catalog = RoleCatalog.builder();
    for (String p : world.permissions()) {
      String feature = world.featureOf(p);
      catalog.permission(feature == null ? PermissionDefinition.of(p) : PermissionDefinition.of(p).withFeature(feature));
    }
    world.grants().forEach((role, permissions) -> catalog.role(role, permissions.toArray(String[]::new)));
    InMemoryDirectory.Builder directory = Directory.inMemory();
    world.tenantOf().forEach((org, tenant) -> directory.organization(tenant, org));
    for (PdpWorld.Binding b : world.bindings()) {
      directory.organizationRole(b.user(), b.organization(), b.role());
    }
    Map<TenantId, Entitlements> plans = new HashMap<>();
    world.features().forEach((tenant, features) ->
        plans.put(TenantId.of(tenant), new Entitlements(Set.copyOf(features), Map.of(), Map.of())));
    this.pdp = PolicyDecisionPoint.builder()
        .roleCatalog(catalog.build())
        .directory(directory.build())
        .entitlements(EntitlementSource.inMemory(plans))
        .auditSink(audit == Audit.EVENT ? new DiscardingAuditSink() : new DiscardingDecisionSink())
        .build();
  }

  /** @return the decision point */
  public PolicyDecisionPoint pdp() {
    return pdp;
  }

  /**
   * @param questions the questions
   * @return the requests, built once so that the benchmark measures {@code decide} alone
   */
  public static AuthorizationRequest[] prepare(List<PdpWorld.Question> questions) {
    ResourceRef resource = ResourceRef.type(PdpWorld.RESOURCE_TYPE);
    Map<String, Actor.User> actors = new HashMap<>();
    AuthorizationRequest[] out = new AuthorizationRequest[questions.size()];
    for (int i = 0; i < out.length; i++) {
      PdpWorld.Question q = questions.get(i);
      out[i] = AuthorizationRequest.builder()
          .actor(actors.computeIfAbsent(q.user(), Actor::user))
          .tenant(q.tenant())
          .organization(q.organization())
          .action(q.action())
          .resource(resource)
          .build();
    }
    return out;
  }

  /** @param request a prepared request @return whether it is permitted */
  public boolean permits(AuthorizationRequest request) {
    return pdp.decide(request).permitted();
  }

  /**
   * Keeps nothing, but is never inlined into the decision point, so the JIT cannot prove the event unused
   * and skip building it: what a real sink costs beyond this is the host's choice.
   */
  static final class DiscardingAuditSink implements AuditSink {
    @Override
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public void record(AuditEvent event) {
      // intentionally empty
    }
  }

  /**
   * Takes each decision through {@code recordDecision} and keeps nothing; never inlined, so the decision it is
   * handed must exist (it is also the benchmark's result). Builds no event: what a sink that writes its own
   * format from the decision costs beyond this is the host's choice.
   */
  static final class DiscardingDecisionSink implements AuditSink {
    @Override
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public void record(AuditEvent event) {
      throw new IllegalStateException("the decision point audits through recordDecision");
    }

    @Override
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public void recordDecision(AuditableDecision decision) {
      // intentionally empty
    }
  }
}
