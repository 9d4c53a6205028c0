package com.algosure.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method as the provider call inside the {@link com.algosure.integration.IntegrationGuard}:
 * tenant context, authorization by the decision point, consent, transport, rate limit, idempotency,
 * secrets, bounded retry and response validation all happen around it, and the method body is one attempt
 * (it may run again on a retry). The caller gets the method's value only for an accepted outcome (or the
 * replay of an accepted one); every other outcome throws an {@link IntegrationOutcomeException}, which the
 * adapter turns into a problem response (400, 403, 409, 422, 428, 429, 500, 502, 503).
 *
 * <p>Inside the method, {@link GuardedCall#context()} gives the attempt's context (endpoint, secrets,
 * idempotency key) and {@link GuardedCall#send(java.net.http.HttpRequest)} sends through the guard's
 * TLS-only client; a provider's non-2xx answer sent that way is classified by the guard (429 and
 * {@code Retry-After} honoured, 5xx retried). What the method returns is the accepted value, so it returns the
 * provider's answer itself: a method returning a {@code Future}, {@code CompletionStage} or reactive {@code Publisher}
 * (an answer still to come) fails start-up.
 *
 * <pre>{@code
 * @GuardedIntegration(provider = "authority", action = "filings:submit", consentScope = "GOVERNMENT_RECORDS",
 *     idempotencyKey = "#key", payload = "#filing", tenant = "#filing.tenant()")
 * public Receipt submit(Filing filing, String key) throws Exception {
 *   ProviderResponse r = GuardedCall.send(GuardedCall.context().newRequest("filings")
 *       .POST(GuardedCall.context().payloadPublisher()).header("Content-Type", "application/json").build());
 *   return Receipt.parse(r.body());
 * }
 * }</pre>
 *
 * <p>Expressions are Spring Expression Language over the parameters, parsed once when the bean is proxied.
 * Where the tenant or organization expression is empty, the running {@link Authorize}d method's decision
 * (see {@link CurrentDecision}) or the request's header supplies it. Where one is set but yields null for a call,
 * the call is refused with an {@link InvalidRequestContextException} (400) naming the attribute, and nothing is
 * sent: nothing else stands in for the tenant or organization the expression names. An expression that does not fit
 * the method (a method or property its argument's type lacks) is the service's error: an
 * {@link InvalidAlgosureConfigurationException} naming the method (a 500 problem), and nothing is sent.
 *
 * <p>Only a call through the bean's proxy is guarded, as with any Spring proxy: called from inside the same bean
 * ({@code this.submit(...)}), the method runs as a plain call, without decision, consent, rate limit or idempotency.
 * Call it on the injected bean.
 *
 * @since 0.1.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface GuardedIntegration {

  /** @return the provider's id, as configured under {@code algosure.providers} */
  String provider();

  /** @return the action, a permission the decision point checks and the provider is configured for */
  String action();

  /**
   * @return the consent scope the action needs, such as {@code GOVERNMENT_RECORDS}; checked against the
   *     provider's configuration, so that code and configuration cannot silently disagree; empty for none
   */
  String consentScope() default "";

  /**
   * @return an expression for the idempotency key, such as {@code #idempotencyKey}; empty for none. The key is
   *     audited as it is (see {@code IntegrationRequest.Builder#idempotencyKey}): build it from ids, never from
   *     personal data or a secret
   */
  String idempotencyKey() default "";

  /** @return an expression for the payload, sent as canonical JSON and fingerprinted; empty for none */
  String payload() default "";

  /** @return the resource type for the authorization request; empty for {@code integration/<provider>} */
  String resourceType() default "";

  /** @return an expression for the resource's id (with {@link #resourceType()}) */
  String resourceId() default "";

  /** @return an expression for the tenant */
  String tenant() default "";

  /**
   * @return an expression for the active organization; empty to read it from the request (header or query
   *     parameter) or the running decision. Where the request names one too, both must name the same one, or
   *     the call is refused (400) and nothing is sent
   */
  String organization() default "";

  /** @return an expression for the approval id of a high-impact action; empty to read the request header */
  String approvalId() default "";

  /** @return an expression for the task an agent works on */
  String task() default "";
}
