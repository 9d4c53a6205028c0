package com.algosure.examples.filings.domain;

/**
 * The grant an agent presents is unknown or not for the authenticated person: the request is refused before the
 * decision point is asked. Becomes a 403 problem response.
 *
 * @since 0.1.0
 */
public final class AgentGrantRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message why, without the grant's content */
  public AgentGrantRefusedException(String message) {
    super(message);
  }
}
