package com.algosure.integration;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one attempt ended with, as the Failsafe policies see it. Attempts never throw: every failure is a
 * result, so retry and circuit breaker decide on the classification alone.
 */
final class AttemptResult {

  enum Kind {
    SUCCESS, TRANSIENT, RATE_LIMITED, PERMANENT, UNKNOWN_STATE,
    LIMIT_EXHAUSTED, LIMIT_UNAVAILABLE, PAUSED, TRANSPORT_DENIED, ENDPOINT_DENIED, AUDIT_FAILED, TOO_LARGE, SECRET_UNAVAILABLE
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
  /** Set when the retry budget refused the retry this result asked for. */
  boolean budgetDenied;
  private @Nullable Boolean budgetAnswer;

  AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response, @Nullable Instant retryAt,
      String error, boolean retryable) {
    this(call, attempt, kind, response, retryAt, error, retryable, false);
  }

  private AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response,
      @Nullable Instant retryAt, String error, boolean retryable, boolean refusedByGuard) {
    this.call = call;
    this.attempt = attempt;
    this.kind = kind;
    this.response = response;
    this.retryAt = retryAt;
    this.error = error;
    this.retryable = retryable;
    this.refusedByGuard = refusedByGuard;
  }

  /**
   * @return an attempt the guard refused before sending anything of it, whose result is {@code kind} (an unknown
   *     state when an earlier attempt may have been sent): never retried, never counted for the provider's breaker
   */
  static AttemptResult refusedByGuard(CallState<?> call, int attempt, Kind kind, String error) {
    return new AttemptResult(call, attempt, kind, null, null, error, false, true);
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

  /** Asks the budget once per result: Failsafe may evaluate its abort condition more than once. */
  boolean budgetRefuses(RetryBudget budget, int maxAttempts) {
    if (!retryable || attempt >= maxAttempts) {
      return false;
    }
    if (budgetAnswer == null) {
      budgetAnswer = budget.tryRetry();
      budgetDenied = !budgetAnswer;
    }
    return !budgetAnswer;
  }

  @Override
  public String toString() {
    return "AttemptResult[" + kind + ", attempt=" + attempt + ", status=" + status() + "]";
  }
}
