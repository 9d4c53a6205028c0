package com.algosure.authz.spi;

import java.util.Objects;

/**
 * An attribute policy's answer: not applicable (no objection) or deny. An attribute policy can never widen
 * what RBAC allowed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param denied whether the policy denies
 * @param reason why, for people
 * @since 0.1.0
 */
public record AttributeDecision(boolean denied, String reason) {

  private static final AttributeDecision NOT_APPLICABLE = new AttributeDecision(false, "not applicable");

  /** @throws NullPointerException if the reason is null */
  public AttributeDecision {
    Objects.requireNonNull(reason, "reason");
  }

  /** @return no objection */
  public static AttributeDecision notApplicable() {
    return NOT_APPLICABLE;
  }

  /** @param reason why @return deny */
  public static AttributeDecision deny(String reason) {
    return new AttributeDecision(true, reason);
  }
}
