package com.algosure.authz;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.Directory;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the stages of one decision have established so far, used by one thread; fields are filled in stage
 * order and read by later stages.
 *
 * <p>Reused: each thread keeps one ({@link #acquire}) so that a decision allocates no context, and a decision
 * made while the thread's context is in use (a host SPI that calls {@code decide} from inside a decision) gets a
 * fresh one. {@link #release} clears every field, so nothing of one decision is seen by the next or kept alive
 * by the thread. No reference to a context leaves the decision point.
 *
 * <p>A field is null until the stage that establishes it has run (and again after {@link #release}). A stage that
 * needs a value an earlier stage established reads it through the accessor of the same name, which returns it as
 * non-null without a check: the stages run in {@link PolicyDecisionPoint}'s order, each only after every earlier one
 * returned no verdict, so an earlier stage's values are set by then. The accessors say which stage sets what.
 */
final class DecisionContext {

  private static final ThreadLocal<DecisionContext> PER_THREAD = ThreadLocal.withInitial(DecisionContext::new);

  @Nullable AuthorizationRequest request;
  @Nullable Instant now;

  // ACTOR
  @Nullable Actor actor;
  /** The person or service account whose permissions count: the actor, or the user an agent acts for. */
  @Nullable Actor principal;
  /** Where the principal's tenants, memberships and bindings are looked up: the users', or the service accounts'. */
  @Nullable Directory directory;
  @Nullable Permission action;
  @Nullable ResourceRef resource;
  @Nullable PermissionDefinition definition;
  /** The roles that grant the action (from the catalogue, beside its definition). */
  @Nullable Set<Role> grantedBy;

  // TENANT and ORGANIZATION
  @Nullable TenantId tenant;
  @Nullable OrganizationId organization;
  boolean crossTenant;
  /** Whether the principal is a member of the active organization (or, with none, has access to the tenant). */
  boolean member;

  // RBAC
  @Nullable Role matchedRole;

  // DOMAIN and APPROVAL
  boolean approvalRequired;
  /** Why the domain rule asked for an approval, if it did. */
  @Nullable String domainApprovalReason;
  @Nullable Approval approval;

  private @Nullable AuthorizationContext view;
  private @Nullable List<RoleBinding> bindings;

  private boolean inUse;

  private DecisionContext() {}

  /**
   * @param request the request being decided
   * @param now the decision's time
   * @return this thread's context, or a fresh one if it is in use by a decision further up the stack
   */
  static DecisionContext acquire(AuthorizationRequest request, Instant now) {
    DecisionContext c = PER_THREAD.get();
    if (c.inUse) {
      c = new DecisionContext();
    }
    c.inUse = true;
    c.request = request;
    c.now = now;
    return c;
  }

  /** Forgets the decision: every field back to its initial value, and the context free for the next decision. */
  void release() {
    request = null;
    now = null;
    actor = null;
    principal = null;
    directory = null;
    action = null;
    resource = null;
    definition = null;
    grantedBy = null;
    tenant = null;
    organization = null;
    crossTenant = false;
    member = false;
    matchedRole = null;
    approvalRequired = false;
    domainApprovalReason = null;
    approval = null;
    view = null;
    bindings = null;
    inUse = false;
  }

  /** For tests: whether this thread's reusable context is taken by a decision in progress. */
  static boolean threadContextInUse() {
    return PER_THREAD.get().inUse;
  }

  // The accessors below cost nothing once inlined (castToNonNull checks nothing): this is the decision's hot path.

  /** @return the request: set by {@link #acquire}, before any stage */
  AuthorizationRequest request() {
    return castToNonNull(request);
  }

  /** @return the decision's time: set by {@link #acquire}, before any stage */
  Instant now() {
    return castToNonNull(now);
  }

  /** @return the actor: set by the ACTOR stage, for the stages after it */
  Actor actor() {
    return castToNonNull(actor);
  }

  /** @return the principal: set by the ACTOR stage, for the stages after it */
  Actor principal() {
    return castToNonNull(principal);
  }

  /** @return the principal's directory: set by the ACTOR stage, for the stages after it */
  Directory directory() {
    return castToNonNull(directory);
  }

  /** @return the action: set by the ACTOR stage, for the stages after it */
  Permission action() {
    return castToNonNull(action);
  }

  /** @return the resource: set by the ACTOR stage, for the stages after it */
  ResourceRef resource() {
    return castToNonNull(resource);
  }

  /** @return the action's definition: set by the ACTOR stage, for the stages after it */
  PermissionDefinition definition() {
    return castToNonNull(definition);
  }

  /** @return the roles granting the action: set by the ACTOR stage, for the stages after it */
  Set<Role> grantedBy() {
    return castToNonNull(grantedBy);
  }

  /** @return the decision's tenant: set by the TENANT stage, for the stages after it */
  TenantId tenant() {
    return castToNonNull(tenant);
  }

  /** @return the role that matched: set by the RBAC stage (whenever it returns no verdict), for the stages after it */
  Role matchedRole() {
    return castToNonNull(matchedRole);
  }

  /**
   * The principal's role bindings, asked of the directory once per decision however many stages need them
   * (tenant, organization and RBAC may all look). A binding that names another subject (a case variant included)
   * fails the stage: a directory answering someone else's bindings is not believed for any of them.
   */
  List<RoleBinding> bindings() {
    if (bindings == null) {
      List<RoleBinding> answered = Stage.answered(directory().bindingsOf(principal().id()), "Directory.bindingsOf");
      String subject = principal().id();
      for (int i = 0, n = answered.size(); i < n; i++) {
        if (!subject.equals(answered.get(i).subject())) {
          // neither subject is named: the explanation says what to fix, the directory's data stays out of it
          throw new SpiContractException("Directory.bindingsOf answered a binding of another subject (ids compare"
              + " exactly, case included): it must answer only the bindings of the subject asked for; fix its"
              + " look-up");
        }
      }
      bindings = answered;
    }
    return bindings;
  }

  /** The read-only view host policies get; made once, only when a host policy runs. */
  AuthorizationContext view() {
    if (view == null) {
      view = new AuthorizationContext(actor(), tenant(), java.util.Optional.ofNullable(organization), definition(),
          resource(), matchedRole(), crossTenant);
    }
    return view;
  }
}
