package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.IdempotencyTenantFullException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 7: claims the idempotency key (tenant + provider + action + caller's key) with the request's
 * {@linkplain IntegrationRequest#fingerprint() fingerprint} (payload, content type, endpoint override), so a
 * call, its retries and its duplicates have at most one effect.
 *
 * <ul>
 *   <li>another fingerprint under the key: {@code REJECTED (IDEMPOTENCY_KEY_REUSED)};
 *   <li>the tenant holds as many keys as the store lets one tenant hold ({@link IdempotencyTenantFullException}):
 *       {@code FAILED (IDEMPOTENCY_TENANT_LIMIT)}, nothing sent; any other failure of the store:
 *       {@code FAILED (IDEMPOTENCY_UNAVAILABLE)}, nothing sent;
 *   <li>the first call still running: wait (bounded) for it and answer with its outcome; if it ended
 *       without an effect (released), claim once more and run; else {@code DUPLICATE_IN_PROGRESS};
 *   <li>the first call completed: {@code DUPLICATE} with its outcome (replayed from the {@link StoredOutcome}
 *       the key was completed with, answering this duplicate's request);
 *   <li>claimed: the call runs; an accepted, rejected or escalated outcome completes the key (an escalated
 *       one keeps it reserved, so a resubmission never blindly sends again); anything that had no effect
 *       (denied, rate limited, failed, or a rejected answer to GET, HEAD or OPTIONS requests only) releases it,
 *       so the caller can resubmit;
 *   <li>the key no longer held when an outcome with an effect completes it (its claim ran out during the host's work
 *       after the answer, or the store refused): claimed again with the same fingerprint and completed where it is
 *       still free; otherwise {@code ESCALATED (IDEMPOTENCY_KEY_LOST)} with the answer as evidence, never an
 *       outcome that reads as if the key recorded it while a resubmission could send again;
 *   <li>whatever escapes the later steps (a bug, or host code throwing anything, an {@link Error} or a checked
 *       exception thrown sneakily included) is answered here, by {@link Escalator#escaped}: escalated (and the
 *       key completed) once the request may have been sent, failed (and the key released) before.
 * </ul>
 */
final class IdempotencyStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStep.class);

  private final IdempotencyStore store;
  private final Auditor auditor;
  private final Escalator escalator;
  /** The guard's ticker: when the claim was taken, so that no attempt is sent once the claim may have run out. */
  private final LongSupplier ticker;

  IdempotencyStep(IdempotencyStore store, Auditor auditor, Escalator escalator, LongSupplier ticker) {
    this.store = store;
    this.auditor = auditor;
    this.escalator = escalator;
    this.ticker = ticker;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    ProviderPolicy policy = c.provider().policy;
    String callerKey = c.request.idempotencyKeyOrNull();
    if (callerKey == null) {
      if (!policy.requireIdempotencyKey()) {
        return c.proceed();
      }
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_REJECTED, c, "REJECTED", OutcomeReason.IDEMPOTENCY_KEY_MISSING));
      return c.rejected(OutcomeReason.IDEMPOTENCY_KEY_MISSING, null, "provider '" + policy.provider()
          + "' requires an idempotency key: set IntegrationRequest.Builder.idempotencyKey(...)");
    }
    IdempotencyKey key = new IdempotencyKey(c.tenant(), policy.provider(), c.request.action().name(), callerKey);
    String owner = AuditIds.next();
    // held at least as long as the call may run, even where the TTL is shorter (see ProviderRuntime#claimTtl)
    Duration claimTtl = c.provider().claimTtl;
    long claimedNanos = ticker.getAsLong();
    ClaimResult claim;
    try {
      claim = claim(key, c.request.fingerprint(), owner, claimTtl);
    } catch (IdempotencyTenantFullException e) {
      return tenantFull(c, e);
    }
    if (claim == null) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.IDEMPOTENCY_UNAVAILABLE));
      return c.failed(OutcomeReason.IDEMPOTENCY_UNAVAILABLE, 0, "the idempotency store failed, so nothing was sent");
    }
    if (claim instanceof ClaimResult.FingerprintMismatch) {
      return reused(c, callerKey);
    }
    if (claim instanceof ClaimResult.InFlight) {
      if (!policy.duplicateWait().isZero()) {
        // Waits for the first call to end, then claims again: the claim, not the wait, says what the key holds now.
        // Completed: the first call's outcome, replayed; released (no effect): this call may run, once. And if the
        // first claim expired meanwhile and another request took the key, its outcome is not this request's: the
        // wait alone could answer with it, since it compares no fingerprint.
        awaitFirst(key, policy.duplicateWait());
        claimedNanos = ticker.getAsLong();
        try {
          claim = claim(key, c.request.fingerprint(), owner, claimTtl);
        } catch (IdempotencyTenantFullException e) {
          return tenantFull(c, e);
        }
      }
      if (claim == null) {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.IDEMPOTENCY_UNAVAILABLE));
        return c.failed(OutcomeReason.IDEMPOTENCY_UNAVAILABLE, 0, "the idempotency store failed, so nothing was sent");
      }
      if (claim instanceof ClaimResult.FingerprintMismatch) {
        return reused(c, callerKey);
      }
      if (claim instanceof ClaimResult.Completed done) {
        return duplicate(c, done.outcome());
      }
      if (!(claim instanceof ClaimResult.Claimed)) {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_DUPLICATE, c, "DUPLICATE", OutcomeReason.DUPLICATE_IN_PROGRESS));
        return new IntegrationOutcome.Duplicate<>(c.request, OutcomeReason.DUPLICATE_IN_PROGRESS, Optional.empty());
      }
    }
    if (claim instanceof ClaimResult.Completed done) {
      return duplicate(c, done.outcome());
    }
    c.idempotencyKey = key; // its provider key, scoped as the claim is, is derived when an attempt forwards it
    c.owner = owner;
    c.claimedNanos = claimedNanos;
    IntegrationOutcome<T> outcome;
    try {
      outcome = c.proceed();
    } catch (Exception | Error e) {
      // Whatever escapes the later steps (a bug, or host code throwing where no step expects it, a checked
      // exception thrown sneakily or an Error included) is answered here, where the key is held: escalated once
      // the request may have been sent, failed before. Errors too, because the key must be settled either way.
      // the class only: host code's message may carry a body or a value
      LOG.error("integration guard failed for provider {} action {}: {}", policy.provider(), c.request.action(),
          e.getClass().getName());
      try {
        outcome = escalator.escaped(c, e);
      } catch (Throwable again) {
        // settled even if something escapes escaped() itself: the key never stays held for its whole TTL by a
        // call that is over, unless the call may have had an effect and there is no outcome to complete it with
        settleWithoutOutcome(c, key, owner);
        throw again;
      }
    }
    return settle(c, key, owner, outcome, policy.idempotencyTtl());
  }

  /**
   * @return the claim's result, or null if the store failed
   * @throws IdempotencyTenantFullException if the store refused the key for its tenant's bound (after releasing
   *     anything this owner may hold, as for any failure)
   */
  private @org.jspecify.annotations.Nullable ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
    try {
      return store.claim(key, fingerprint, owner, ttl);
    } catch (Exception e) { // host code (the store), sneaky checked exceptions included: nothing is sent
      if (e instanceof IdempotencyTenantFullException) {
        // the tenant's own bound, not a failing store: no stack, and the tenant is named (it is no secret)
        LOG.warn("idempotency store refused a new key for tenant {} provider {}: the tenant holds its maximum of live keys",
            key.tenant(), key.provider());
      } else {
        LOG.warn("idempotency store failed to claim a key for provider {}: {}", key.provider(), e.getClass().getName());
      }
      // the claim may have taken the key before its reply was lost (a timeout): released, as nothing was sent, so a
      // resubmission under the key is not a duplicate in progress for the claim's whole TTL. Only this owner's hold
      // is released; a key held by another call or completed stays as it is
      try {
        store.release(key, owner);
      } catch (Exception again) { // the store is still failing: the key stays held until its TTL, closed all the same
        LOG.warn("idempotency store failed to release a key for provider {} after a failed claim: {}", key.provider(),
            again.getClass().getName());
      }
      if (e instanceof IdempotencyTenantFullException tenantFull) {
        throw tenantFull;
      }
      return null;
    }
  }

  /** The tenant holds its bound of live keys: failed closed with its own reason, since the store serves other tenants. */
  private <T> IntegrationOutcome<T> tenantFull(CallState<T> c, IdempotencyTenantFullException e) {
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.IDEMPOTENCY_TENANT_LIMIT));
    long bound = e.maximumKeysPerTenant();
    return c.failed(OutcomeReason.IDEMPOTENCY_TENANT_LIMIT, 0, "tenant '" + e.tenant() + "' holds its maximum of " + bound
        + (bound == 1 ? " live idempotency key" : " live idempotency keys") + " (in flight or completed within their"
        + " time to live), so nothing was sent: retry once its earlier keys expire, or raise the store's"
        + " maximumKeysPerTenant");
  }

  private <T> IntegrationOutcome<T> reused(CallState<T> c, String callerKey) {
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_REJECTED, c, "REJECTED", OutcomeReason.IDEMPOTENCY_KEY_REUSED)
        .detail("fingerprint", c.request.fingerprint()));
    return c.rejected(OutcomeReason.IDEMPOTENCY_KEY_REUSED, null, "idempotency key '" + callerKey
        + "' was used before with another request (payload, content type or endpoint): use a new key for a new request");
  }

  /** Waits until the key's call ends or the wait is over; what it ended with is asked of the claim after this. */
  private void awaitFirst(IdempotencyKey key, Duration wait) {
    try {
      store.awaitCompletion(key, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) { // host code (the store), sneaky checked exceptions included
      LOG.warn("idempotency store failed while waiting for provider {}: {}", key.provider(), e.getClass().getName());
    }
  }

  @SuppressWarnings("unchecked")
  private <T> IntegrationOutcome<T> duplicate(CallState<T> c, Object stored) {
    Optional<IntegrationOutcome<T>> first;
    if (stored instanceof StoredOutcome s) {
      first = Optional.of(s.replay(c.request));
    } else if (stored instanceof IntegrationOutcome<?> o) {
      first = Optional.of((IntegrationOutcome<T>) o); // a store whose codec rebuilds whole outcomes
    } else {
      first = Optional.empty(); // a summary (the distributed stores' default codec)
    }
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_DUPLICATE, c, "DUPLICATE", OutcomeReason.DUPLICATE_COMPLETED)
        .detail("firstOutcome", first.map(o -> o.kind().name()).orElse(null)));
    return new IntegrationOutcome.Duplicate<>(c.request, OutcomeReason.DUPLICATE_COMPLETED, first);
  }

  /**
   * Something escaped even the guard's last resort, so there is no outcome to complete the key with: the key is
   * released only if nothing may have been sent, and otherwise stays reserved until its TTL (a duplicate gets
   * IN_PROGRESS, never a second effect).
   */
  private void settleWithoutOutcome(CallState<?> c, IdempotencyKey key, String owner) {
    if (c.mayHaveSent()) {
      LOG.error("idempotency key for provider {} stays reserved until its TTL: the call may have been sent and "
          + "ended without an outcome", key.provider());
      return;
    }
    release(key, owner);
  }

  private void release(IdempotencyKey key, String owner) {
    try {
      if (!store.release(key, owner)) {
        LOG.warn("idempotency key for provider {} was no longer held by this call when it released; it expires by its"
            + " TTL", key.provider());
      }
    } catch (Exception | Error e) { // host code (the store), sneaky checked exceptions included
      // the key stays reserved until its TTL: a duplicate gets IN_PROGRESS, never a second effect
      LOG.warn("idempotency store failed to release a key for provider {}: {}", key.provider(), e.getClass().getName());
    }
  }

  /**
   * Completes the key with an outcome that may have had an effect (accepted, escalated, or rejected after
   * sending), so duplicates replay it; releases it when nothing was sent, so the caller can resubmit.
   *
   * @return the outcome, or, where the key could not be completed with an outcome that may have had an effect
   *     (see {@link #completeAgain}), the escalation that replaces it
   */
  private <T> IntegrationOutcome<T> settle(CallState<T> c, IdempotencyKey key, String owner, IntegrationOutcome<T> outcome,
      Duration ttl) {
    IntegrationOutcome.Kind kind = outcome.kind();
    // a rejected answer to safe requests only (GET, HEAD, OPTIONS) changed nothing: released, so it can be retried
    boolean effect = kind == IntegrationOutcome.Kind.ACCEPTED || kind == IntegrationOutcome.Kind.ESCALATED
        || (kind == IntegrationOutcome.Kind.REJECTED && c.attempts > 0 && !c.resendSafe());
    if (!effect) {
      release(key, owner);
      return outcome;
    }
    StoredOutcome stored;
    try {
      // the key keeps what a replay shows, never the request and its payload
      stored = StoredOutcome.of(outcome);
      if (store.complete(key, owner, stored, ttl)) {
        return outcome;
      }
    } catch (Exception | Error e) { // host code (the store), sneaky checked exceptions included
      // the key stays reserved until its TTL: a duplicate gets IN_PROGRESS, never a second effect
      LOG.warn("idempotency store failed to complete a key for provider {}: {}", key.provider(), e.getClass().getName());
      return outcome;
    }
    return completeAgain(c, key, owner, outcome, stored, ttl);
  }

  /**
   * The store refused to complete the key: this call no longer holds it, since its claim ran out during the host's
   * work after the answer (the claim's TTL covers the attempts, not a slow validator, audit sink or evidence store),
   * or the store refused for a reason of its own. The key is taken again with the request's fingerprint and completed
   * where it is still free, so a resubmission under it replays this outcome. Where it cannot be (another request under
   * the key holds or completed it, or the store refuses again), a resubmission may send the request again: the outcome
   * is not reported as if the key recorded it, but escalated ({@link OutcomeReason#IDEMPOTENCY_KEY_LOST}) with the
   * answer as evidence. An escalated outcome stays as it is (it is escalated already), logged.
   */
  private <T> IntegrationOutcome<T> completeAgain(CallState<T> c, IdempotencyKey key, String owner,
      IntegrationOutcome<T> outcome, StoredOutcome stored, Duration ttl) {
    String lost;
    try {
      ClaimResult again = store.claim(key, c.request.fingerprint(), owner, c.provider().claimTtl);
      if (again instanceof ClaimResult.Claimed) {
        if (store.complete(key, owner, stored, ttl)) {
          LOG.warn("idempotency key for provider {} was no longer held by this call when it completed (its claim ran out"
              + " after the provider answered); it was still free, and is completed now", key.provider());
          return outcome;
        }
        lost = "the idempotency store refused to complete the key, also after it was claimed again";
      } else if (again instanceof ClaimResult.Completed) {
        lost = "the idempotency claim ran out before the outcome was recorded, and another call under the key has "
            + "completed it since";
      } else {
        lost = "the idempotency claim ran out before the outcome was recorded, and another call under the key holds it now";
      }
    } catch (Exception | Error e) { // host code (the store), sneaky checked exceptions included
      lost = "the idempotency store refused to complete the key, and failed when it was claimed again ("
          + e.getClass().getName() + ")";
    }
    LOG.error("idempotency key for provider {} action {} does not record the call's {} outcome: {}", key.provider(),
        c.request.action(), outcome.kind(), lost);
    if (outcome.kind() == IntegrationOutcome.Kind.ESCALATED) {
      return outcome; // handed to the owning domain already
    }
    return escalator.escalate(c, OutcomeReason.IDEMPOTENCY_KEY_LOST, lost + ": the call ended " + outcome.reason()
        + ", but a resubmission under the key may send the request again", c.response);
  }
}
