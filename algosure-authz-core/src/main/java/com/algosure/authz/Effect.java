package com.algosure.authz;

/**
 * What a decision says the caller may do.
 *
 * @since 0.1.0
 */
public enum Effect {
  /** The action may proceed. */
  PERMIT,
  /** The action must not proceed. */
  DENY,
  /** The action may proceed only once a second person's approval for it is presented. */
  APPROVAL_REQUIRED,
  /** The action may proceed only after the actor authenticates again with multi-factor evidence. */
  STEP_UP_REQUIRED
}
