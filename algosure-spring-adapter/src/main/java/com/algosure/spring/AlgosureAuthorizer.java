package com.algosure.spring;

import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import java.util.Objects;
import java.util.Optional;

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
 * <p>No rule lives here: every decision is the decision point's. Thread-safe.
 *
 * @since 0.1.0
 */
public class AlgosureAuthorizer {

  private final PolicyDecisionPoint pdp;
  private final RequestContextResolver context;

  /**
   * @param pdp the decision point
   * @param context reads the current request's context
   */
  public AlgosureAuthorizer(PolicyDecisionPoint pdp, RequestContextResolver context) {
    this.pdp = Objects.requireNonNull(pdp, "pdp");
    this.context = Objects.requireNonNull(context, "context");
  }

  /**
   * Starts a request for the current actor: actor from the security context, active organization, approval
   * id and correlation id from the current request. Anything set on the builder afterwards wins.
   *
   * @param action the action (a permission name)
   * @param resource the resource
   * @return a prefilled builder
   * @throws UnauthenticatedException if there is no authenticated Algosure actor
   * @throws InvalidRequestContextException if the request names an invalid organization or approval id
   */
  public AuthorizationRequest.Builder request(String action, ResourceRef resource) {
    return request(action).resource(resource);
  }

  /**
   * Like {@link #request(String, ResourceRef)}, without a resource yet: set one, or the decision point
   * denies the request as incomplete.
   *
   * @param action the action (a permission name)
   * @return a prefilled builder
   * @throws UnauthenticatedException if there is no authenticated Algosure actor
   * @throws InvalidRequestContextException if the request names an invalid organization or approval id
   */
  public AuthorizationRequest.Builder request(String action) {
    Actor actor = AlgosureAuthentication.currentActor().orElseThrow(() -> new UnauthenticatedException("'" + action + "'"));
    AuthorizationRequest.Builder b = AuthorizationRequest.builder().actor(actor).action(action);
    context.activeOrganization().ifPresent(b::organization);
    RequestIds.approvalId(context).ifPresent(b::approvalId);
    RequestIds.correlationId(context).ifPresent(b::correlationId);
    return b;
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
