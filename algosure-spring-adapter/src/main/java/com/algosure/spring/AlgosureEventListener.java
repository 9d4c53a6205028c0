package com.algosure.spring;

import com.algosure.authz.AuthorizationDecision;
import java.time.Duration;

/**
 * Observes what the adapter decided, for metrics and monitoring. Every bean of this type is called; the
 * Micrometer metrics are one. Methods are default so that new events never break an implementation.
 *
 * <p>Implementations must be thread-safe and fast; an exception they throw is logged and ignored (it never
 * changes a decision).
 *
 * @since 0.1.0
 */
public interface AlgosureEventListener {

  /**
   * The decision point made a decision: for {@link AlgosureAuthorizer} (and so {@link Authorize}), for the
   * {@code IntegrationGuard} before an outbound call, or for the host's own code. Told once per decision, by the
   * {@link ObservedAuditSink} the adapter gives the decision point, after the audit sink recorded it.
   *
   * @param decision the decision
   * @param latency the time from the decision's timestamp to its audit, on the decision point's clock
   */
  default void onDecision(AuthorizationDecision decision, Duration latency) {}

  /**
   * A bearer token was refused.
   *
   * @param reason the reason code, such as {@code TOKEN_EXPIRED}
   */
  default void onTokenRejected(String reason) {}

  /**
   * A guarded integration call ended.
   *
   * @param provider the provider's id
   * @param outcome the outcome's kind, such as {@code ACCEPTED} or {@code RATE_LIMITED}
   * @param retries how many times the call was retried
   * @param latency how long the guarded call took, end to end
   */
  default void onIntegrationOutcome(String provider, String outcome, int retries, Duration latency) {}

  /**
   * A guarded integration call ended, with its reason: what the adapter calls. By default it calls
   * {@link #onIntegrationOutcome(String, String, int, Duration)}, so a listener written for that one keeps working.
   *
   * @param provider the provider's id
   * @param outcome the outcome's kind, such as {@code ACCEPTED} or {@code RATE_LIMITED}
   * @param reason the outcome's reason, such as {@code PROVIDER_RATE_LIMITED} (the provider's 429, or 503 with
   *     {@code Retry-After}) or {@code RATE_LIMIT_EXCEEDED} (our own limit)
   * @param retries how many times the call was retried
   * @param latency how long the guarded call took, end to end
   * @since 0.1.0
   */
  default void onIntegrationOutcome(String provider, String outcome, String reason, int retries, Duration latency) {
    onIntegrationOutcome(provider, outcome, retries, latency);
  }
}
