package com.algosure.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks the {@link com.algosure.authz.PolicyDecisionPoint} before a method runs: may the authenticated actor
 * perform {@link #action()} on the resource? Anything but a permit stops the call with an
 * {@link AuthorizationDecisionException}, which the adapter turns into an RFC 9457 problem response.
 *
 * <p>On a type, it applies to every method that has no annotation of its own and that a proxy intercepts: public,
 * protected and package-private instance methods alike (a class-based proxy intercepts them all). One method has
 * one: two different ones (an interface method's and its implementation's, or two annotations meta-annotated with
 * this one) fail when the bean is proxied, and so does one on a final, static or private method, which no proxy
 * intercepts (a final protected or package-private method of an annotated type too). A call from inside the same
 * bean ({@code this.get(id)}) does not go through the proxy and is not checked, as with any Spring proxy: call the
 * method on the injected bean, or ask the {@link AlgosureAuthorizer} yourself.
 * Expressions are Spring
 * Expression Language over the method's parameters ({@code #id}, {@code #filing.id}); they are parsed once,
 * when the bean is proxied, so a bad expression fails at start-up, and so does one that reads a variable that is no
 * parameter of the method (a misspelling, or any name where the class is compiled without {@code -parameters}: use
 * {@code #p0} there). An expression that fails on a call's
 * arguments (such as {@code #filing.id()} with a null {@code filing}) refuses that call with an
 * {@link InvalidRequestContextException} (400), and the method does not run. One that does not fit the method (it calls
 * a method or reads a property its argument's type lacks) fails on every call: that is the service's error, thrown as
 * an {@link InvalidAlgosureConfigurationException} naming the method (a 500 problem), never blamed on the caller.
 *
 * <pre>{@code
 * @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#id")
 * public Filing get(String id) { ... }
 * }</pre>
 *
 * <p>Where an expression is empty, the value comes from the HTTP request (the active organization from the
 * {@code algosure.web.organization-header}, the approval id from {@code algosure.web.approval-header}) or is
 * left for the decision point to resolve (the tenant, from a trusted claim or the directory). Where the tenant or
 * organization expression is set but yields null for a call, the call is refused with an
 * {@link InvalidRequestContextException} (400) naming the attribute, and the method does not run: the caller's own
 * tenant or organization never stands in for the one the expression names.
 *
 * @since 0.1.0
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Authorize {

  /** @return the action, a permission name declared in the role catalogue, such as {@code filings:read} */
  String action();

  /** @return the resource type, which names the owning domain, such as {@code filing} */
  String resourceType();

  /** @return an expression for the resource's id; empty for an action on the whole type (list, create) */
  String resourceId() default "";

  /** @return an expression for the tenant to act in; empty to let the decision point resolve it */
  String tenant() default "";

  /**
   * @return an expression for the active organization; empty to read it from the request header (or query
   *     parameter). Where the request names one too, both must name the same one, or the call is refused
   *     with an {@link InvalidRequestContextException} (400) and the method does not run
   */
  String organization() default "";

  /** @return an expression for the approval id of a high-impact action; empty to read it from the request header */
  String approvalId() default "";

  /** @return an expression for the task an agent works on; empty for none */
  String task() default "";
}
