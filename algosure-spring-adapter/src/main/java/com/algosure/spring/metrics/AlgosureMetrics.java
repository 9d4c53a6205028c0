package com.algosure.spring.metrics;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.spring.AlgosureEventListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Records what the adapter decided as Micrometer meters: every decision of the decision point the adapter configures
 * (for {@code @Authorize}, {@code AlgosureAuthorizer}, the integration guard and the host's own code alike, each
 * once). Every tag has a bounded set of values (effects, reason codes, stages, configured provider ids, outcome
 * kinds); no id, tenant or subject ever becomes a tag.
 *
 * <ul>
 *   <li>{@value #DECISIONS} (timer): effect, reason, stage;
 *   <li>{@value #TOKEN_REJECTIONS} (counter): reason;
 *   <li>{@value #INTEGRATION_OUTCOMES} (timer): provider, outcome, reason (so a provider's 429 or 503 with
 *       {@code Retry-After}, our own limit and a pause after a {@code Retry-After} are told apart);
 *   <li>{@value #INTEGRATION_RETRIES} (distribution summary): provider, outcome, reason.
 * </ul>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class AlgosureMetrics implements AlgosureEventListener {

  /** Decisions of the policy decision point, with their latency. */
  public static final String DECISIONS = "algosure.authorization.decisions";
  /** Bearer tokens refused. */
  public static final String TOKEN_REJECTIONS = "algosure.authentication.rejections";
  /** Guarded integration calls, with their end-to-end latency. */
  public static final String INTEGRATION_OUTCOMES = "algosure.integration.outcomes";
  /** Retries per guarded integration call. */
  public static final String INTEGRATION_RETRIES = "algosure.integration.retries";

  private final MeterRegistry registry;

  /** @param registry where the meters go */
  public AlgosureMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void onDecision(AuthorizationDecision decision, Duration latency) {
    Timer.builder(DECISIONS)
        .description("Authorization decisions by effect, reason and deciding stage")
        .tag("effect", decision.effect().name())
        .tag("reason", decision.reason().name())
        .tag("stage", decision.stage().name())
        .register(registry)
        .record(latency);
  }

  @Override
  public void onTokenRejected(String reason) {
    Counter.builder(TOKEN_REJECTIONS).description("Bearer tokens refused, by reason").tag("reason", reason)
        .register(registry).increment();
  }

  @Override
  public void onIntegrationOutcome(String provider, String outcome, String reason, int retries, Duration latency) {
    Timer.builder(INTEGRATION_OUTCOMES).description("Guarded integration calls by provider, outcome and reason")
        .tag("provider", provider).tag("outcome", outcome).tag("reason", reason).register(registry).record(latency);
    DistributionSummary.builder(INTEGRATION_RETRIES).description("Retries per guarded integration call")
        .tag("provider", provider).tag("outcome", outcome).tag("reason", reason).register(registry).record(retries);
  }
}
