package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.integration.spi.RateLimitKey;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerConfig;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One provider's policies, built once when the guard is built and shared by all its calls.
 *
 * <p><b>The nesting, in one place:</b> retry (bounded attempts and duration, exponential backoff with
 * jitter, {@code Retry-After} within the cap, retry budget) around the per-attempt rate-limit permit around the
 * circuit breaker around the per-attempt timeout around the provider exchange. {@link Lane#outer} is the retry, one
 * per allowed origin (see {@link Lane}), as is {@link Lane#breaker}. Each attempt (see
 * {@code ResilientExecutionStep#attempt}) takes its rate-limit permit, so every attempt, retries included, spends one;
 * then a permit of the breaker, just before the attempt's audit and exchange, and records the exchange's result on
 * it; the timeout is applied to the exchange alone.
 *
 * <p><b>Why the breaker is not one of the Failsafe executor's policies:</b> a breaker inside the executor records
 * every result of the attempt, and one that does not count as a failure counts as a success. An attempt the guard
 * refuses before sending (its rate limit, a pause, its audit sink, a secret it cannot renew) says nothing of the
 * provider's health, but would count as a success: it would dilute the provider's failures in the breaker's window
 * and close a half-open breaker without one answer from the provider. Driven by hand, the breaker hears only the
 * attempts that took one of its permits (see {@code ResilientExecutionStep#record}).
 *
 * <p><b>Why the timeout is not a Failsafe {@code Timeout}:</b> the guard's timeout never interrupts (an
 * interrupt sent by a timer thread can arrive after the attempt has returned and leak into the caller's
 * next blocking call). For a synchronous execution, Failsafe 3.3.2's non-interrupting {@code Timeout}
 * ({@code TimeoutExecutor#apply}) schedules a task per attempt on its scheduler thread; when the task
 * fires first it only records a {@code TimeoutExceededException} as the attempt's result and marks the
 * execution cancelled, and the attempt itself runs on until it returns, whereupon its own result is
 * discarded. That is the same as checking, when the attempt returns, whether it took longer than the
 * timeout, which needs no scheduled task, no scheduler thread wake-up and no {@code CancellationException}
 * per attempt. The attempt itself is bounded by the built-in HTTP exchange ({@link CallContext#send} waits
 * for the whole response, its body included, only as long as is left of the timeout, then cancels the
 * exchange) or, for a host exchange, by its honouring {@link CallContext#attemptTimeout()}.
 */
final class ProviderRuntime {

  /** What a call's claim holds beyond its retries and last attempt, for the steps around them. */
  private static final Duration CLAIM_MARGIN = Duration.ofMinutes(1);

  final ProviderPolicy policy;
  final RateLimitKey providerKey;
  /** The authorization resource of a request that names none, built once (its validation is a regex). */
  final ResourceRef defaultResource;
  /** The guard's client, restricted to this provider's allowed origins: what each attempt's context hands out. */
  final EnforcingHttpClient client;
  /** The lane of the registered endpoint's origin, which every call without an endpoint override takes. */
  final Lane primary;
  /** One lane per allowed origin, by {@link TransportPolicy#originOrNull(URI)}; the registered endpoint's first. */
  private final Map<String, Lane> lanes;
  /** The per-attempt timeout in nanoseconds, and how a timed-out attempt is described (built once). */
  final long attemptTimeoutNanos;
  final String timeoutError;
  /**
   * How long a call's idempotency claim holds: the idempotency TTL, or, if the call itself may run longer, as long
   * as it may (see {@link #claimTtl(ProviderPolicy)}), so that a claim never expires under a call still running.
   */
  final Duration claimTtl;
  /** {@link #claimTtl} in nanoseconds, saturated: what an attempt checks it has left of the claim before it sends. */
  final long claimTtlNanos;

  ProviderRuntime(ProviderPolicy policy, Clock clock, Auditor auditor, EnforcingHttpClient client) {
    this.policy = policy;
    this.client = client.forProvider(policy);
    this.providerKey = RateLimitKey.providerWide(policy.provider());
    this.defaultResource = ResourceRef.of("integration", policy.provider().value());
    Map<String, Lane> byOrigin = new LinkedHashMap<>();
    for (String origin : policy.allowedOrigins()) {
      byOrigin.put(origin, new Lane(origin, policy, clock, auditor));
    }
    this.lanes = Map.copyOf(byOrigin);
    this.primary = byOrigin.values().iterator().next();
    this.attemptTimeoutNanos = saturatedNanos(policy.attemptTimeout());
    this.timeoutError = "timeout after " + policy.attemptTimeout().toMillis() + " ms";
    this.claimTtl = claimTtl(policy);
    this.claimTtlNanos = saturatedNanos(claimTtl);
  }

  /**
   * @param override the request's endpoint override, or null
   * @return the lane of the origin the call goes to (the override is on an allowed origin: the transport step
   *     refused any other)
   */
  Lane lane(@Nullable URI override) {
    if (override == null) {
      return primary;
    }
    Lane l = lanes.get(TransportPolicy.originOrNull(override));
    return l != null ? l : primary;
  }

  /**
   * The retry budget, circuit breaker and Failsafe policies of one allowed origin. Each origin has its own: the
   * registered endpoint is the provider's, shared by every tenant, but an origin added with
   * {@link ProviderPolicy.Builder#allowedOrigin} is a tenant's own server, whose failures must neither open the
   * circuit for the provider's other calls nor spend their retries (one tenant's failing, or hostile, server would
   * otherwise stop every tenant's calls to the provider).
   */
  static final class Lane {

    /** {@code scheme://host:port}, as {@link ProviderPolicy#allowedOrigins()} lists it. */
    final String origin;
    final RetryBudget budget;
    final CircuitBreaker<AttemptResult> breaker;
    /** The retry (see the nesting above); the breaker is driven by each attempt. */
    final FailsafeExecutor<AttemptResult> outer;
    /**
     * How many trials a half-open {@link #breaker} lets run at once, as Failsafe 3.3.2's {@code HalfOpenState} counts
     * them: an attempt that finds them all under way is refused before it spends a rate-limit permit.
     */
    final int trials;
    /**
     * The attempts holding a trial permit of the breaker's current half-open round (taken and not yet recorded): a new
     * counter each time the breaker half-opens, when every permit of the round is free, so that a trial of an earlier
     * round still running (and decrementing its own round's counter) never keeps the new round's trials out.
     */
    volatile AtomicInteger trialsUnderWay = new AtomicInteger();

    Lane(String origin, ProviderPolicy policy, Clock clock, Auditor auditor) {
      this.origin = origin;
      this.budget = new RetryBudget(policy.retryBudgetRatio(), policy.retryBudgetMinimum(), policy.retryBudgetWindow(), clock);
      int maxAttempts = policy.maxAttempts();
      double jitter = policy.jitter();
      long maxDurationNanos = saturatedNanos(policy.maxRetryDuration());
      // the attempt records each result on it (ResilientExecutionStep#record): no condition of its own is asked
      CircuitBreaker<AttemptResult> cb = CircuitBreaker.<AttemptResult>builder()
          .withFailureThreshold(policy.breakerFailures(), policy.breakerWindow())
          .withDelay(policy.breakerOpenFor())
          .onHalfOpen(e -> trialsUnderWay = new AtomicInteger())
          .build();
      RetryPolicyBuilder<AttemptResult> retry = RetryPolicy.<AttemptResult>builder()
          .handleIf((r, e) -> r != null && r.retryable)
          .abortIf(r -> r != null && r.budgetRefuses(budget, maxAttempts, maxDurationNanos, cb))
          .withMaxAttempts(maxAttempts)
          .withMaxDuration(policy.maxRetryDuration())
          .withBackoff(policy.backoffInitial(), policy.backoffMax())
          .withDelayFn(ctx -> {
            AttemptResult last = ctx.getLastResult();
            return last == null ? BACKOFF : retryDelay(last.kind, last.retryAt, clock, jitter);
          })
          .onRetry(e -> {
            AttemptResult last = e.getLastResult();
            if (last != null) {
              auditor.emit(auditor.event(AuditEventType.INTEGRATION_RETRY, last.call, "RETRY")
                  .detail("attempt", Text.decimal(e.getAttemptCount() + 1))
                  .detail("previousResult", last.kind.name())
                  .detail("status", last.status() == 0 ? null : Text.decimal(last.status())));
            }
          });
      if (jitter > 0) {
        retry.withJitter(jitter);
      }
      this.breaker = cb;
      this.trials = halfOpenTrials(cb.getConfig());
      this.outer = Failsafe.with(retry.build());
    }
  }

  /**
   * @return how many permits a half-open breaker of this configuration gives at once: what Failsafe 3.3.2's
   *     {@code HalfOpenState#capacityFor} answers (the success thresholding capacity, else the failure execution
   *     threshold, else the failure thresholding capacity)
   */
  static int halfOpenTrials(CircuitBreakerConfig<?> config) {
    int n = config.getSuccessThresholdingCapacity();
    if (n == 0) {
      n = config.getFailureExecutionThreshold();
    }
    if (n == 0) {
      n = config.getFailureThresholdingCapacity();
    }
    return n;
  }

  /** What the retry's delay function answers for "no delay of its own": Failsafe's backoff applies. */
  static final Duration BACKOFF = Duration.ofMillis(-1);

  /**
   * The delay before a retry, as the retry policy's delay function answers it: for a rate-limited attempt with a
   * retry time in the future, the time until then, stretched so that Failsafe's jitter (applied after this function)
   * never makes it shorter; else {@link #BACKOFF}.
   *
   * @param kind what the last attempt ended with
   * @param retryAt the time it was told to retry at, if any
   * @param clock the guard's clock, read only for a rate-limited attempt with a retry time
   * @param jitter the policy's jitter factor, in [0, 1)
   * @return the delay, or {@link #BACKOFF}
   */
  static Duration retryDelay(AttemptResult.Kind kind, @Nullable Instant retryAt, Clock clock, double jitter) {
    if (retryAt == null || kind != AttemptResult.Kind.RATE_LIMITED) {
      return BACKOFF; // not a Retry-After: the backoff applies
    }
    // Failsafe applies jitter after this function; stretch the wait so that jitter never makes it shorter
    Duration wait = Duration.between(clock.instant(), retryAt);
    if (wait.isNegative() || wait.isZero()) {
      // "Retry-After: 0", or a time already past: no reason to re-send at once, so the backoff applies
      return BACKOFF;
    }
    return jitter == 0 ? wait : Duration.ofNanos((long) Math.ceil(wait.toNanos() / (1 - jitter)));
  }

  /**
   * The longest a call may hold its idempotency key: retrying lasts at most {@code maxRetryDuration}, its last
   * attempt starts before that and takes at most {@code attemptTimeout}, and a minute more covers the steps around
   * them (secrets, audit, validation). A claim that expired before the call ended would let a duplicate claim the
   * key and send the request a second time, so the claim holds for the longer of that and the idempotency TTL; the
   * completed record is kept for the TTL, as configured.
   */
  private static Duration claimTtl(ProviderPolicy policy) {
    Duration call;
    try {
      call = policy.maxRetryDuration().plus(policy.attemptTimeout()).plus(CLAIM_MARGIN);
    } catch (ArithmeticException e) {
      return ChronoUnit.FOREVER.getDuration(); // longer than any store keeps a record: the store's own bound applies
    }
    return call.compareTo(policy.idempotencyTtl()) > 0 ? call : policy.idempotencyTtl();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // centuries: never reached
    }
  }

  Optional<ConsentScope> scopeOf(Permission action) {
    Optional<ConsentScope> s = policy.actions().get(action);
    return s == null ? Optional.empty() : s;
  }

  boolean hasAction(Permission action) {
    return policy.actions().containsKey(action);
  }
}
