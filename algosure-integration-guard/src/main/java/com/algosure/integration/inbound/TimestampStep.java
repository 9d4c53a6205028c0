package com.algosure.integration.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Step 4: the signed timestamp is within the tolerance of the injected clock, in both directions: too old
 * is a replay (or a delivery too late to trust), too far in the future is a forgery or a broken clock.
 */
final class TimestampStep implements CallbackStep {

  private final Duration tolerance;
  private final CallbackAuditor auditor;

  TimestampStep(Duration tolerance, CallbackAuditor auditor) {
    this.tolerance = tolerance;
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Optional<Instant> ts = c.verified().timestamp();
    if (ts.isEmpty()) {
      if (c.registration().requireTimestamp()) {
        return auditor.reject(c, CallbackReason.TIMESTAMP_MISSING, "the callback carries no signed timestamp");
      }
      return c.proceed();
    }
    Instant now = c.receivedAt;
    if (ts.get().isBefore(now.minus(tolerance))) {
      return auditor.reject(c, CallbackReason.TIMESTAMP_TOO_OLD, "the signed timestamp is more than " + tolerance
          + " old");
    }
    if (ts.get().isAfter(now.plus(tolerance))) {
      return auditor.reject(c, CallbackReason.TIMESTAMP_IN_FUTURE, "the signed timestamp is more than " + tolerance
          + " in the future");
    }
    return c.proceed();
  }
}
