package com.algosure.integration.inbound;

/**
 * Machine-readable reasons of a {@link CallbackOutcome}.
 *
 * @since 0.1.0
 */
public enum CallbackReason {
  /** Verified, handled, and recorded as an accepted fact. */
  ACCEPTED(200),
  /** The same delivery was processed before; acknowledged without a second effect. */
  DUPLICATE(200),
  /** The same delivery is being processed right now; the provider should redeliver later. */
  DUPLICATE_IN_PROGRESS(409),
  /** No registration for the provider. */
  UNKNOWN_PROVIDER(404),
  /** The registration could not name the tenant the callback belongs to. */
  TENANT_MISSING(400),
  /** The payload is larger than the limit (checked before any signature work). */
  PAYLOAD_TOO_LARGE(413),
  /** A header the verifier needs (id, timestamp, signature) is missing. */
  SIGNATURE_MISSING(401),
  /** No signature matched any active secret or key. */
  SIGNATURE_INVALID(401),
  /** The timestamp is not a number of seconds. */
  TIMESTAMP_INVALID(400),
  /** The registration requires a signed timestamp and the verifier found none. */
  TIMESTAMP_MISSING(400),
  /** The timestamp is older than the tolerance (a replay, or a very late delivery). */
  TIMESTAMP_TOO_OLD(400),
  /** The timestamp is further in the future than the tolerance. */
  TIMESTAMP_IN_FUTURE(400),
  /** The delivery id was seen before with another payload. */
  DELIVERY_ID_REUSED(409),
  /**
   * The payload failed validation (unparseable, missing fields, wrong types), or the handler refused it for good by
   * throwing {@link com.algosure.integration.InvalidPayloadException} (it names nothing the domain can act on). The
   * delivery is not marked processed.
   */
  PAYLOAD_INVALID(400),
  /**
   * The signed delivery id cannot name the delivery in the dedupe store (longer than 255 characters, or not
   * visible ASCII): nothing was handled.
   */
  DELIVERY_ID_INVALID(400),
  /**
   * The verifier or the dedupe store failed, or the tenant holds as many live delivery ids as the dedupe store lets one
   * tenant hold; nothing was handled, and the provider redelivers later. The {@code CALLBACK_REJECTED} event of a
   * store's failure names its class ({@code error}), {@code IdempotencyTenantFullException} for the tenant's bound.
   */
  VERIFICATION_UNAVAILABLE(503),
  /**
   * The callback could not be audited before its handler would run (fail-closed audit policy): nothing was
   * handled, and the delivery is not marked processed, so a redelivery can succeed.
   */
  AUDIT_UNAVAILABLE(503),
  /** The handler threw; the delivery is not marked processed, so a redelivery can succeed. */
  HANDLER_FAILED(500),
  /**
   * The handler ran, but its fact could not be audited (fail-closed audit policy). The delivery is marked
   * processed, so a redelivery is a duplicate and never a second effect; the failure is logged for review.
   */
  FACT_NOT_AUDITED(500),
  /**
   * The handler ran, but the delivery could not be recorded as processed: its dedupe claim ran out while the handler
   * ran (the claim holds for the dedupe TTL, at least 24 hours) and the delivery id could not be taken again, because
   * a redelivery took it meanwhile (and may have been handled beside this one) or the dedupe store refused or failed.
   * Answered 200, since the effect happened and a redelivery might be handled a second time; not an accepted fact, and
   * audited ({@code INTEGRATION_FAILURE}) and logged with the delivery id and tenant for review.
   */
  DELIVERY_NOT_RECORDED(200);

  private final int httpStatus;

  CallbackReason(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** @return the HTTP status a webhook endpoint should answer with (2xx only when the delivery is settled) */
  public int httpStatus() {
    return httpStatus;
  }
}
