package com.algosure.integration;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.ExecutionContext;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one attempt ended with, as the Failsafe policies see it. Attempts never throw: every failure is a
 * result, so retry and circuit breaker decide on the classification alone.
 */
final class AttemptResult {

  enum Kind {
    SUCCESS, TRANSIENT, RATE_LIMITED, PERMANENT, UNKNOWN_STATE,
    LIMIT_EXHAUSTED, LIMIT_UNAVAILABLE, PAUSED, TRANSPORT_DENIED, ENDPOINT_DENIED, AUDIT_FAILED, TOO_LARGE, SECRET_UNAVAILABLE,
    CIRCUIT_OPEN
  }

  final CallState<?> call;
  final int attempt;
  final Kind kind;
  final @Nullable ProviderResponse response;
  final @Nullable Instant retryAt;
  final String error;
  /** Whether the retry policy should retry it (transient, or a short Retry-After). */
  final boolean retryable;
  /**
   * Whether the guard itself stopped the attempt before it sent anything (its idempotency claim would run out, its
   * client refused the host): the provider did nothing, so the result never counts for the provider's breaker.
   */
  private final boolean refusedByGuard;
  /** The execution of a retryable result, whose elapsed time says whether Failsafe will still retry it. */
  private final @Nullable ExecutionContext<?> execution;
  /** Set when the retry budget refused the retry this result asked for. */
  boolean budgetDenied;
  private @Nullable Boolean budgetAnswer;
  /** Where the budget counted the retry this result was granted ({@link RetryBudget#REFUSED}: none), to refund it. */
  long budgetEpoch = RetryBudget.REFUSED;

  AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response, @Nullable Instant retryAt,
      String error, boolean retryable) {
    this(call, attempt, kind, response, retryAt, error, retryable, false, null);
  }

  /** @param execution the attempt's execution, for a result that may be retryable (see {@link #budgetRefuses}) */
  AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response, @Nullable Instant retryAt,
      String error, boolean retryable, ExecutionContext<?> execution) {
    this(call, attempt, kind, response, retryAt, error, retryable, false, execution);
  }

  private AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response,
      @Nullable Instant retryAt, String error, boolean retryable, boolean refusedByGuard,
      @Nullable ExecutionContext<?> execution) {
    this.call = call;
    this.attempt = attempt;
    this.kind = kind;
    this.response = response;
    this.retryAt = retryAt;
    this.error = error;
    this.retryable = retryable;
    this.refusedByGuard = refusedByGuard;
    this.execution = execution;
  }

  /**
   * @return an attempt the guard refused before sending anything of it, whose result is {@code kind} (an unknown
   *     state when an earlier attempt may have been sent): never retried, never counted for the provider's breaker
   */
  static AttemptResult refusedByGuard(CallState<?> call, int attempt, Kind kind, String error) {
    return new AttemptResult(call, attempt, kind, null, null, error, false, true, null);
  }

  int status() {
    return response == null ? 0 : response.status();
  }

  /**
   * Failures that say the provider is unhealthy count for the circuit breaker: a 5xx among them, also when it is
   * backed off as a rate limit (a 503 with {@code Retry-After}), but not a 429, nor an attempt the guard refused
   * before sending it (see {@link #refusedByGuard(CallState, int, Kind, String)}), whatever it is escalated as.
   */
  boolean countsForBreaker() {
    return !refusedByGuard && (kind == Kind.TRANSIENT || kind == Kind.UNKNOWN_STATE)
        || ((kind == Kind.PERMANENT || kind == Kind.RATE_LIMITED) && response != null && response.status() >= 500);
  }

  /**
   * Whether the provider answered, in a way that says it is up: what the breaker counts as a success when it does not
   * {@link #countsForBreaker() count as a failure}. An attempt the guard refused, or one that failed before anything
   * reached the provider without being a transient failure, is neither (see {@code ResilientExecutionStep#record}).
   */
  boolean providerAnswered() {
    if (refusedByGuard) {
      return false;
    }
    switch (kind) {
      case SUCCESS:
      case TOO_LARGE: // it answered, more than the guard reads
      case RATE_LIMITED: // a 429, or a provider SDK's throttling error
        return true;
      case PERMANENT:
        return response != null; // without one, the call failed before it sent (a host's exchange refused it)
      default:
        return false;
    }
  }

  /**
   * The retry policy's abort condition, which Failsafe 3 ({@code RetryPolicyExecutor#onFailure}) evaluates for every
   * retryable result, also when it then stops for another reason: the budget is asked (and spends) only for a retry
   * that is then made. No retry is made after the last attempt, nor once the maximum retry duration has passed
   * (read here after Failsafe read it: a retry this finds past it is aborted, unpaid, as Failsafe would stop it a
   * moment later), nor while the breaker is open (it refuses the retry unless the retry's delay outlasts its open
   * time, when the retry is its half-open trial: bounded by the breaker, not spent from the budget). Asks the
   * budget at most once per result. A retry the guard then refuses before its exchange gets its spending back
   * ({@code ResilientExecutionStep#unpaidIfUnsent}).
   *
   * @return whether to abort: the budget refused the retry ({@link #budgetDenied}), or the retry would start past
   *     the maximum retry duration
   */
  boolean budgetRefuses(RetryBudget budget, int maxAttempts, long maxDurationNanos, CircuitBreaker<?> breaker) {
    if (!retryable || attempt >= maxAttempts) {
      return false;
    }
    if (budgetAnswer == null) {
      ExecutionContext<?> ctx = execution;
      if (ctx != null && ctx.getElapsedTime().toNanos() > maxDurationNanos) {
        return true; // retries exhausted, not the budget
      }
      if (breaker.isOpen()) {
        return false; // the breaker refuses the retry: nothing to spend
      }
      budgetEpoch = budget.acquireRetry();
      budgetAnswer = budgetEpoch != RetryBudget.REFUSED;
      budgetDenied = !budgetAnswer;
    }
    return !budgetAnswer;
  }

  @Override
  public String toString() {
    return "AttemptResult[" + kind + ", attempt=" + attempt + ", status=" + status() + "]";
  }
}
