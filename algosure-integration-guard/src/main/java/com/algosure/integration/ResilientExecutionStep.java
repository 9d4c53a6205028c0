package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.ExecutionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 9: runs the provider call under the provider's Failsafe policies (see {@link ProviderRuntime} for
 * the nesting). Each attempt takes its rate-limit permits, is audited, is sent with the per-attempt
 * timeout, and is classified by the provider call: transient failures are retried within the bounded
 * policy and the retry budget; a 429 (or a 503 with {@code Retry-After}) pauses the tenant × provider key and is
 * waited out only if its {@code Retry-After} is within the cap; anything sent whose result is unknown is escalated, never retried.
 * A secret lease that has run out by an attempt's start is renewed first, or the attempt is not sent. A
 * 502 or 504 (a gateway answered; the origin may have acted) to a request without an idempotency key that is
 * not a safe method ({@code GET}, {@code HEAD}, {@code OPTIONS} sent by {@link CallContext#send}) is an
 * unknown state, escalated and never re-sent, whatever the provider call classified it as; so is a 303 (the origin
 * processed it) or another 5xx classified as permanent (a 500, a proxy's 524), but a 501 or 505, to such a request; so is, without a key,
 * any transient failure or rate limit after a request of the same attempt that may have changed something (a POST,
 * then its poll answered 503), since a retry or a resubmission re-runs the whole attempt.
 */
final class ResilientExecutionStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientExecutionStep.class);

  private final RateLimitStore rateLimits;
  private final String correlationHeader;
  private final Clock clock;
  /** Measures each attempt against its timeout: monotonic nanoseconds ({@code System::nanoTime} unless a test injects one). */
  private final LongSupplier ticker;
  private final Auditor auditor;
  private final Escalator escalator;
  /** Renews a lease that ran out while the call retried, before the next attempt. */
  private final SecretsStep secrets;

  ResilientExecutionStep(RateLimitStore rateLimits, String correlationHeader, Clock clock,
      LongSupplier ticker, Auditor auditor, Escalator escalator, SecretsStep secrets) {
    this.rateLimits = rateLimits;
    this.correlationHeader = correlationHeader;
    this.clock = clock;
    this.ticker = ticker;
    this.auditor = auditor;
    this.escalator = escalator;
    this.secrets = secrets;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    ProviderRuntime p = c.provider();
    // the breaker and retry budget of the origin the call goes to: a tenant's own server has its own
    ProviderRuntime.Lane lane = p.lane(c.request.endpointOrNull());
    lane.budget.recordCall();
    AttemptResult r;
    try {
      r = lane.outer.get(ctx -> unpaidIfUnsent(c, lane, ctx, attempt(c, p, lane, ctx)));
    } catch (RuntimeException e) {
      // attempts never throw for what they expect; this is Failsafe, the guard itself, or host code asked after the
      // exchange (a checked exception thrown sneakily arrives wrapped by Failsafe): once an exchange was entered the
      // request may have left, whatever the attempt had found out before the failure
      LOG.error("resilient execution failed for provider {}: {}", p.policy.provider(), e.getClass().getName());
      if (c.mayHaveSent()) {
        return escalator.escalate(c, OutcomeReason.UNKNOWN_STATE, e.getClass().getName(), null);
      }
      // a failure like any other step's: audited, by its class only (its message may carry a host's value)
      try {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.GUARD_FAILURE)
            .detail("error", e.getClass().getName()));
      } catch (Exception | Error again) { // the clock that failed may fail again: the outcome still stands
        LOG.error("guard failure could not be audited for provider {}: {}", p.policy.provider(),
            again.getClass().getName());
      }
      return c.failed(OutcomeReason.GUARD_FAILURE, 0, "the guard failed before anything was sent");
    }
    return finish(c, p, lane, r);
  }

  private <T> IntegrationOutcome<T> finish(CallState<T> c, ProviderRuntime p, ProviderRuntime.Lane lane, AttemptResult r) {
    switch (r.kind) {
      case SUCCESS:
        c.response = r.response;
        return c.proceed();
      case TRANSIENT: {
        OutcomeReason reason = r.budgetDenied ? OutcomeReason.RETRY_BUDGET_EXHAUSTED : OutcomeReason.RETRIES_EXHAUSTED;
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", reason)
            .detail("attempts", Text.decimal(c.attempts)).detail("lastError", r.error));
        return c.failed(reason, r.status(), "transient failures of provider '" + c.request.provider() + "' lasted past "
            + (r.budgetDenied ? "the provider's retry budget" : "the bounded retry policy") + " (" + c.attempts
            + " attempts, last: " + r.error + ")");
      }
      // a RATE_LIMITED, LIMIT_EXHAUSTED or PAUSED result is made with its retry time (attempt and rateLimited below)
      case RATE_LIMITED:
        return c.rateLimited(OutcomeReason.PROVIDER_RATE_LIMITED, castToNonNull(r.retryAt));
      case LIMIT_EXHAUSTED:
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_RATE_LIMITED, c, "RATE_LIMITED", OutcomeReason.RATE_LIMIT_EXCEEDED)
            .detail("retryAfter", castToNonNull(r.retryAt).toString()).detail("limit", r.error));
        return c.rateLimited(OutcomeReason.RATE_LIMIT_EXCEEDED, castToNonNull(r.retryAt));
      case LIMIT_UNAVAILABLE:
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.RATE_LIMIT_UNAVAILABLE)
            .detail("attempts", Text.decimal(c.attempts)));
        return c.failed(OutcomeReason.RATE_LIMIT_UNAVAILABLE, 0, "the rate-limit store failed, so attempt "
            + r.attempt + " was not sent");
      case PAUSED:
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_RATE_LIMITED, c, "RATE_LIMITED", OutcomeReason.PROVIDER_PAUSED)
            .detail("retryAfter", castToNonNull(r.retryAt).toString()));
        return c.rateLimited(OutcomeReason.PROVIDER_PAUSED, castToNonNull(r.retryAt));
      case PERMANENT: {
        OutcomeReason reason = r.response == null ? OutcomeReason.CALL_FAILED : OutcomeReason.PROVIDER_ERROR;
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", reason)
            .detail("attempts", Text.decimal(c.attempts)).detail("lastError", r.error)
            .detail("status", r.status() == 0 ? null : Text.decimal(r.status())));
        return c.failed(reason, r.status(), r.response == null
            ? "the provider call failed before sending (" + r.error + ")"
            : "provider '" + c.request.provider() + "' answered " + r.status() + ", which is not retried");
      }
      case TRANSPORT_DENIED:
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.TRANSPORT_INSECURE));
        return c.denied(OutcomeReason.TRANSPORT_INSECURE, r.error);
      case ENDPOINT_DENIED: {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.ENDPOINT_NOT_ALLOWED));
        return c.denied(OutcomeReason.ENDPOINT_NOT_ALLOWED, r.error);
      }
      case SECRET_UNAVAILABLE:
        return c.failed(OutcomeReason.SECRET_UNAVAILABLE, 0, "the lease of secret '" + r.error + "' ran out during the call"
            + " and could not be renewed from the secrets store, so attempt " + r.attempt + " was not sent ("
            + c.attempts + " sent before it failed transiently)");
      case AUDIT_FAILED:
        return c.failed(OutcomeReason.AUDIT_FAILED, 0, r.error);
      case CIRCUIT_OPEN: {
        Instant retryAfter = trialAt(lane, p);
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.CIRCUIT_OPEN)
            .detail("attempts", Text.decimal(c.attempts)).detail("retryAfter", retryAfter.toString()));
        String provider = "the circuit breaker of provider '" + p.policy.provider() + "'"
            + (lane == p.primary ? "" : " for " + lane.origin);
        return c.failed(OutcomeReason.CIRCUIT_OPEN, 0, c.attempts == 0
            ? provider + " is open after repeated failures; nothing was sent: retry after " + p.policy.breakerOpenFor()
            : c.attempts + (c.attempts == 1 ? " attempt" : " attempts") + " of this call failed (last: " + c.lastError
                + "), then " + provider + " opened after repeated failures, so no further attempt was sent: retry after "
                + p.policy.breakerOpenFor(), retryAfter);
      }
      case TOO_LARGE: {
        // the evidence keeps the answer's status (its body was not read past the limit, so none is kept)
        String ref = escalator.keep(c, "REJECTED_RESPONSE", r.response, r.error);
        return escalator.reject(c, OutcomeReason.RESPONSE_TOO_LARGE,
            auditor.event(AuditEventType.INTEGRATION_REJECTED, c, "REJECTED", OutcomeReason.RESPONSE_TOO_LARGE)
                .detail("status", r.status() == 0 ? null : Text.decimal(r.status())), ref, r.error);
      }
      case UNKNOWN_STATE:
      default:
        return escalator.escalate(c, OutcomeReason.UNKNOWN_STATE, r.error, r.response);
    }
  }

  /**
   * @return when the lane's breaker, which refused an attempt, lets a trial through: the rest of its open time while
   *     open; while half-open with each of its trials under way, once those trials end (each within the attempt
   *     timeout), when the breaker is closed or open again
   */
  private Instant trialAt(ProviderRuntime.Lane lane, ProviderRuntime p) {
    Duration left = lane.breaker.getRemainingDelay();
    return clock.instant().plus(left.isZero() || left.isNegative() ? p.policy.attemptTimeout() : left);
  }

  /**
   * Gives the retry budget back what it spent on this attempt (a retry) if the guard refused the attempt before its
   * exchange (the rate limit, the breaker, a secret, the audit sink, the idempotency claim): the budget bounds the
   * retries that reach the provider, and a refused one would otherwise be taken from every other call's retries.
   *
   * @return {@code r}
   */
  private static AttemptResult unpaidIfUnsent(CallState<?> c, ProviderRuntime.Lane lane,
      ExecutionContext<AttemptResult> ctx, AttemptResult r) {
    if (c.attempts < r.attempt) { // set just before the exchange is entered
      AttemptResult previous = ctx.getLastResult();
      if (previous != null && previous.budgetEpoch != RetryBudget.REFUSED) {
        lane.budget.refund(previous.budgetEpoch);
      }
    }
    return r;
  }

  /**
   * One attempt: rate-limit permits, secrets renewed, a permit of the breaker, then {@link #send}. Never throws for
   * what it expects. A breaker that is open and not yet due for a trial, or half-open with each of its trials under
   * way, refuses the attempt before it spends a rate-limit permit (two attempts racing for a half-open breaker's last
   * trial may still both take their permits, and one be refused); otherwise the breaker's permit is taken after every check of the guard's own that could
   * refuse the attempt before its audit, so that such a refusal never reaches the breaker.
   */
  private AttemptResult attempt(CallState<?> c, ProviderRuntime p, ProviderRuntime.Lane lane,
      ExecutionContext<AttemptResult> ctx) {
    int n = ctx.getAttemptCount() + 1;
    CircuitBreaker<AttemptResult> breaker = lane.breaker;
    // a closed breaker (the hot path) refuses nothing; an open one not yet due for a trial, or a half-open (or due)
    // one with each of its trials under way, would refuse the attempt after its rate-limit permits: refused first,
    // so that a call the breaker stops never spends the tenant's permits while the provider is down
    if (!breaker.isClosed() && (breaker.isHalfOpen() ? lane.trialsUnderWay.get() >= lane.trials
        : !breaker.getRemainingDelay().isZero())) {
      return AttemptResult.refusedByGuard(c, n, AttemptResult.Kind.CIRCUIT_OPEN, "circuit open");
    }
    Instant now = clock.instant();
    // a call that waited out a Retry-After itself is not stopped by the pause it waited for
    Instant waited = c.waitedUntil;
    Instant permitTime = waited != null && waited.isAfter(now) ? waited : now;
    AttemptResult limited = permits(c, p, n, permitTime);
    if (limited != null) {
      return limited;
    }
    // secrets are used no longer than their lease (on the guard's clock), retries included
    SecretsStep.Unavailable expired = secrets.renewIfExpired(c, now);
    if (expired != null) {
      return expired.notAudited() ? new AttemptResult(c, n, AttemptResult.Kind.AUDIT_FAILED, null, null, "the use of "
          + "secret '" + expired.ref() + "' could not be audited, so attempt " + n + " was not sent", false)
          : new AttemptResult(c, n, AttemptResult.Kind.SECRET_UNAVAILABLE, null, null, expired.ref(), false);
    }
    if (!breaker.tryAcquirePermit()) { // opened meanwhile, or half-open with each of its trials under way
      return AttemptResult.refusedByGuard(c, n, AttemptResult.Kind.CIRCUIT_OPEN, "circuit open");
    }
    // whether the permit is one of a half-open breaker's trials: a closed breaker's permit is no trial, also when the
    // breaker has half-opened by the time the attempt ends (see record)
    boolean trial = breaker.isHalfOpen();
    // the counter of the round the trial belongs to (read after the permit: taking it may have half-opened the breaker)
    AtomicInteger round = trial ? lane.trialsUnderWay : null;
    AttemptResult r = null;
    try {
      if (round != null) {
        round.incrementAndGet();
      }
      r = send(c, p, ctx, n, now);
      return r;
    } finally {
      try {
        record(breaker, r, trial);
      } finally {
        if (round != null) {
          round.decrementAndGet();
        }
      }
    }
  }

  /**
   * Records on the breaker what an attempt that holds one of its permits found out: a failure of the provider, or an
   * answer from it. An attempt that did neither (its audit sink or its idempotency claim stopped it, the guard's client
   * refused a host before anything was sent, the guard itself failed) says nothing of the provider: a closed breaker
   * is told nothing. A half-open breaker's permit is one of its few trials, though, which only a recorded result gives
   * back (Failsafe 3.3.2 has no other way to return one), so that trial counts as failed: neither closing the breaker
   * on no answer nor leaving it waiting for a trial that never ends. Only a permit taken as a trial is: an attempt that
   * took a closed breaker's permit and ended with no answer after the breaker opened and half-opened (a slow audit
   * sink) held none of its trials, and would otherwise fail the trial of another call, reopening the breaker on the
   * guard's own refusal, and hand the half-open breaker a permit it never gave.
   *
   * @param r the attempt's result, or null when the guard threw
   * @param trial whether the attempt's permit was one of a half-open breaker's trials
   */
  private static void record(CircuitBreaker<AttemptResult> breaker, @Nullable AttemptResult r, boolean trial) {
    if (r != null && r.countsForBreaker()) {
      breaker.recordFailure();
    } else if (r != null && r.providerAnswered()) {
      breaker.recordSuccess();
    } else if (trial && breaker.isHalfOpen()) {
      breaker.recordFailure();
    }
  }

  /** The attempt's audit, then its exchange checked against the attempt timeout, and its classification. */
  private AttemptResult send(CallState<?> c, ProviderRuntime p, ExecutionContext<AttemptResult> ctx, int n,
      Instant now) {
    if (!auditor.emit(auditor.event(AuditEventType.INTEGRATION_REQUEST, c, "SENDING", now)
        .detail("attempt", Text.decimal(n))
        .detail("host", c.endpoint == null ? null : c.endpoint.getHost())
        .detail("fingerprint", c.request.fingerprint())
        .detail("bytes", Text.decimal(c.request.payloadSize()))) && auditor.failClosed()) {
      return new AttemptResult(c, n, AttemptResult.Kind.AUDIT_FAILED, null, null,
          "the request could not be audited, so it was not sent", false);
    }
    ProviderPolicy policy = p.policy;
    long started = ticker.getAsLong();
    if (c.owner != null && p.claimTtlNanos - (started - c.claimedNanos) <= p.attemptTimeoutNanos) {
      // The claim may run out before this attempt could end (the steps before it, a slow vault, audit sink or
      // rate-limit store, outlasted it): a duplicate may claim the key meanwhile and send, so this call does not
      String error = "the idempotency claim on the key would run out before attempt " + n + " could end (it holds "
          + p.claimTtl + " from the claim), so the attempt was not sent: a duplicate could claim the key and send too";
      LOG.error("attempt {} of provider {} not sent: its idempotency claim would run out first", n, policy.provider());
      c.lastError = error;
      // the guard's refusal, not the provider's failure: it never counts for the provider's breaker
      return AttemptResult.refusedByGuard(c, n, c.mayHaveSent() ? AttemptResult.Kind.UNKNOWN_STATE
          : AttemptResult.Kind.PERMANENT, error);
    }
    // the transport step, before this one, set the endpoint
    CallContext context = new CallContext(c.request, castToNonNull(c.endpoint), n, c.secrets, p.client,
        policy.attemptTimeout(), policy.maxResponseBytes(), policy.idempotencyHeader(), c, correlationHeader, ticker,
        started, p.attemptTimeoutNanos);
    c.attempts = n;
    ProviderResponse response = null;
    Throwable thrown = null;
    try {
      response = c.call.exchange(context);
    } catch (InterruptedException e) {
      // an interrupt that is not the guard's own (the guard never interrupts) stays visible to the caller
      Thread.currentThread().interrupt();
      thrown = e;
    } catch (Throwable e) {
      thrown = e;
    }
    // a call that does not promise to report its sending (ProviderCall.reportsSending) may send by its own means,
    // which send() never sees: it is never taken for one that sent only safe methods
    c.onlySafeMethods &= context.sentOnlySafeMethods() && c.call.reportsSending();
    // The per-attempt timeout (see ProviderRuntime): whatever the attempt returned or threw, an attempt that
    // took longer than the timeout is a timeout, so a late answer is never taken as a fact.
    long ended = ticker.getAsLong();
    if (ended - started >= p.attemptTimeoutNanos) {
      String error = p.timeoutError;
      if (c.owner != null && ended - c.claimedNanos >= p.claimTtlNanos) {
        // the guard never interrupts: an exchange that ignores its timeout runs on past the claim, and a duplicate
        // may have claimed the expired key and sent meanwhile; said in the failure's audit and the escalation
        error += "; the idempotency claim ran out while the attempt ran (the exchange ignored its timeout), so a "
            + "duplicate under the key may have sent the request again";
        LOG.error("attempt {} of provider {} outlasted its idempotency claim: a duplicate may have sent the request "
            + "again", n, policy.provider());
      }
      // never classified (it came too late to be a fact), but the answer, within the size limit, is kept as the
      // evidence of the unknown state: what the provider did may be read from it
      ProviderResponse late = response != null && !response.bodyOverLimit()
          && response.bodySize() <= policy.maxResponseBytes() ? response : null;
      return failure(c, p, ctx, n, null, sent(c, context), error, keyless(c) && context.mayHaveActedBeforeFailure(),
          late);
    }
    if (thrown instanceof TransportPolicyViolationException refused) {
      OutcomeReason reason = refused instanceof EndpointNotAllowedException
          ? OutcomeReason.ENDPOINT_NOT_ALLOWED : OutcomeReason.TRANSPORT_INSECURE;
      if (context.sent() || c.maybeSent) {
        // refused after an earlier request of the attempt was sent (a POST, then a link in its answer to another
        // host), or of an earlier attempt (a POST answered 504, then the retry): not a call refused before anything
        // was sent, whose key is released for a resubmission to send again
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", reason)
            .detail("attempt", Text.decimal(n)).detail("scheme", refused.scheme()).detail("host", refused.host()));
        String error = reason + " after an earlier request " + (context.sent() ? "of the attempt" : "of the call")
            + " was sent";
        c.maybeSent = true;
        c.lastError = error;
        // the guard's client refused it: an unknown state for the call, but no failure of the provider's breaker
        return AttemptResult.refusedByGuard(c, n, AttemptResult.Kind.UNKNOWN_STATE, error);
      }
      // refused is ours, made with a message
      return new AttemptResult(c, n, reason == OutcomeReason.ENDPOINT_NOT_ALLOWED ? AttemptResult.Kind.ENDPOINT_DENIED
          : AttemptResult.Kind.TRANSPORT_DENIED, null, null, castToNonNull(refused.getMessage()), false);
    }
    if (thrown instanceof ResponseTooLargeException tooLarge) {
      c.maybeSent = true;
      // the answer's status, without its unread body, for the rejection's evidence
      int status = tooLarge.status();
      return new AttemptResult(c, n, AttemptResult.Kind.TOO_LARGE,
          status == 0 ? null : ProviderResponse.ofBodyOverLimit(status, Map.of()), null,
          castToNonNull(thrown.getMessage()), false); // ours, made with a message
    }
    if (thrown != null) {
      return failure(c, p, ctx, n, thrown, sent(c, context), thrown.getClass().getName(),
          keyless(c) && context.mayHaveActedBeforeFailure(), null);
    }
    c.maybeSent = true;
    if (response == null) {
      return failure(c, p, ctx, n, new IllegalStateException("exchange returned null"), true, "exchange returned no response",
          false, null);
    }
    return classify(c, p, ctx, n, response, context);
  }

  private boolean sent(CallState<?> c, CallContext context) {
    boolean sent = context.sent() || !c.call.reportsSending();
    if (sent) {
      c.maybeSent = true;
    }
    return sent;
  }

  private @Nullable AttemptResult permits(CallState<?> c, ProviderRuntime p, int n, Instant at) {
    try {
      AttemptResult r = permit(c, n, c.tenantKey(), p.policy.tenantRateLimit(), at);
      return r != null ? r : permit(c, n, p.providerKey, p.policy.providerRateLimit(), at);
    } catch (Exception e) { // host code, a checked exception thrown sneakily included: nothing is sent
      LOG.warn("rate-limit store failed for provider {}: {}", p.policy.provider(), e.getClass().getName());
      // fail closed: without a permit nothing is sent
      return new AttemptResult(c, n, AttemptResult.Kind.LIMIT_UNAVAILABLE, null, null, "rate-limit store unavailable", false);
    }
  }

  private @Nullable AttemptResult permit(CallState<?> c, int n, RateLimitKey key, Optional<RateLimit> limit, Instant at) {
    RateLimitDecision d;
    if (limit.isEmpty()) {
      // no permits to take, but a pause the provider asked for since the call began still applies
      Optional<Instant> until = rateLimits.pausedUntil(key, at);
      if (until == null) {
        throw new IllegalStateException("RateLimitStore.pausedUntil returned null");
      }
      d = until.isPresent() ? new RateLimitDecision.Paused(until.get()) : RateLimitDecision.granted();
    } else {
      d = rateLimits.acquire(key, limit.get(), at);
    }
    if (d instanceof RateLimitDecision.Granted) {
      return null;
    }
    if (d instanceof RateLimitDecision.Paused paused) {
      return new AttemptResult(c, n, AttemptResult.Kind.PAUSED, null, paused.until(), "paused", false);
    }
    if (d instanceof RateLimitDecision.Exhausted exhausted) {
      return new AttemptResult(c, n, AttemptResult.Kind.LIMIT_EXHAUSTED, null, exhausted.retryAt(), key.toString(), false);
    }
    throw new IllegalStateException("RateLimitStore.acquire returned " + d);
  }

  /**
   * @return whether an answer the standard rules take as permanent may come after the provider acted: a 303 (See
   *     Other: the origin processed the request and points to its result, which the guard does not follow), or any
   *     5xx but 501 and 505, which say the request was not understood (502, 503 and 504 are transient by those rules)
   */
  private static boolean mayHaveActed(int status) {
    return status == 303 || (status >= 500 && status <= 599 && status != 501 && status != 505);
  }

  /** @return whether the request has no idempotency key by which the provider could recognise it sent again */
  private static boolean keyless(CallState<?> c) {
    return c.request.idempotencyKeyOrNull() == null;
  }

  /**
   * @param t what the attempt threw, or null for a timeout
   * @param actedBefore whether the request has no key and a request of the attempt that may have changed something
   *     was sent before the failure (a POST, then its poll refused): a transient failure is then an unknown state,
   *     since a retry re-runs the whole attempt and could act twice
   * @param late the answer of an attempt that returned one after its timeout, or null: kept as the evidence of an
   *     unknown state, never classified
   */
  private AttemptResult failure(CallState<?> c, ProviderRuntime p, ExecutionContext<AttemptResult> ctx, int n,
      @Nullable Throwable t, boolean sent, String error, boolean actedBefore, @Nullable ProviderResponse late) {
    Classification cl;
    try {
      cl = t == null
          ? (sent ? Classification.unknownState() : Classification.transientFailure())
          : c.call.classify(t, sent);
    } catch (Exception | Error e) { // host code: whatever it throws, the attempt is classified the safe way below
      cl = null;
    }
    if (cl == null) {
      cl = sent ? Classification.unknownState() : Classification.permanent();
    }
    boolean requestSent = sent;
    if (actedBefore && (cl.kind() == Classification.Kind.TRANSIENT || cl.kind() == Classification.Kind.RATE_LIMITED)) {
      // the failing request changed nothing, but a retry would send the earlier one again
      cl = Classification.unknownState();
      requestSent = true; // the earlier one was
      c.maybeSent = true;
    }
    if (cl.kind() == Classification.Kind.RATE_LIMITED && t != null) {
      // a provider SDK's throttling error (its 429), classified as such by the provider call: backed off as a 429 is,
      // never taken for an unknown state
      return rateLimited(c, p, ctx, n, null, cl, clock.instant(), error);
    }
    c.lastError = error;
    AttemptResult.Kind kind = kindOf(cl, requestSent);
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, kind.name())
        .detail("attempt", Text.decimal(n))
        .detail("error", error)
        .detail("requestSent", Boolean.toString(requestSent)));
    return new AttemptResult(c, n, kind, kind == AttemptResult.Kind.UNKNOWN_STATE ? late : null, null, error,
        kind == AttemptResult.Kind.TRANSIENT, ctx);
  }

  private static AttemptResult.Kind kindOf(Classification cl, boolean sent) {
    switch (cl.kind()) {
      case TRANSIENT:
        return AttemptResult.Kind.TRANSIENT;
      case PERMANENT:
        // a permanent failure once the request may have left is still an unknown state
        return sent ? AttemptResult.Kind.UNKNOWN_STATE : AttemptResult.Kind.PERMANENT;
      case SUCCESS:
      case RATE_LIMITED:
      case UNKNOWN_STATE:
      default:
        return sent ? AttemptResult.Kind.UNKNOWN_STATE : AttemptResult.Kind.PERMANENT;
    }
  }

  private AttemptResult classify(CallState<?> c, ProviderRuntime p, ExecutionContext<AttemptResult> ctx, int n,
      ProviderResponse response, CallContext context) {
    Instant now = clock.instant();
    String sha256 = Payloads.sha256Hex(response.bodyUnsafe());
    c.responseSha256 = sha256;
    // CallContext.send stops reading at the limit; an exchange of the host's own may return a longer body, which is
    // held to the same limit
    boolean overLimit = response.bodyOverLimit() || response.bodySize() > p.policy.maxResponseBytes();
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_RESPONSE, c, "RECEIVED", now)
        .detail("attempt", Text.decimal(n))
        .detail("status", Text.decimal(response.status()))
        .detail("bytes", Text.decimal(response.bodySize()))
        .detail("sha256", sha256)
        .detail("bodyOverLimit", overLimit ? Text.decimal(p.policy.maxResponseBytes()) : null));
    Classification cl;
    try {
      cl = c.call.classify(response, now);
    } catch (Exception | Error e) { // host code: whatever it throws, an answer it cannot classify is an unknown state
      cl = null;
    }
    if (cl == null) {
      cl = Classification.unknownState();
    }
    int code = response.status();
    if (cl.kind() == Classification.Kind.TRANSIENT && (code == 502 || code == 504) && keyless(c)
        && !context.sentOnlySafeMethods()) {
      // a gateway answered: the origin may have acted, and without a key a resend could act twice
      cl = Classification.unknownState();
    }
    if (cl.kind() == Classification.Kind.PERMANENT && mayHaveActed(code) && keyless(c) && !context.sentOnlySafeMethods()) {
      // the origin processed it and points elsewhere (303), failed while handling it (500), or a proxy saw it take
      // the request and time out (524): not a refusal but an unknown state, which a caller told "failed" would
      // resubmit, acting twice without a key
      cl = Classification.unknownState();
    }
    if ((cl.kind() == Classification.Kind.TRANSIENT || cl.kind() == Classification.Kind.RATE_LIMITED) && keyless(c)
        && context.mayHaveActedBeforeLastRequest()) {
      // the answer says this request changed nothing, but an earlier request of the attempt may have: a retry, or
      // the caller's resubmission after a rate limit, would send that one again, and without a key act twice
      cl = Classification.unknownState();
    }
    String status = Text.decimal(response.status());
    if (cl.kind() == Classification.Kind.SUCCESS && overLimit) {
      // a success whose body was not read (over the limit) is never a fact; any other answer needs only its status
      c.lastError = "status " + status;
      // its status and headers for the rejection's evidence, never the body over the limit
      return new AttemptResult(c, n, AttemptResult.Kind.TOO_LARGE,
          ProviderResponse.ofBodyOverLimit(response.status(), response.headers()), null,
          castToNonNull(new ResponseTooLargeException(p.policy.maxResponseBytes()).getMessage()), false); // has one
    }
    switch (cl.kind()) {
      case SUCCESS:
        return new AttemptResult(c, n, AttemptResult.Kind.SUCCESS, response, null, status, false);
      case TRANSIENT:
        c.lastError = "status " + status;
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "TRANSIENT")
            .detail("attempt", Text.decimal(n)).detail("status", status));
        return new AttemptResult(c, n, AttemptResult.Kind.TRANSIENT, response, null, "status " + status, true, ctx);
      case RATE_LIMITED:
        return rateLimited(c, p, ctx, n, response, cl, now, "status " + status);
      case PERMANENT:
        c.lastError = "status " + status;
        return new AttemptResult(c, n, AttemptResult.Kind.PERMANENT, response, null, "status " + status, false);
      case UNKNOWN_STATE:
      default:
        c.lastError = "status " + status;
        return new AttemptResult(c, n, AttemptResult.Kind.UNKNOWN_STATE, response, null, "status " + status, false);
    }
  }

  /**
   * @param response the provider's answer, or null for a failure the provider call classified as rate limited
   * @param error what the attempt ended with, for the call's last error
   */
  private AttemptResult rateLimited(CallState<?> c, ProviderRuntime p, ExecutionContext<AttemptResult> ctx, int n,
      @Nullable ProviderResponse response, Classification cl, Instant now, String error) {
    ProviderPolicy policy = p.policy;
    // the provider's time, capped at a day as a Retry-After header is: a provider call's classification says it too
    Optional<Instant> asked = cl.retryAt();
    Instant retryAt = asked.isPresent() ? RetryAfter.cap(asked.get(), now) : now.plus(policy.defaultRetryAfter());
    try {
      rateLimits.pause(c.tenantKey(), retryAt);
    } catch (Exception e) { // host code, a checked exception thrown sneakily included: the 429 stands
      LOG.warn("rate-limit store failed to pause provider {}: {}", policy.provider(), e.getClass().getName());
    }
    Duration wait = Duration.between(now, retryAt);
    boolean waitHere = n < policy.maxAttempts() && wait.compareTo(policy.retryAfterCap()) <= 0
        && ctx.getElapsedTime().plus(wait).compareTo(policy.maxRetryDuration()) < 0;
    if (waitHere) {
      c.waitedUntil = retryAt;
    }
    c.lastError = error;
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_RATE_LIMITED, c, waitHere ? "WAITING" : "RATE_LIMITED",
        OutcomeReason.PROVIDER_RATE_LIMITED)
        .detail("attempt", Text.decimal(n))
        .detail("status", response == null ? null : Text.decimal(response.status()))
        .detail("error", response == null ? error : null)
        .detail("retryAfter", retryAt.toString()));
    return new AttemptResult(c, n, AttemptResult.Kind.RATE_LIMITED, response, retryAt, error, waitHere, ctx);
  }
}
