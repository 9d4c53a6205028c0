package com.algosure.audit;

/**
 * What to do when an audit event cannot be recorded.
 *
 * @since 0.1.0
 */
public enum AuditFailurePolicy {
  /** Deny what could not be audited (the default): an unaudited permit never happens. */
  FAIL_CLOSED,
  /** Log the failure at ERROR (without the event's details) and go on. */
  LOG_AND_CONTINUE
}
