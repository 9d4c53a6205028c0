package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.integration.spi.RateLimitKey;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import dev.failsafe.Timeout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One provider's policies, built once when the guard is built and shared by all its calls.
 *
 * <p><b>The nesting, in one place:</b> retry (bounded attempts and duration, exponential backoff with
 * jitter, {@code Retry-After} within the cap, retry budget) around circuit breaker around the per-attempt
 * rate-limit permit around the per-attempt timeout around the provider exchange. {@link #outer} holds
 * retry and circuit breaker; the permit is taken at the start of each attempt (see
 * {@code ResilientExecutionStep#attempt}), so every attempt, retries included, spends one; {@link #inner}
 * holds the timeout, around the exchange alone.
 */
final class ProviderRuntime {

  final ProviderPolicy policy;
  final RateLimitKey providerKey;
  /** The authorization resource of a request that names none, built once (its validation is a regex). */
  final ResourceRef defaultResource;
  final RetryBudget budget;
  final CircuitBreaker<AttemptResult> breaker;
  final FailsafeExecutor<AttemptResult> outer;
  final FailsafeExecutor<ProviderResponse> inner;

  ProviderRuntime(ProviderPolicy policy, Clock clock, Auditor auditor) {
    this.policy = policy;
    this.providerKey = RateLimitKey.providerWide(policy.provider());
    this.defaultResource = ResourceRef.of("integration", policy.provider().value());
    this.budget = new RetryBudget(policy.retryBudgetRatio(), policy.retryBudgetMinimum(), policy.retryBudgetWindow(), clock);
    int maxAttempts = policy.maxAttempts();
    double jitter = policy.jitter();
    RetryPolicyBuilder<AttemptResult> retry = RetryPolicy.<AttemptResult>builder()
        .handleIf((r, e) -> r != null && r.retryable)
        .abortIf(r -> r != null && r.budgetRefuses(budget, maxAttempts))
        .withMaxAttempts(maxAttempts)
        .withMaxDuration(policy.maxRetryDuration())
        .withBackoff(policy.backoffInitial(), policy.backoffMax())
        .withDelayFn(ctx -> {
          AttemptResult last = ctx.getLastResult();
          Instant at = last == null ? null : last.retryAt;
          if (at == null || last.kind != AttemptResult.Kind.RATE_LIMITED) {
            return Duration.ofMillis(-1); // not a Retry-After: the backoff applies
          }
          // Failsafe applies jitter after this function; stretch the wait so that jitter never makes it shorter
          Duration wait = Duration.between(clock.instant(), at);
          if (wait.isNegative()) {
            wait = Duration.ZERO;
          }
          return jitter == 0 ? wait : Duration.ofNanos((long) Math.ceil(wait.toNanos() / (1 - jitter)));
        })
        .onRetry(e -> {
          AttemptResult last = e.getLastResult();
          if (last != null) {
            auditor.emit(auditor.event(AuditEventType.INTEGRATION_RETRY, last.call, "RETRY")
                .detail("attempt", Integer.toString(e.getAttemptCount() + 1))
                .detail("previousResult", last.kind.name())
                .detail("status", last.status() == 0 ? null : Integer.toString(last.status())));
          }
        });
    if (jitter > 0) {
      retry.withJitter(jitter);
    }
    this.breaker = CircuitBreaker.<AttemptResult>builder()
        .handleIf((r, e) -> e != null || (r != null && r.countsForBreaker()))
        .withFailureThreshold(policy.breakerFailures(), policy.breakerWindow())
        .withDelay(policy.breakerOpenFor())
        .build();
    this.outer = Failsafe.with(retry.build(), breaker);
    // No interrupt: an interrupt sent by Failsafe's timer thread can arrive after the attempt has returned and
    // leak into the caller's next blocking call (a server thread's next request). The built-in HTTP exchange
    // stops waiting by its request timeout (the same duration); a custom exchange honours
    // CallContext.attemptTimeout(). Either way an attempt past the timeout is a TimeoutExceededException here,
    // so its result is never taken as a fact.
    this.inner = Failsafe.with(Timeout.<ProviderResponse>builder(policy.attemptTimeout()).build());
  }

  Optional<ConsentScope> scopeOf(Permission action) {
    Optional<ConsentScope> s = policy.actions().get(action);
    return s == null ? Optional.empty() : s;
  }

  boolean hasAction(Permission action) {
    return policy.actions().containsKey(action);
  }
}
