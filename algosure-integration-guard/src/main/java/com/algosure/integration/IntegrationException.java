package com.algosure.integration;

/**
 * The base of every exception the integration guard throws. {@link IntegrationGuard#execute} itself never
 * throws for a provider's failure (it returns an {@link IntegrationOutcome}); these are thrown by
 * validators, by the transport-enforcing HTTP client and at boundaries. Messages say what was wrong, where
 * and what to do; they never carry a secret, a token, a signature or a body.
 *
 * @since 0.1.0
 */
public class IntegrationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, where, and what to do */
  public IntegrationException(String message) {
    super(message);
  }

  /**
   * @param message what was wrong, where, and what to do
   * @param cause the underlying failure
   */
  public IntegrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
