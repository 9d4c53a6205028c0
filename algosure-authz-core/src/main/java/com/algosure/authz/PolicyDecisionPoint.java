package com.algosure.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;
import static com.algosure.authz.internal.Options.once;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditIds;
import com.algosure.audit.AuditSink;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.spi.AttributePolicy;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.DomainPolicy;
import com.algosure.authz.spi.EntitlementSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an authenticated actor may perform an action, fail-closed, explained and audited.
 *
 * <p>A decision runs these stages, in this order; each can only narrow what the ones before allowed, and
 * only the end of the pipeline permits:
 *
 * <ol>
 *   <li>{@link DecisionStage#ACTOR}: the request is complete, the action declared, credential and agent
 *       grant unexpired; the principal is the actor, or the user an agent acts for, and is looked up in the
 *       directory (a service account in {@link Directory#serviceAccounts()}, by client id);
 *   <li>{@link DecisionStage#TENANT}: the tenant, and access to it (directory or trusted claim), or
 *       cross-tenant administration by a privileged role;
 *   <li>{@link DecisionStage#ORGANIZATION}: the active organization, named explicitly where the actor has
 *       several, a member's;
 *   <li>{@link DecisionStage#RBAC}: a role that grants the action in that context (service accounts:
 *       bindings only; agents: grant ∩ user; cross-tenant: privileged role and MFA, else step-up);
 *   <li>{@link DecisionStage#ABAC}: the host's attribute policies (none by default);
 *   <li>{@link DecisionStage#ENTITLEMENT}: the tenant's billing features and limits;
 *   <li>{@link DecisionStage#DOMAIN}: the owning domain's state-aware rules;
 *   <li>{@link DecisionStage#APPROVAL}: a valid four-eyes approval for high-impact actions.
 * </ol>
 *
 * <p>{@link #decide} never throws and never permits by default: a missing or ambiguous context, or any
 * exception or null from a stage or a host SPI, is a DENY naming the stage (the {@link Clock} too: a clock that
 * throws or answers null denies with {@link ReasonCode#STAGE_FAILURE}, naming the clock, stamped with the system's
 * time). Every call audits the decision
 * exactly once, through {@link AuditSink#recordDecision}: the sink gets the decision and, by default, records
 * its {@link AuditEvent} of type {@link AuditEventType#AUTHORIZATION_DECISION}. If the sink fails, the
 * {@link AuditFailurePolicy} applies: by default the decision becomes a DENY ({@link ReasonCode#AUDIT_FAILED}).
 *
 * <p>Thread-safe; build once and share.
 *
 * <pre>{@code
 * PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
 *     .roleCatalog(RoleCatalog.fromJson(in))
 *     .directory(directory)
 *     .auditSink(AuditSink.slf4j())
 *     .build();
 * AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder()
 *     .actor(actor).tenant("acme").organization("sales").action("filings:read").resource(ResourceRef.type("filing"))
 *     .build());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class PolicyDecisionPoint {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyDecisionPoint.class);

  private static final List<ReasonCode> PERMITTED = List.of(ReasonCode.PERMITTED);
  private static final List<ReasonCode> PERMITTED_APPROVED = List.of(ReasonCode.PERMITTED, ReasonCode.APPROVED);
  private static final List<ReasonCode> PERMITTED_CROSS_TENANT =
      List.of(ReasonCode.PERMITTED, ReasonCode.CROSS_TENANT_ADMINISTRATION);
  private static final List<ReasonCode> PERMITTED_CROSS_TENANT_APPROVED =
      List.of(ReasonCode.PERMITTED, ReasonCode.CROSS_TENANT_ADMINISTRATION, ReasonCode.APPROVED);

  // The stages, one field each so that every call below is a direct call the JIT can inline; their order is
  // listed once, in run().
  private final ActorStage actorStage;
  private final TenantStage tenantStage;
  private final OrganizationStage organizationStage;
  private final RbacStage rbacStage;
  private final AttributeStage attributeStage;
  private final EntitlementStage entitlementStage;
  private final DomainStage domainStage;
  private final ApprovalStage approvalStage;
  private final AuditSink auditSink;
  private final AuditFailurePolicy auditFailurePolicy;
  private final Clock clock;
  private final RoleCatalog catalog;

  /** @param b the snapshot {@link Builder#build} made, every field of which it has set (to a default if unset) */
  private PolicyDecisionPoint(Builder b) {
    this.catalog = castToNonNull(b.catalog);
    this.clock = castToNonNull(b.clock);
    this.auditSink = castToNonNull(b.auditSink);
    this.auditFailurePolicy = castToNonNull(b.auditFailurePolicy);
    this.actorStage =
        new ActorStage(castToNonNull(b.catalog), castToNonNull(b.directory), castToNonNull(b.serviceAccountDirectory));
    this.tenantStage = new TenantStage(castToNonNull(b.catalog));
    this.organizationStage = new OrganizationStage(castToNonNull(b.directory));
    this.rbacStage = new RbacStage(castToNonNull(b.catalog));
    this.attributeStage = new AttributeStage(b.attributePolicies);
    this.entitlementStage = new EntitlementStage(castToNonNull(b.entitlements), castToNonNull(b.entitlementCacheTtl));
    this.domainStage = new DomainStage(b.domainPolicies, Boolean.TRUE.equals(b.requireDomainPolicy));
    this.approvalStage = new ApprovalStage(castToNonNull(b.approvals), castToNonNull(b.directory));
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the role catalogue this decision point decides with */
  public RoleCatalog roleCatalog() {
    return catalog;
  }

  /**
   * Decides a request. Never throws, never returns null, never permits by default; audits the decision exactly
   * once, through {@link AuditSink#recordDecision}.
   *
   * <p>Allocates nothing but the decision (with its id and timestamp) on a permit when the sink builds no event:
   * the stages' working state is a per-thread context, reused (a host SPI that decides from inside a decision
   * gets a fresh one).
   *
   * @param request the request; a null request is denied
   * @return the decision
   */
  public AuthorizationDecision decide(AuthorizationRequest request) {
    if (request == null) {
      request = AuthorizationRequest.builder().build();
    }
    Instant now;
    try {
      now = clock.instant();
    } catch (Throwable t) { // a host's clock, like any host SPI, denies rather than escape or be guessed around
      return audit(clockFailed(request, t.getClass().getSimpleName()));
    }
    if (now == null) {
      return audit(clockFailed(request, "null"));
    }
    DecisionContext c = DecisionContext.acquire(request, now);
    AuthorizationDecision decision;
    try {
      decision = run(c);
    } finally {
      c.release(); // the decision keeps nothing of the context: the sink below may even decide again
    }
    return audit(decision);
  }

  /** Runs the stages in the seed's order, the order listed in one place: here. */
  private AuthorizationDecision run(DecisionContext c) {
    DecisionStage at = DecisionStage.ACTOR;
    Verdict v;
    try {
      v = actorStage.apply(c);
      if (v == null) {
        at = DecisionStage.TENANT;
        v = tenantStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.ORGANIZATION;
        v = organizationStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.RBAC;
        v = rbacStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.ABAC;
        v = attributeStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.ENTITLEMENT;
        v = entitlementStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.DOMAIN;
        v = domainStage.apply(c);
      }
      if (v == null) {
        at = DecisionStage.APPROVAL;
        v = approvalStage.apply(c);
      }
    } catch (SpiContractException e) { // the SDK's own check of an SPI's answer: its message says what to fix
      LOG.warn("authorization stage {} failed: {}; denying", at, e.getMessage());
      return decision(c, Effect.DENY, List.of(ReasonCode.STAGE_FAILURE), at, null,
          "stage " + at + " failed, so the request is denied: " + e.getMessage());
    } catch (Throwable t) { // fail closed on anything a stage or a host SPI throws
      LOG.warn("authorization stage {} failed ({}); denying", at, t.getClass().getName());
      if (LOG.isDebugEnabled()) {
        // where it was thrown, not the throwable: a host SPI's message (and its causes') may carry a credential or
        // personal data, at DEBUG as at any level
        StackTraceElement[] frames = t.getStackTrace();
        LOG.debug("authorization stage {} failure: {} thrown at {}", at, t.getClass().getName(),
            frames.length == 0 ? "(no stack trace)" : frames[0]);
      }
      return decision(c, Effect.DENY, List.of(ReasonCode.STAGE_FAILURE), at, null,
          "stage " + at + " failed (" + t.getClass().getSimpleName() + "), so the request is denied");
    }
    if (v != null) {
      return decision(c, v.effect(), List.of(v.reason()), at, v.effect() == Effect.STEP_UP_REQUIRED
          || v.effect() == Effect.APPROVAL_REQUIRED ? c.matchedRole : null, v.explanation());
    }
    List<ReasonCode> reasons = c.crossTenant
        ? (c.approval != null ? PERMITTED_CROSS_TENANT_APPROVED : PERMITTED_CROSS_TENANT)
        : (c.approval != null ? PERMITTED_APPROVED : PERMITTED);
    // every stage returned no verdict, so ACTOR, TENANT and RBAC have set the action, the tenant and the role
    return new AuthorizationDecision(reasons, c.matchedRole(), c.action(), c.tenant(), c.organization, c.crossTenant,
        c.approval, c.request(), AuditIds.nextSequence(), c.now());
  }

  /**
   * The decision when the clock gave no time: a DENY, stamped with the system's time so that it is audited with
   * one (expiries and approvals cannot be judged without the decision point's own time, and are not guessed).
   */
  private AuthorizationDecision clockFailed(AuthorizationRequest request, String answer) {
    LOG.warn("the decision point's clock {} answered {}; denying", clock.getClass().getName(), answer);
    return new AuthorizationDecision(Effect.DENY, List.of(ReasonCode.STAGE_FAILURE), DecisionStage.ACTOR, null, null,
        null, false, request, AuditIds.nextSequence(), Instant.now(), "the decision point's clock answered " + answer
            + " instead of the time, so the request is denied: fix the Clock given to PolicyDecisionPoint.builder().clock(...)");
  }

  private static AuthorizationDecision decision(DecisionContext c, Effect effect, List<ReasonCode> reasons,
      DecisionStage stage, @Nullable Role role, String explanation) {
    // only the end of the pipeline permits, through the permit constructor: this is never a permit
    return new AuthorizationDecision(effect, reasons, stage, role, c.tenant, c.organization, c.crossTenant, c.request(),
        AuditIds.nextSequence(), c.now(), explanation);
  }

  private AuthorizationDecision audit(AuthorizationDecision d) {
    try {
      auditSink.recordDecision(d);
      return d;
    } catch (Throwable t) {
      LOG.error("audit of decision {} ({}) failed: {}", d.decisionId(), d.effect(), t.getClass().getName());
      return d.afterAuditFailure(auditFailurePolicy);
    }
  }

  @Override
  public String toString() {
    return "PolicyDecisionPoint[" + catalog + ", audit failure policy " + auditFailurePolicy + "]";
  }

  /**
   * Builds a {@link PolicyDecisionPoint}. The role catalogue and the directory are required; everything
   * else has a safe default. Each option may be set once; {@link #build()} copies the configuration, so the
   * builder can be reused. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable RoleCatalog catalog;
    private @Nullable Directory directory;
    private @Nullable Directory serviceAccountDirectory;
    private @Nullable EntitlementSource entitlements;
    private @Nullable Duration entitlementCacheTtl;
    private @Nullable ApprovalStore approvals;
    private final Map<String, DomainPolicy> domainPolicies = new LinkedHashMap<>();
    private @Nullable Boolean requireDomainPolicy;
    private final List<AttributePolicy> attributePolicies = new ArrayList<>();
    private @Nullable AuditSink auditSink;
    private @Nullable AuditFailurePolicy auditFailurePolicy;
    private @Nullable Clock clock;

    private Builder() {}

    /** @param catalog the role catalogue (required) @return this builder */
    public Builder roleCatalog(RoleCatalog catalog) {
      once(this.catalog, "roleCatalog");
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    /**
     * @param directory the directory of tenants, organizations and bindings (required); service accounts are looked
     *     up in its {@link Directory#serviceAccounts()}, asked once by {@link #build()}
     * @return this builder
     */
    public Builder directory(Directory directory) {
      once(this.directory, "directory");
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * @param entitlements the billing entitlement source (default: none, so permissions that declare a feature
     *     or limit are denied)
     * @return this builder
     */
    public Builder entitlements(EntitlementSource entitlements) {
      once(this.entitlements, "entitlements");
      this.entitlements = Objects.requireNonNull(entitlements, "entitlements");
      return this;
    }

    /**
     * @param ttl how long an entitlement answer is cached (default 30 seconds; zero disables the cache): an answer
     *     serves a decision only while the decision's time is less than this away from the time of the decision that
     *     loaded it, on either side, so a clock stepped back does not make an expired answer count again. A limit's usage
     *     is never taken from the cache: a permission counting against a limit the plan lists asks the source each time
     * @return this builder
     * @throws IllegalArgumentException if the ttl is negative or over one hour
     */
    public Builder entitlementCacheTtl(Duration ttl) {
      once(this.entitlementCacheTtl, "entitlementCacheTtl");
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("entitlementCacheTtl must be between 0 and 1 hour, was " + ttl);
      }
      this.entitlementCacheTtl = ttl;
      return this;
    }

    /** @param approvals the approval store (default: none, so high-impact actions need an approval that cannot be found) @return this builder */
    public Builder approvals(ApprovalStore approvals) {
      once(this.approvals, "approvals");
      this.approvals = Objects.requireNonNull(approvals, "approvals");
      return this;
    }

    /**
     * Registers the rules of the domain that owns a resource type. Resource types are exact: a request whose type
     * differs from a registered one only in case is denied ({@link ReasonCode#DOMAIN_RULE_DENIED}), never decided
     * without the domain's rules.
     *
     * @param resourceType the resource type
     * @param policy the domain's rules
     * @return this builder
     * @throws IllegalStateException if the type, or a type differing from it only in case, already has a policy
     */
    public Builder domainPolicy(String resourceType, DomainPolicy policy) {
      ResourceRef.type(resourceType); // validates the name
      Objects.requireNonNull(policy, "policy");
      if (domainPolicies.containsKey(resourceType)) {
        throw new IllegalStateException("domainPolicy for resource type '" + resourceType + "' was already set");
      }
      for (String type : domainPolicies.keySet()) {
        if (type.equalsIgnoreCase(resourceType)) {
          throw new IllegalStateException("domainPolicy for resource type '" + resourceType + "' cannot be set:"
              + " resource type '" + type + "' has one, and types differing only in case name one domain");
        }
      }
      domainPolicies.put(resourceType, policy);
      return this;
    }

    /**
     * @param require whether a resource type without a registered domain policy is denied (default false: no
     *     policy means the domain has no state-specific rules)
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder requireDomainPolicy(boolean require) {
      once(this.requireDomainPolicy, "requireDomainPolicy");
      this.requireDomainPolicy = require;
      return this;
    }

    /** @param policy an attribute policy; policies run in the order added @return this builder */
    public Builder attributePolicy(AttributePolicy policy) {
      attributePolicies.add(Objects.requireNonNull(policy, "policy"));
      return this;
    }

    /** @param sink where decisions are audited (default: {@link AuditSink#slf4j()}) @return this builder */
    public Builder auditSink(AuditSink sink) {
      once(this.auditSink, "auditSink");
      this.auditSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** @param policy what an audit failure does (default {@link AuditFailurePolicy#FAIL_CLOSED}) @return this builder */
    public Builder auditFailurePolicy(AuditFailurePolicy policy) {
      once(this.auditFailurePolicy, "auditFailurePolicy");
      this.auditFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** @param clock the clock for expiries and timestamps (default: the UTC system clock) @return this builder */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @return the decision point
     * @throws IllegalStateException if the role catalogue or the directory is missing, or the directory's
     *     {@link Directory#serviceAccounts()} answers null
     */
    public PolicyDecisionPoint build() {
      if (catalog == null) {
        throw new IllegalStateException("roleCatalog is required: set it with roleCatalog(RoleCatalog.fromJson(...))");
      }
      if (directory == null) {
        throw new IllegalStateException("directory is required: set it with directory(Directory.inMemory()...build()) or your own");
      }
      Directory serviceAccounts = directory.serviceAccounts();
      if (serviceAccounts == null) {
        throw new IllegalStateException("directory " + directory.getClass().getName() + " answered null to"
            + " serviceAccounts(): return the directory of its service accounts, or leave the default (none)");
      }
      Builder snapshot = new Builder();
      snapshot.catalog = catalog;
      snapshot.directory = directory;
      snapshot.serviceAccountDirectory = serviceAccounts;
      snapshot.entitlements = entitlements == null ? EntitlementSource.none() : entitlements;
      snapshot.entitlementCacheTtl = entitlementCacheTtl == null ? Duration.ofSeconds(30) : entitlementCacheTtl;
      snapshot.approvals = approvals == null ? ApprovalStore.none() : approvals;
      snapshot.domainPolicies.putAll(domainPolicies);
      snapshot.requireDomainPolicy = requireDomainPolicy != null && requireDomainPolicy;
      snapshot.attributePolicies.addAll(attributePolicies);
      snapshot.auditSink = auditSink == null ? AuditSink.slf4j() : auditSink;
      snapshot.auditFailurePolicy = auditFailurePolicy == null ? AuditFailurePolicy.FAIL_CLOSED : auditFailurePolicy;
      snapshot.clock = clock == null ? Clock.systemUTC() : clock;
      return new PolicyDecisionPoint(snapshot);
    }
  }
}
