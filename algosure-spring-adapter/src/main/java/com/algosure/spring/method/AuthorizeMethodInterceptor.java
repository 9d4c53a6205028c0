package com.algosure.spring.method;

import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.Authorize;
import com.algosure.spring.CurrentDecision;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestIds;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.expression.EvaluationContext;

/**
 * Enforces {@link Authorize}: before the method runs, builds the request (expressions evaluated against the
 * arguments, the rest from the current request) and insists on a permit from the decision point; anything
 * else throws {@link com.algosure.spring.AuthorizationDecisionException} and the method does not run.
 *
 * <p>Where the organization expression and the request (header or query parameter) both name the active
 * organization and name different ones, the call is refused with an {@link InvalidRequestContextException}
 * (400) before the decision point is asked: conflicting context is never settled by letting one side win.
 * An expression that cannot be evaluated on the call's arguments (a null it reads through) is refused the same
 * way, and so is a tenant or organization expression that yields null (the caller's own tenant or organization is
 * never decided on in place of the one the expression names): the method does not run. An approval id the
 * expression gives is held to the rule of the approval header ({@link RequestIds}) and refused the same way. Each such
 * refusal is audited once ({@link AlgosureAuthorizer#refused}), and the exception carries the record's id.
 *
 * <p>Thread-safe. The annotation's expressions are parsed when the pointcut first matches a method (when the
 * bean is proxied), then cached.
 *
 * @since 0.1.0
 */
public final class AuthorizeMethodInterceptor implements MethodInterceptor {

  private final AnnotationRegistry<Authorize, AuthorizeAttributes> registry =
      new AnnotationRegistry<>(Authorize.class, AuthorizeAttributes::of);
  private final Supplier<AlgosureAuthorizer> authorizer;

  /**
   * @param authorizer the authorizer, looked up on the first call (so that proxying a bean does not create
   *     the decision point early)
   */
  public AuthorizeMethodInterceptor(Supplier<AlgosureAuthorizer> authorizer) {
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
  }

  /** @return the pointcut matching methods annotated with {@link Authorize}, or intercepted methods of annotated types */
  public Pointcut pointcut() {
    return registry.pointcut();
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    AuthorizeAttributes a = registry.find(invocation);
    if (a == null) {
      return invocation.proceed();
    }
    AlgosureAuthorizer auth = authorizer.get();
    Method method = invocation.getMethod();
    // the variables of the method whose annotation was parsed, whichever proxy intercepted it as which method
    EvaluationContext ctx = a.variables().context(invocation.getArguments());
    // a collection is known before the request's context is read: a refusal of that context records it
    AuthorizationRequest.Builder b = a.resourceId() == null ? auth.request(a.action(), a.collection())
        : auth.request(a.action());
    // what is known and valid when a refusal comes, for its audit record (typed: never the caller's raw text)
    ResourceRef resource = null;
    TenantId tenantId = null;
    OrganizationId named = null;
    try {
      if (a.resourceId() == null) {
        resource = a.collection();
      } else {
        String id = MethodExpressions.text(a.resourceId(), ctx, "@Authorize(resourceId)", method);
        if (id != null) { // an absent id leaves the request without a resource, which the decision point denies
          resource = valid(() -> ResourceRef.of(a.resourceType(), id), "resource id");
        }
      }
      if (resource != null) {
        b.resource(resource);
      }
      String tenant = MethodExpressions.binding(a.tenant(), ctx, "@Authorize(tenant)", method);
      if (tenant != null) {
        tenantId = valid(() -> TenantId.of(tenant), "tenant");
        b.tenant(tenantId);
      }
      String org = MethodExpressions.binding(a.organization(), ctx, "@Authorize(organization)", method);
      if (org != null) {
        named = valid(() -> OrganizationId.of(org), "organization");
        b.organization(OrganizationAgreement.agreed(named, auth.requestedOrganization(), "Authorize", method));
      }
      String approval = MethodExpressions.text(a.approvalId(), ctx, "@Authorize(approvalId)", method);
      if (approval != null) {
        b.approvalId(RequestIds.approvalId("@Authorize(approvalId)", approval));
      }
      String task = MethodExpressions.text(a.task(), ctx, "@Authorize(task)", method);
      if (task != null) {
        b.task(task);
      }
    } catch (InvalidRequestContextException e) { // refused before a decision: still traceable
      throw auth.refused(e, a.action(), resource, tenantId, named);
    }
    CurrentDecision.Scope scope = CurrentDecision.bind(auth.require(b.build()));
    try {
      return invocation.proceed();
    } finally {
      scope.close();
    }
  }

  private static <T> T valid(Supplier<T> factory, String what) {
    try {
      return factory.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestContextException(what, "not a valid " + what + ": use 1 to 128 letters, digits or . _ - : @ /");
    }
  }
}
