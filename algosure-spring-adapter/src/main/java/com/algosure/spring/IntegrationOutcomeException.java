package com.algosure.spring;

import com.algosure.integration.IntegrationOutcome;
import java.util.Objects;

/**
 * Thrown at the Spring boundary when a {@link GuardedIntegration} call did not end in an accepted fact: it
 * carries the outcome (kind, reason, retry-after, escalation id), from which the adapter builds the problem
 * response. The outcome never shows a payload or a response body.
 *
 * @since 0.1.0
 */
public final class IntegrationOutcomeException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  private final transient IntegrationOutcome<?> outcome;

  /**
   * @param outcome an outcome that is not accepted
   * @throws IllegalArgumentException if the outcome is accepted
   */
  public IntegrationOutcomeException(IntegrationOutcome<?> outcome) {
    super("integration with '" + Objects.requireNonNull(outcome, "outcome").request().provider() + "' for '"
        + outcome.request().action() + "' ended " + outcome.kind() + " (" + outcome.reason() + ")");
    if (outcome.accepted()) {
      throw new IllegalArgumentException("an accepted outcome is not an error");
    }
    this.outcome = outcome;
  }

  /** @return the outcome */
  public IntegrationOutcome<?> outcome() {
    return outcome;
  }
}
