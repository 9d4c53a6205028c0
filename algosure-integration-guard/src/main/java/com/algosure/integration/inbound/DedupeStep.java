package com.algosure.integration.inbound;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.IdempotencyStoreFullException;
import com.algosure.integration.spi.IdempotencyTenantFullException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5: claims the delivery id (tenant + provider + {@code #callback} + id) with the payload's fingerprint
 * ({@link Signatures#sha256Fingerprint}). A processed delivery is acknowledged as a duplicate; one still
 * running is answered 409; the same id with another payload is rejected. After the handler, the claim is
 * completed (processed) or released (the handler failed or the payload was invalid, so a redelivery is
 * judged afresh). A handled delivery whose claim ran out while its handler ran is claimed again and completed where
 * its id is still free; otherwise it is {@code DELIVERY_NOT_RECORDED} (200, audited, logged), never ACCEPTED with
 * its id free for a redelivery to be handled again.
 *
 * <p>The fingerprint is the payload's own SHA-256, not the HMAC that verified the signature, although that
 * HMAC already covers the body: it also covers the timestamp, which a provider renews on every retry (an old
 * one would fail the timestamp window), and it is keyed with the secret, which a rotation replaces. A retry,
 * or a delivery re-sent after a rotation, would then look like another payload under the same id (409
 * instead of an acknowledged duplicate); and {@code v1a}, JWS and host verifiers have no HMAC at all. The
 * fingerprint is computed once per callback and reused by the {@code CALLBACK_RECEIVED} event. Where the signed
 * timestamp is inside the payload (a JWS's {@code iat}, renewed with its {@code exp} and {@code nbf} when a retry is
 * signed anew), the verifier hands the content without those times ({@link Verification.Verified#content}), and
 * that is fingerprinted instead.
 */
final class DedupeStep implements CallbackStep {

  private static final Logger LOG = LoggerFactory.getLogger(DedupeStep.class);
  /**
   * The action of a delivery's key: not a valid permission name ({@code #} is in none), so an outbound call sharing
   * the store, whose action is a permission (possibly named {@code callback}), never meets a delivery's record.
   */
  static final String ACTION = "#callback";

  /**
   * How long a processed delivery id is remembered unless the host sets {@code dedupeTtl}: 3 days, the longest common
   * provider redelivery schedule. A provider whose attempt got no 2xx back (the handler ran but the 200 was lost, or
   * a timeout) redelivers on its schedule, signing each retry anew, so the timestamp window does not stop it: only the
   * dedupe record does, and only while it lives. Standard Webhooks (Svix) retry for about 27.6 hours after the first
   * attempt (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), Stripe for up to 3 days; the 24 hours this was before let a
   * late retry of either be handled a second time. The cost is room, not memory: the in-memory store's bounds (not
   * the TTL) cap its size, but ids live three times longer, so a tenant fills its default bound of 100,000 at about 23
   * deliveries a minute sustained (69 at 24 hours), past which its new deliveries are refused for redelivery. A
   * delivery being handled holds its claim as long (at least {@link #MIN_CLAIM_TTL}), so a redelivery within the
   * schedule never runs beside a slow handler; the flip side, with a store that outlives the process, is that a claim
   * left by a process that died mid-handler answers the redeliveries 409 until it expires.
   */
  static final Duration DEFAULT_TTL = Duration.ofDays(3);

  /**
   * The least a delivery's claim holds while its handler runs, whatever the TTL: 24 hours. A handler has no
   * time limit (the guard runs it on the caller's thread and cannot stop it), and a claim that expired under it lets
   * the provider's redelivery (signed anew, so inside the window) run the handler a second time beside the first; a
   * handler that outlives its claim takes the id again when it finishes, or is answered {@code DELIVERY_NOT_RECORDED}.
   */
  static final Duration MIN_CLAIM_TTL = Duration.ofHours(24);

  /**
   * How much longer than the window's whole span ({@code 2 x tolerance}) a processed delivery id is kept at least. The
   * window is inclusive at both edges, so a delivery signed at {@code t} and handled at {@code t - tolerance} (the
   * future edge) can be replayed until exactly {@code t + tolerance}, {@code 2 x tolerance} after it was handled, when a
   * record of exactly that TTL has just expired. A second covers a store that keeps whole seconds.
   */
  static final Duration WINDOW_MARGIN = Duration.ofSeconds(1);

  private final IdempotencyStore store;
  /** How long a processed delivery id is remembered: the TTL, but past the timestamp window's span. */
  private final Duration ttl;
  /** How long a delivery still being handled holds its id: the TTL, but at least {@link #MIN_CLAIM_TTL}. */
  private final Duration claimTtl;
  private final CallbackAuditor auditor;

  DedupeStep(IdempotencyStore store, Duration ttl, Duration tolerance, CallbackAuditor auditor) {
    this.store = store;
    Duration span = tolerance.multipliedBy(2).plus(WINDOW_MARGIN);
    this.ttl = ttl.compareTo(span) < 0 ? span : ttl;
    this.claimTtl = ttl.compareTo(MIN_CLAIM_TTL) < 0 ? MIN_CLAIM_TTL : ttl;
    this.auditor = auditor;
  }

  @Override
  public <T> CallbackOutcome apply(CallbackState<T> c) {
    Verification.Verified v = c.verified();
    IdempotencyKey key;
    try {
      key = new IdempotencyKey(c.tenant(), c.request.provider(), ACTION, v.deliveryId());
    } catch (IllegalArgumentException e) {
      return auditor.reject(c, CallbackReason.DELIVERY_ID_INVALID, "the signed delivery id must be 1 to 255 visible ASCII "
          + "characters to be deduplicated; nothing was handled");
    }
    String owner = AuditIds.next(); // also the id of this delivery's CALLBACK_RECEIVED event (HandlerStep)
    ClaimResult claim;
    String refused = "the dedupe store failed; nothing was handled";
    String error = null;
    try {
      claim = store.claim(key, c.dedupeFingerprint(), owner, claimTtl);
    } catch (Exception | Error e) { // host code: a checked exception thrown sneakily or an Error too; nothing was handled
      error = e.getClass().getName(); // the class only: a host store's message may hold anything
      if (e instanceof IdempotencyTenantFullException full) {
        // the tenant's own bound, not a failing store: the tenant is named (it is no secret), as the guard does, so the
        // operator knows whose bound to raise or whose deliveries to look into
        refused = "the dedupe store holds as many live delivery ids of this tenant as it allows one tenant; nothing was"
            + " handled, redeliver later";
        LOG.warn("dedupe store refused a new delivery id for tenant {} provider {}: the tenant holds its maximum of {}"
            + " live delivery ids", key.tenant(), c.request.provider(), full.maximumKeysPerTenant());
      } else if (e instanceof IdempotencyStoreFullException full) {
        // the whole store's bound, all tenants together: not a store that is down, and the operator's fix differs
        refused = "the dedupe store is full (it holds as many live delivery ids as it allows, all tenants together);"
            + " nothing was handled, redeliver later; raise its maximumKeys or use a distributed store";
        LOG.warn("dedupe store refused a new delivery id for provider {}: the store is full, holding its maximum of {}"
            + " live delivery ids of all tenants; raise maximumKeys or use a distributed store", c.request.provider(),
            full.maximumKeys());
      } else {
        LOG.warn("dedupe store failed for provider {}: {}", c.request.provider(), error);
      }
      claim = null;
      // the claim may have taken the id before its reply was lost (a timeout, a dropped connection): released, as
      // nothing was handled, so the provider's redelivery is handled rather than answered 409 for the claim's whole
      // TTL. Only this owner's hold is released; an id another delivery holds or has completed stays as it is
      try {
        store.release(key, owner);
      } catch (Exception | Error again) { // still failing: the id stays held until its TTL, closed all the same
        LOG.warn("dedupe store failed to release a delivery id for provider {} after a failed claim: {}",
            c.request.provider(), again.getClass().getName());
      }
    }
    if (claim == null) {
      // a bound, the tenant's or the whole store's, is passing too (its ids expire): the same answer, so the provider
      // redelivers later; audited with the failure's class, which tells a bound from a store that is down
      return auditor.reject(c, CallbackReason.VERIFICATION_UNAVAILABLE, refused, error);
    }
    if (claim instanceof ClaimResult.FingerprintMismatch) {
      return auditor.reject(c, CallbackReason.DELIVERY_ID_REUSED, "delivery id '" + v.deliveryId()
          + "' was seen before with another payload");
    }
    if (claim instanceof ClaimResult.Completed || claim instanceof ClaimResult.InFlight) {
      CallbackReason reason = claim instanceof ClaimResult.Completed ? CallbackReason.DUPLICATE : CallbackReason.DUPLICATE_IN_PROGRESS;
      auditor.emit(c.event(AuditEventType.CALLBACK_DUPLICATE, "DUPLICATE", reason));
      return new CallbackOutcome.Duplicate(c.request.provider(), v.deliveryId(), reason);
    }
    c.key = key;
    c.owner = owner;
    CallbackOutcome outcome;
    try {
      outcome = c.proceed();
    } catch (Throwable t) { // a later step threw (the guard answers it): settled all the same, then passed on
      // a claim left held would answer the provider's redeliveries 409 for the whole TTL, although nothing was handled;
      // a handler that ran is recorded as processed (a redelivery must never be a second effect)
      settle(c, key, owner, new CallbackOutcome.Accepted(c.request.provider(), c.tenant(), v.deliveryId()));
      throw t;
    }
    return settle(c, key, owner, outcome);
  }

  /**
   * Completes the claim if the handler ran, else releases it, so a redelivery is judged afresh.
   *
   * @return the outcome, or, where the handler ran and the delivery could not be recorded as processed (see
   *     {@link #completeAgain}), the {@code DELIVERY_NOT_RECORDED} outcome that replaces it
   */
  private CallbackOutcome settle(CallbackState<?> c, IdempotencyKey key, String owner, CallbackOutcome outcome) {
    try {
      if (!c.handled) {
        if (!store.release(key, owner)) {
          LOG.warn("delivery claim for provider {} was no longer held when the callback finished", c.request.provider());
        }
        return outcome;
      }
      // the handler ran: processed, whatever came after it (a redelivery must never be a second effect)
      if (store.complete(key, owner, outcome, ttl)) {
        return outcome;
      }
    } catch (Exception | Error e) { // host code: whatever it throws, the outcome stands
      // a claim the store did not settle stays held until its TTL (at least MIN_CLAIM_TTL): redeliveries get 409
      LOG.warn("dedupe store failed to settle a delivery for provider {}: {}", c.request.provider(), e.getClass().getName());
      return outcome;
    }
    return completeAgain(c, key, owner, outcome);
  }

  /**
   * The store refused to record a handled delivery as processed: its claim ran out while the handler ran (a handler has
   * no time limit, and the claim holds for {@link #claimTtl}), or the store refused for a reason of its own. The id is
   * claimed again (same owner, same fingerprint) and completed where it is still free, so a redelivery is a duplicate.
   * Where it cannot be (a redelivery took the id meanwhile, so it may have been handled beside this one, or the store
   * refuses or fails again), the handler's effect happened but a redelivery may be handled again: the outcome is
   * {@code DELIVERY_NOT_RECORDED}, answered 200 so the provider does not redeliver, never an accepted fact, audited
   * ({@code INTEGRATION_FAILURE}) and logged with the delivery id and tenant for review.
   */
  private CallbackOutcome completeAgain(CallbackState<?> c, IdempotencyKey key, String owner, CallbackOutcome outcome) {
    String deliveryId = c.verified().deliveryId(); // claimed: 1 to 255 visible ASCII, safe to log
    String lost;
    String error = null;
    try {
      ClaimResult again = store.claim(key, c.dedupeFingerprint(), owner, claimTtl);
      if (again instanceof ClaimResult.Claimed) {
        if (store.complete(key, owner, outcome, ttl)) {
          LOG.warn("delivery {} of provider {} tenant {} was no longer claimed when its handler finished (the claim ran"
              + " out while it ran); its id was still free and is recorded as processed now", deliveryId,
              c.request.provider(), key.tenant());
          return outcome;
        }
        lost = "the dedupe store refused to record it, also after its id was claimed again";
      } else if (again instanceof ClaimResult.Completed) {
        lost = "its claim ran out while the handler ran, and a redelivery under its id has been processed since";
      } else if (again instanceof ClaimResult.InFlight) {
        lost = "its claim ran out while the handler ran, and a redelivery under its id is being handled now";
      } else {
        lost = "its claim ran out while the handler ran, and another payload under its id has taken it since";
      }
    } catch (Exception | Error e) { // host code (the store), sneaky checked exceptions included
      error = e.getClass().getName(); // the class only: a host store's message may hold anything
      lost = "the dedupe store refused to record it, and failed when its id was claimed again and recorded";
    }
    LOG.error("callback of provider {} tenant {} delivery {} was handled ({}) but not recorded as processed: {}{}; a "
        + "redelivery may be handled again, review it", c.request.provider(), key.tenant(), deliveryId,
        outcome.reason(), lost, error == null ? "" : " (" + error + ")");
    auditor.emit(c.event(AuditEventType.INTEGRATION_FAILURE, "NOT_RECORDED", CallbackReason.DELIVERY_NOT_RECORDED)
        .detail("handled", outcome.reason().name())
        .detail("error", error));
    return new CallbackOutcome.Rejected(c.request.provider(), CallbackReason.DELIVERY_NOT_RECORDED, "the handler ran, "
        + "but the delivery could not be recorded as processed: " + lost + "; a redelivery may be handled again");
  }
}
