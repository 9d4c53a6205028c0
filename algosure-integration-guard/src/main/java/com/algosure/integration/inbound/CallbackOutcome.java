package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.util.Objects;

/**
 * What became of one callback. Only {@link Accepted} means the handler ran and its result is a fact; a
 * webhook endpoint answers with {@link #httpStatus()}, which is 2xx only when the delivery is settled
 * (accepted, a duplicate of a processed one, or handled but not recorded as processed:
 * {@link CallbackReason#DELIVERY_NOT_RECORDED}, where a redelivery could be handled twice), so the provider redelivers
 * otherwise.
 *
 * <p>All implementations are immutable records and thread-safe.
 *
 * @since 0.1.0
 */
public sealed interface CallbackOutcome permits CallbackOutcome.Accepted, CallbackOutcome.Duplicate,
    CallbackOutcome.Rejected, CallbackOutcome.HandlerFailed {

  /** @return the machine-readable reason */
  CallbackReason reason();

  /** @return the HTTP status to answer the provider with */
  default int httpStatus() {
    return reason().httpStatus();
  }

  /** @return whether the handler ran and its result was accepted */
  default boolean accepted() {
    return this instanceof Accepted;
  }

  /**
   * Verified, handled, recorded as an accepted fact.
   *
   * @param provider the provider
   * @param tenant the tenant
   * @param deliveryId the delivery's id
   */
  record Accepted(ProviderId provider, TenantId tenant, String deliveryId) implements CallbackOutcome {
    /** @throws NullPointerException if a component is null */
    public Accepted {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(tenant, "tenant");
      Objects.requireNonNull(deliveryId, "deliveryId");
    }

    @Override
    public CallbackReason reason() {
      return CallbackReason.ACCEPTED;
    }
  }

  /**
   * A delivery seen before: acknowledged (or, while the first is still running, answered 409), handler not run.
   *
   * @param provider the provider
   * @param deliveryId the delivery's id
   * @param reason {@code DUPLICATE} or {@code DUPLICATE_IN_PROGRESS}
   */
  record Duplicate(ProviderId provider, String deliveryId, CallbackReason reason) implements CallbackOutcome {
    /** @throws IllegalArgumentException if the reason is not a duplicate reason */
    public Duplicate {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(deliveryId, "deliveryId");
      if (reason != CallbackReason.DUPLICATE && reason != CallbackReason.DUPLICATE_IN_PROGRESS) {
        throw new IllegalArgumentException("reason must be DUPLICATE or DUPLICATE_IN_PROGRESS, was " + reason);
      }
    }
  }

  /**
   * Rejected before the handler: not authentic, stale, unknown, too large or invalid; or, after the handler ran, not
   * settled as it should be ({@code FACT_NOT_AUDITED}, {@code DELIVERY_NOT_RECORDED}): not an accepted fact.
   *
   * @param provider the provider the callback came in for
   * @param reason why
   * @param message what was wrong (names headers and rules, never a signature, secret or value)
   */
  record Rejected(ProviderId provider, CallbackReason reason, String message) implements CallbackOutcome {
    /**
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the reason is that of another outcome ({@code ACCEPTED}, {@code DUPLICATE},
     *     {@code DUPLICATE_IN_PROGRESS}, {@code HANDLER_FAILED}): a rejected callback answered 200 would never be
     *     redelivered
     */
    public Rejected {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      switch (reason) {
        case ACCEPTED, DUPLICATE, DUPLICATE_IN_PROGRESS, HANDLER_FAILED ->
            throw new IllegalArgumentException("a rejected callback's reason cannot be " + reason
                + ", the reason of another outcome");
        default -> { }
      }
    }
  }

  /**
   * The handler threw; the delivery is not marked processed, so a redelivery can succeed.
   *
   * @param provider the provider
   * @param deliveryId the delivery's id
   * @param error the exception's class
   */
  record HandlerFailed(ProviderId provider, String deliveryId, String error) implements CallbackOutcome {
    /** @throws NullPointerException if a component is null */
    public HandlerFailed {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(deliveryId, "deliveryId");
      Objects.requireNonNull(error, "error");
    }

    @Override
    public CallbackReason reason() {
      return CallbackReason.HANDLER_FAILED;
    }
  }
}
