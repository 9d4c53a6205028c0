package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.RateLimitStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6: a key the provider paused (429 with {@code Retry-After}) stops the call before its idempotency
 * key is claimed, with the instant to resubmit at. Permits are taken per attempt, inside the resilient
 * execution, so retries spend them too.
 */
final class RateLimitStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(RateLimitStep.class);

  private final RateLimitStore store;
  private final Clock clock;
  private final Auditor auditor;

  RateLimitStep(RateLimitStore store, Clock clock, Auditor auditor) {
    this.store = store;
    this.clock = clock;
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    Instant now = clock.instant();
    ProviderRuntime p = c.provider();
    Optional<Instant> until;
    try {
      until = store.pausedUntil(c.tenantKey(), now);
      if (until == null) {
        throw new IllegalStateException("RateLimitStore.pausedUntil returned null");
      }
      if (until.isEmpty()) {
        until = store.pausedUntil(p.providerKey, now);
      }
      if (until == null) {
        throw new IllegalStateException("RateLimitStore.pausedUntil returned null");
      }
    } catch (Exception e) { // host code, a checked exception thrown sneakily included: nothing is sent
      LOG.warn("rate-limit store failed for provider {}: {}", p.policy.provider(), e.getClass().getName());
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.RATE_LIMIT_UNAVAILABLE));
      return c.failed(OutcomeReason.RATE_LIMIT_UNAVAILABLE, 0, "the rate-limit store failed, so nothing was sent");
    }
    if (until.isPresent()) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_RATE_LIMITED, c, "RATE_LIMITED", OutcomeReason.PROVIDER_PAUSED)
          .detail("retryAfter", until.get().toString()));
      return c.rateLimited(OutcomeReason.PROVIDER_PAUSED, until.get());
    }
    return c.proceed();
  }
}
