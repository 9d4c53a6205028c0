package com.algosure.integration.spi;

/**
 * Whether a call has the consent it needs.
 *
 * @since 0.1.0
 */
public enum ConsentStatus {
  /** An approved, unexpired, unrevoked consent covers the call. */
  GRANTED,
  /** No consent covers the call. */
  MISSING,
  /** The consents that cover the call have expired. */
  EXPIRED,
  /** The consent that covers the call was revoked. */
  REVOKED
}
