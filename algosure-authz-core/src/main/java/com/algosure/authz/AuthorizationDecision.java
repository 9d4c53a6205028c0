package com.algosure.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditIds;
import com.algosure.audit.AuditableDecision;
import com.algosure.authz.internal.ActorKinds;
import com.algosure.authz.spi.Approval;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The answer of the {@link PolicyDecisionPoint}: an effect with the reasons for it, the stage that decided,
 * the role and permission that matched on a permit, and an id and time for the audit trail.
 *
 * <p>Immutable and thread-safe. The explanation names ids (tenant, organization, role, action) but never a
 * token, a secret or an attribute value.
 *
 * <p>A decision is its own audit record: the decision point hands it to
 * {@link com.algosure.audit.AuditSink#recordDecision}, and {@link #toAuditEvent()} builds the
 * {@link AuditEvent} only for a sink that asks. The decision keeps a reference to its request for that (the
 * actor, action, resource, correlation id, task and approval id it records); the request's attributes are
 * never read from here.
 *
 * @since 0.1.0
 */
public final class AuthorizationDecision implements AuditableDecision {

  private final Effect effect;
  private final List<ReasonCode> reasons;
  private final DecisionStage stage;
  private final @Nullable Role matchedRole;
  private final @Nullable Permission matchedPermission;
  private final @Nullable TenantId tenant;
  private final @Nullable OrganizationId organization;
  // the id is reserved when the decision is made and written only when asked for (AuditIds.of), like a permit's
  // explanation: a sink that queues the decision writes it on its own thread
  private final long decisionSequence;
  private @Nullable String decisionId; // written once, racily: every writer writes an equal String
  private final Instant timestamp;
  // a permit's explanation is written only when asked for: the decision path builds no string
  private final @Nullable String explanation;
  private final boolean crossTenant;
  private final @Nullable Approval approval;
  private final AuthorizationRequest request;

  /** A decision other than a permit: its explanation is given. */
  AuthorizationDecision(Effect effect, List<ReasonCode> reasons, DecisionStage stage, @Nullable Role matchedRole,
      @Nullable TenantId tenant, @Nullable OrganizationId organization, boolean crossTenant,
      AuthorizationRequest request, long decisionSequence, Instant timestamp, String explanation) {
    this.effect = effect;
    this.reasons = reasons;
    this.stage = stage;
    this.matchedRole = matchedRole;
    this.matchedPermission = null;
    this.tenant = tenant;
    this.organization = organization;
    this.decisionSequence = decisionSequence;
    this.timestamp = timestamp;
    this.explanation = explanation;
    this.crossTenant = crossTenant;
    this.approval = null;
    this.request = request;
  }

  /** A permit, whose explanation is written from the role and permission when {@link #explanation()} is called. */
  AuthorizationDecision(List<ReasonCode> reasons, Role matchedRole, Permission matchedPermission, TenantId tenant,
      @Nullable OrganizationId organization, boolean crossTenant, @Nullable Approval approval,
      AuthorizationRequest request, long decisionSequence, Instant timestamp) {
    this.effect = Effect.PERMIT;
    this.reasons = reasons;
    this.stage = DecisionStage.APPROVAL;
    this.matchedRole = matchedRole;
    this.matchedPermission = matchedPermission;
    this.tenant = tenant;
    this.organization = organization;
    this.decisionSequence = decisionSequence;
    this.timestamp = timestamp;
    this.explanation = null;
    this.crossTenant = crossTenant;
    this.approval = approval;
    this.request = request;
  }

  /**
   * What the decision point returns in place of this decision when recording it failed, under the given policy:
   * this decision under {@link AuditFailurePolicy#LOG_AND_CONTINUE} or if it already denies, else the same
   * decision denied ({@link ReasonCode#AUDIT_FAILED}, stage {@link DecisionStage#AUDIT}), with its id, time,
   * context and request. An observer of decisions (metrics) uses it to count what the caller got.
   *
   * @param policy the decision point's audit failure policy
   * @return the decision the caller gets
   * @since 0.1.0
   */
  public AuthorizationDecision afterAuditFailure(AuditFailurePolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return policy == AuditFailurePolicy.LOG_AND_CONTINUE || effect == Effect.DENY ? this : deniedForAuditFailure();
  }

  /** The same decision denied because its audit failed: it keeps the id, time, context and request. */
  private AuthorizationDecision deniedForAuditFailure() {
    return new AuthorizationDecision(Effect.DENY, List.of(ReasonCode.AUDIT_FAILED), DecisionStage.AUDIT, null, tenant,
        organization, crossTenant, request, decisionSequence, timestamp,
        "the decision could not be audited, so it is denied (audit failure policy FAIL_CLOSED)");
  }

  /** @return what the caller may do */
  public Effect effect() {
    return effect;
  }

  /** @return whether the effect is {@link Effect#PERMIT} */
  public boolean permitted() {
    return effect == Effect.PERMIT;
  }

  /** @return the machine-readable reasons, most significant first; never empty */
  public List<ReasonCode> reasons() {
    return reasons;
  }

  /** @return the most significant reason */
  public ReasonCode reason() {
    return reasons.get(0);
  }

  /** @return the stage that decided: the last stage on a permit, the failing stage otherwise */
  public DecisionStage stage() {
    return stage;
  }

  /** @return the role that granted the action, where one did */
  public Optional<Role> matchedRole() {
    return Optional.ofNullable(matchedRole);
  }

  /** @return the permission that was granted, where one was */
  public Optional<Permission> matchedPermission() {
    return Optional.ofNullable(matchedPermission);
  }

  /** @return the tenant the decision was made in, once resolved */
  public Optional<TenantId> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** @return the active organization, once resolved */
  public Optional<OrganizationId> organization() {
    return Optional.ofNullable(organization);
  }

  /** @return the decision's unique id, also in its audit record */
  @Override
  public String decisionId() {
    String id = decisionId;
    if (id == null) {
      id = AuditIds.of(decisionSequence);
      decisionId = id;
    }
    return id;
  }

  /** @return when the decision was made, by the decision point's clock */
  @Override
  public Instant timestamp() {
    return timestamp;
  }

  /** @return a sentence for people saying why */
  public String explanation() {
    String e = explanation;
    if (e != null) {
      return e;
    }
    return "permitted: role '" + matchedRole + "' grants '" + matchedPermission + "'"
        + (crossTenant ? " (cross-tenant administration with MFA)" : "")
        + (approval != null ? ", approved by '" + approval.approvedBy() + "'" : "");
  }

  /**
   * Builds this decision's audit record: type {@link AuditEventType#AUTHORIZATION_DECISION}, the decision's id
   * and timestamp, the effect as outcome, tenant, organization, actor and its kind, action, resource,
   * correlation id, the reasons' names, and the details {@code decisionId}, {@code stage}, {@code matchedRole}
   * (permits), {@code onBehalfOf}, {@code agentGrant} and {@code task} (agents), {@code impersonator} (a principal
   * whose credential was obtained by impersonation or names a party acting for it by delegation, see
   * {@link IdentitySignals#impersonator()}), {@code priorActors} (the parties that acted for it earlier in a
   * delegation chain, comma-separated, see {@link IdentitySignals#priorActors()}), {@code crossTenant} and, with
   * it, {@code mfaEvidence} (the credential's values that counted as MFA evidence, comma-separated, see
   * {@link IdentitySignals#mfaEvidence()}; only on cross-tenant decisions),
   * {@code approvalId}, {@code approvedBy} and {@code approvedAt} (when the approval a permit used was given). Never a token, a secret or a request attribute. The request's
   * correlation id, task and approval id are the caller's text: each is recorded as it is when it is at most 128
   * characters with none that could break a log line or hide text (every id is), otherwise cut to 128 and with each
   * such character replaced by {@code ?}.
   *
   * @return a new event on every call
   * @since 0.1.0
   */
  @Override
  public AuditEvent toAuditEvent() {
    AuthorizationRequest r = request;
    Actor actor = r.actorOrNull();
    // the actor stage takes the action only from a request with an actor, and the resource only with an action
    Permission action = actor == null ? null : r.actionOrNull();
    ResourceRef resource = action == null ? null : r.resourceOrNull();
    AuditEvent.Builder e = AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, timestamp)
        .id(decisionId()) // one decision, one event: its id is the decision's, not a second fresh id
        .outcome(effect.name())
        .tenant(tenant == null ? null : tenant.value())
        .organization(organization == null ? null : organization.value())
        .actor(actor == null ? null : actor.id(), actor == null ? null : ActorKinds.of(actor))
        .action(action == null ? null : action.name())
        .resource(resource == null ? null : resource.toString())
        .correlationId(Identifiers.recorded(r.correlationIdOrNull()))
        .reasons(names(reasons))
        .detail("decisionId", decisionId())
        .detail("stage", stage.name())
        .detail("matchedRole", matchedRole == null || effect != Effect.PERMIT ? null : matchedRole.name());
    if (actor instanceof Actor.Agent agent) {
      e.detail("onBehalfOf", agent.onBehalfOf().id()).detail("agentGrant", agent.grant().grantId())
          .detail("task", Identifiers.recorded(r.taskOrNull()));
    }
    // who really acted, where the principal's credential was obtained by impersonation
    Actor principal = actor instanceof Actor.Agent agent ? agent.onBehalfOf() : actor;
    if (principal != null) {
      e.detail("impersonator", principal.signals().impersonator().orElse(null));
      List<String> prior = principal.signals().priorActors();
      if (!prior.isEmpty()) {
        e.detail("priorActors", String.join(",", prior));
      }
    }
    if (crossTenant) {
      e.detail("crossTenant", "true");
      // which evidence admitted the administration of another tenant: only here, so an ordinary decision pays nothing
      List<String> evidence = principal == null ? List.of() : principal.signals().mfaEvidence();
      if (!evidence.isEmpty()) {
        e.detail("mfaEvidence", String.join(",", evidence));
      }
    }
    if (approval != null) {
      e.detail("approvalId", approval.id()).detail("approvedBy", approval.approvedBy())
          .detail("approvedAt", approval.approvedAt().toString());
    } else if (r.approvalIdOrNull() != null) {
      e.detail("approvalId", Identifiers.recorded(r.approvalIdOrNull()));
    }
    return e.build();
  }

  /**
   * The audit record of an output an AI agent produced under this decision (a draft, a recommendation, a proposed
   * action): an {@link AuditEventType#AGENT_OUTPUT} event with a fresh id, outcome {@code PROPOSED}, this decision's
   * tenant, organization, agent, action, resource and correlation id, and the details {@code decisionId} (this
   * decision's), {@code onBehalfOf}, {@code agentGrant}, {@code task}, {@code sha256} (lowercase hex of the output's
   * SHA-256) and {@code bytes} (its size). The output itself is never recorded: it may hold personal data; keep it
   * where the owning domain keeps it and find it by its hash. Record the event through the decision point's sink
   * before the output is used, so that what an agent proposed is traceable to the decision, grant and task it was
   * produced under, as the decision itself is.
   *
   * <p>Thread-safe; builds a new event on every call and does not change the decision.
   *
   * @param producedAt when the agent produced the output
   * @param output the output as the owning domain keeps it (its bytes are only hashed)
   * @return a new event
   * @throws IllegalStateException if this decision is not a permit, or not an AI agent's: an output produced without
   *     one was not authorized, and is a refusal to record, not a proposal
   * @throws NullPointerException if an argument is null
   * @since 0.1.0
   */
  public AuditEvent agentOutputEvent(Instant producedAt, byte[] output) {
    Objects.requireNonNull(producedAt, "producedAt");
    Objects.requireNonNull(output, "output");
    if (!(request.actorOrNull() instanceof Actor.Agent agent)) {
      throw new IllegalStateException("decision " + decisionId() + " is not an AI agent's: record an agent's output"
          + " under the decision that permitted the agent's action");
    }
    if (effect != Effect.PERMIT) {
      throw new IllegalStateException("decision " + decisionId() + " is not a permit (" + effect + "): an agent's output"
          + " is recorded only under the decision that permitted producing it");
    }
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(output);
    } catch (NoSuchAlgorithmException e) { // every Java platform has SHA-256 (MessageDigest's javadoc)
      throw new IllegalStateException("SHA-256 is not available on this Java platform", e);
    }
    AuthorizationRequest r = request;
    return AuditEvent.builder(AuditEventType.AGENT_OUTPUT, producedAt)
        .outcome("PROPOSED")
        .tenant(tenant == null ? null : tenant.value())
        .organization(organization == null ? null : organization.value())
        .actor(agent.id(), ActorKinds.of(agent))
        .action(castToNonNull(r.actionOrNull()).name()) // a permit was asked about an action and a resource
        .resource(castToNonNull(r.resourceOrNull()).toString())
        .correlationId(Identifiers.recorded(r.correlationIdOrNull()))
        .detail("decisionId", decisionId())
        .detail("onBehalfOf", agent.onBehalfOf().id())
        .detail("agentGrant", agent.grant().grantId())
        .detail("task", Identifiers.recorded(r.taskOrNull()))
        .detail("sha256", HexFormat.of().formatHex(hash))
        .detail("bytes", Integer.toString(output.length))
        .build();
  }

  private static final Map<ReasonCode, List<String>> NAMES;

  static {
    Map<ReasonCode, List<String>> names = new EnumMap<>(ReasonCode.class);
    for (ReasonCode r : ReasonCode.values()) {
      names.put(r, List.of(r.name()));
    }
    NAMES = names;
  }

  /** The reasons' names, without building a list for the common single reason. */
  private static List<String> names(List<ReasonCode> reasons) {
    if (reasons.size() == 1) {
      return castToNonNull(NAMES.get(reasons.get(0))); // NAMES has every reason code: the static block above
    }
    List<String> out = new ArrayList<>(reasons.size());
    for (ReasonCode r : reasons) {
      out.add(r.name());
    }
    return out;
  }


  @Override
  public String toString() {
    return "AuthorizationDecision[" + effect + " " + reasons + " at " + stage
        + (matchedRole == null ? "" : ", role=" + matchedRole)
        + (matchedPermission == null ? "" : ", permission=" + matchedPermission)
        + ", id=" + decisionId() + ", " + explanation() + "]";
  }
}
