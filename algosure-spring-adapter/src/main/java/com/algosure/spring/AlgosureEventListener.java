package com.algosure.spring;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
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
   * A decision was made through the adapter.
   *
   * @param request the request
   * @param decision the decision
   * @param latency how long the decision point took
   */
  default void onDecision(AuthorizationRequest request, AuthorizationDecision decision, Duration latency) {}

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
   * @param reason the outcome's reason, such as {@code PROVIDER_RATE_LIMITED} (the provider's 429) or
   *     {@code RATE_LIMIT_EXCEEDED} (our own limit)
   * @param retries how many times the call was retried
   * @param latency how long the guarded call took, end to end
   * @since 0.1.0
   */
  default void onIntegrationOutcome(String provider, String outcome, String reason, int retries, Duration latency) {
    onIntegrationOutcome(provider, outcome, retries, latency);
  }
}
