package com.algosure.authz.spi;

import java.util.Objects;

/**
 * A domain rule's answer: allow (the generic permission stands), deny (with a reason for people), or require
 * approval (the resource's state makes the action high impact).
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict the verdict
 * @param reason why, for people; never a secret or personal data
 * @since 0.1.0
 */
public record DomainDecision(Verdict verdict, String reason) {

  private static final DomainDecision ALLOW = new DomainDecision(Verdict.ALLOW, "allowed by the domain rule");

  /** The verdicts. */
  public enum Verdict {
    /** The domain has no objection. */
    ALLOW,
    /** The domain forbids the action in the resource's current state. */
    DENY,
    /** The domain requires an approval for the action in the resource's current state. */
    REQUIRE_APPROVAL
  }

  /** @throws NullPointerException if a component is null */
  public DomainDecision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(reason, "reason");
  }

  /** @return allow */
  public static DomainDecision allow() {
    return ALLOW;
  }

  /** @param reason why @return deny */
  public static DomainDecision deny(String reason) {
    return new DomainDecision(Verdict.DENY, reason);
  }

  /** @param reason why @return require approval */
  public static DomainDecision requireApproval(String reason) {
    return new DomainDecision(Verdict.REQUIRE_APPROVAL, reason);
  }
}
