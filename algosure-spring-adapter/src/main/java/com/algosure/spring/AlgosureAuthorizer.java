package com.algosure.spring;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.ActorKinds;
import com.algosure.authz.internal.UntrustedText;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's way to the {@link PolicyDecisionPoint}: it prefills a request from the current security
 * context and HTTP request, asks the decision point, and at the boundary turns anything but a permit into an
 * {@link AuthorizationDecisionException}. The {@link Authorize} interceptor uses it; controllers and services may
 * call it directly for checks that an annotation cannot express.
 *
 * <pre>{@code
 * AuthorizationDecision d = authorizer.require(authorizer.request("filings:read", ResourceRef.of("filing", id))
 *     .attribute("state", filing.state())
 *     .build());
 * }</pre>
 *
 * <p>No rule lives here: every decision is the decision point's. A request context it refuses before a decision
 * is made (an invalid or ambiguous organization or approval id, an organization the request and the method name
 * differently) is still traceable: it records one {@link AuditEventType#AUTHORIZATION_DECISION} {@code DENY}
 * {@link ReasonCode#REQUEST_INVALID} event through the audit sink, with detail {@code refusedBy=request-context}
 * ({@link #refused}), and the {@link InvalidRequestContextException} it throws carries that event's id. Thread-safe.
 *
 * @since 0.1.0
 */
public class AlgosureAuthorizer {

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureAuthorizer.class);
  private static final List<String> REQUEST_INVALID = List.of(ReasonCode.REQUEST_INVALID.name());
  /** How much of an exception's source (an annotation attribute, a configured header name) an audit record keeps. */
  private static final int MAX_SOURCE = 200;
  /** A provider id's longest valid length. */
  private static final int MAX_PROVIDER = 64;

  private final PolicyDecisionPoint pdp;
  private final RequestContextResolver context;
  private final AuditSink auditSink;
  private final Clock clock;

  /**
   * An authorizer that records the request contexts it refuses through {@link AuditSink#slf4j()} on the UTC
   * system clock; prefer {@link #AlgosureAuthorizer(PolicyDecisionPoint, RequestContextResolver, AuditSink, Clock)}
   * with the decision point's own sink.
   *
   * @param pdp the decision point
   * @param context reads the current request's context
   */
  public AlgosureAuthorizer(PolicyDecisionPoint pdp, RequestContextResolver context) {
    this(pdp, context, AuditSink.slf4j(), Clock.systemUTC());
  }

  /**
   * @param pdp the decision point
   * @param context reads the current request's context
   * @param auditSink records the request contexts refused before a decision is made: the sink the decision point
   *     records its decisions through
   * @param clock the clock for those records' timestamps
   * @since 0.1.0
   */
  public AlgosureAuthorizer(PolicyDecisionPoint pdp, RequestContextResolver context, AuditSink auditSink,
      Clock clock) {
    this.pdp = Objects.requireNonNull(pdp, "pdp");
    this.context = Objects.requireNonNull(context, "context");
    this.auditSink = Objects.requireNonNull(auditSink, "auditSink");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Starts a request for the current actor: actor from the security context, active organization, approval
   * id and correlation id from the current request. Anything set on the builder afterwards wins.
   *
   * @param action the action (a permission name)
   * @param resource the resource
   * @return a prefilled builder
   * @throws UnauthenticatedException if there is no authenticated Algosure actor
   * @throws InvalidRequestContextException if the request names an invalid organization or approval id; the refusal
   *     is audited with the resource ({@link #refused})
   */
  public AuthorizationRequest.Builder request(String action, ResourceRef resource) {
    return start(action, Objects.requireNonNull(resource, "resource")).resource(resource);
  }

  /**
   * Like {@link #request(String, ResourceRef)}, without a resource yet: set one, or the decision point
   * denies the request as incomplete.
   *
   * @param action the action (a permission name)
   * @return a prefilled builder
   * @throws UnauthenticatedException if there is no authenticated Algosure actor
   * @throws InvalidRequestContextException if the request names an invalid organization or approval id; the refusal
   *     is audited ({@link #refused})
   */
  public AuthorizationRequest.Builder request(String action) {
    return start(action, null);
  }

  private AuthorizationRequest.Builder start(String action, @Nullable ResourceRef resource) {
    Actor actor = AlgosureAuthentication.currentActor().orElseThrow(() -> new UnauthenticatedException("'" + action + "'"));
    AuthorizationRequest.Builder b = AuthorizationRequest.builder().actor(actor).action(action);
    try {
      context.activeOrganization().ifPresent(b::organization);
      RequestIds.approvalId(context).ifPresent(b::approvalId);
    } catch (InvalidRequestContextException e) {
      throw refused(e, action, resource, null, null);
    }
    RequestIds.correlationId(context).ifPresent(b::correlationId);
    return b;
  }

  /**
   * Records the refusal of the current caller's request context, before any decision is made, and returns the
   * exception to throw: the same refusal, carrying the record's id ({@link InvalidRequestContextException#problemId()}),
   * which the 400 response carries as its {@code decisionId}. A refusal that already carries an id was recorded and is
   * returned as it is, so each refusal is recorded once.
   *
   * <p>The record is an {@link AuditEventType#AUTHORIZATION_DECISION} event, outcome {@code DENY}, reason
   * {@link ReasonCode#REQUEST_INVALID}, whose id is the problem id, with the current actor, the action, and the
   * resource, tenant and organization where they are known and valid ids (typed values: raw request text is never
   * recorded); where the request itself names a valid organization, that one is recorded too (as the organization
   * where no other is known, else as detail {@code requestedOrganization} where it differs). Details:
   * {@code decisionId}, {@code stage} ({@code ACTOR}), {@code refusedBy} ({@code request-context}) and
   * {@code source} (where the refused value came from, such as {@code header X-Organization-Id}, as printable text).
   *
   * <p>Fails closed: where the sink throws, the failure is logged at ERROR with the problem id, and the refusal is
   * returned all the same.
   *
   * @param refused the refusal
   * @param action the action the caller asked for
   * @param resource the resource, where it is known
   * @param tenant the tenant the call names, where it is known
   * @param organization the organization the call names, where it is known
   * @return the refusal to throw, carrying the id of its audit record
   * @since 0.1.0
   */
  public InvalidRequestContextException refused(InvalidRequestContextException refused, String action,
      @Nullable ResourceRef resource, @Nullable TenantId tenant, @Nullable OrganizationId organization) {
    return refused(refused, null, action, resource, tenant, organization);
  }

  /**
   * Like {@link #refused(InvalidRequestContextException, String, ResourceRef, TenantId, OrganizationId)}, for a call to
   * an external provider (a {@link GuardedIntegration} method) refused before anything was asked or sent: the record
   * also names the provider.
   *
   * @param refused the refusal
   * @param provider the provider's id (the value of the integration guard's {@code ProviderId}), where the call names
   *     one
   * @param action the action the caller asked for
   * @param resource the resource, where it is known
   * @param tenant the tenant the call names, where it is known
   * @param organization the organization the call names, where it is known
   * @return the refusal to throw, carrying the id of its audit record
   * @since 0.1.0
   */
  public InvalidRequestContextException refused(InvalidRequestContextException refused, @Nullable String provider,
      String action, @Nullable ResourceRef resource, @Nullable TenantId tenant, @Nullable OrganizationId organization) {
    Objects.requireNonNull(refused, "refused");
    if (refused.problemId().isPresent()) {
      return refused;
    }
    String id = AuditIds.next();
    try {
      auditSink.record(refusalEvent(refused, id, provider, action, resource, tenant, organization));
      LOG.info("request context refused ({}): {}", id, refused.source());
    } catch (Throwable t) { // fail closed: the caller is refused all the same
      LOG.error("audit of refused request context {} failed: {}; refused all the same", id, t.getClass().getName());
    }
    return new InvalidRequestContextException(refused, id);
  }

  private AuditEvent refusalEvent(InvalidRequestContextException refused, String id, @Nullable String provider,
      String action, @Nullable ResourceRef resource, @Nullable TenantId tenant, @Nullable OrganizationId organization) {
    Actor actor = AlgosureAuthentication.currentActor().orElse(null);
    OrganizationId requested = quietly(context::activeOrganization);
    String correlation = quietly(() -> RequestIds.correlationId(context));
    OrganizationId recorded = organization != null ? organization : requested;
    Instant now;
    try {
      now = clock.instant();
    } catch (RuntimeException e) {
      now = Instant.now();
    }
    return AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, now)
        .id(id)
        .outcome(Effect.DENY.name())
        .tenant(tenant == null ? null : tenant.value())
        .organization(recorded == null ? null : recorded.value())
        .actor(actor == null ? null : actor.id(), actor == null ? null : ActorKinds.of(actor))
        .action(UntrustedText.safe(action, MAX_SOURCE))
        .resource(resource == null ? null : resource.toString())
        .provider(provider == null ? null : UntrustedText.safe(provider, MAX_PROVIDER))
        .correlationId(correlation)
        .reasons(REQUEST_INVALID)
        .detail("decisionId", id)
        .detail("stage", ReasonCode.REQUEST_INVALID.stage().name())
        .detail("refusedBy", "request-context")
        .detail("source", UntrustedText.safe(refused.source(), MAX_SOURCE))
        .detail("requestedOrganization", organization != null && requested != null && !requested.equals(organization)
            ? requested.value() : null)
        .build();
  }

  /** @return the value, or null where there is none or the request's value is itself refused */
  private static <T> @Nullable T quietly(java.util.function.Supplier<Optional<T>> read) {
    try {
      return read.get().orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The active organization the current request itself names (the header or query parameter), whatever a
   * builder is given afterwards. The {@link Authorize} interceptor compares it with the annotation's
   * organization expression and refuses a conflict.
   *
   * @return the organization the current request names, if it names one
   * @throws InvalidRequestContextException if it names an invalid one, or names it ambiguously
   */
  public Optional<OrganizationId> requestedOrganization() {
    return context.activeOrganization();
  }

  /**
   * Asks the decision point. Never throws for a denial. The {@link AlgosureEventListener}s hear of the decision
   * from the decision point's audit sink ({@link ObservedAuditSink}), as of every other decision it makes.
   *
   * @param request the request
   * @return the decision
   */
  public AuthorizationDecision decide(AuthorizationRequest request) {
    return pdp.decide(request);
  }

  /**
   * Asks the decision point and insists on a permit.
   *
   * @param request the request
   * @return the permitting decision
   * @throws AuthorizationDecisionException if the decision is anything but a permit
   */
  public AuthorizationDecision require(AuthorizationRequest request) {
    AuthorizationDecision decision = decide(request);
    if (!decision.permitted()) {
      throw new AuthorizationDecisionException(decision);
    }
    return decision;
  }

  /** @return the decision point this authorizer asks */
  public PolicyDecisionPoint decisionPoint() {
    return pdp;
  }
}
