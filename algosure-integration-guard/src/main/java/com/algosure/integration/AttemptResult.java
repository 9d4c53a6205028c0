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
  /** Set when the retry budget refused the retry this result asked for. */
  boolean budgetDenied;
  private @Nullable Boolean budgetAnswer;

  AttemptResult(CallState<?> call, int attempt, Kind kind, @Nullable ProviderResponse response, @Nullable Instant retryAt,
      String error, boolean retryable) {
    this.call = call;
    this.attempt = attempt;
    this.kind = kind;
    this.response = response;
    this.retryAt = retryAt;
    this.error = error;
    this.retryable = retryable;
  }

  int status() {
    return response == null ? 0 : response.status();
  }

  /**
   * Failures that say the provider is unhealthy count for the circuit breaker: a 5xx among them, also when it is
   * backed off as a rate limit (a 503 with {@code Retry-After}), but not a 429.
   */
  boolean countsForBreaker() {
    return kind == Kind.TRANSIENT || kind == Kind.UNKNOWN_STATE
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
