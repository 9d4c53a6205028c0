package com.algosure.spring;

import com.algosure.authz.AuthorizationDecision;
import java.util.Objects;

/**
 * Thrown at the Spring boundary when a decision did not permit: it carries the decision (effect, reasons,
 * stage, decision id), from which the adapter builds the problem response (403 for a deny, 503 for a deny because
 * the decision could not be made now, 428 where an approval is required, and 428 with the RFC 9470 challenge
 * where a step-up is).
 *
 * @since 0.1.0
 */
public final class AuthorizationDecisionException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  private final transient AuthorizationDecision decision;

  /**
   * @param decision a decision that did not permit
   * @throws IllegalArgumentException if the decision permits
   */
  public AuthorizationDecisionException(AuthorizationDecision decision) {
    super("not permitted: " + Objects.requireNonNull(decision, "decision").effect() + " " + decision.reasons()
        + " (decision " + decision.decisionId() + ")");
    if (decision.permitted()) {
      throw new IllegalArgumentException("decision " + decision.decisionId() + " permits: nothing to throw");
    }
    this.decision = decision;
  }

  /** @return the decision */
  public AuthorizationDecision decision() {
    return decision;
  }
}
