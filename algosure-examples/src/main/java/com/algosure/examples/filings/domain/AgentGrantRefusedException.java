package com.algosure.examples.filings.domain;

/**
 * The grant an agent presents is unknown or not for the authenticated person: the request is refused before the
 * decision point is asked, and the refusal is recorded in the audit trail ({@link Refusals}). Becomes a 403 problem
 * response naming that record.
 *
 * @since 0.1.0
 */
public final class AgentGrantRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String decisionId;

  /**
   * @param message why, without the grant's content
   * @param decisionId the id of the refusal's audit record
   */
  public AgentGrantRefusedException(String message, String decisionId) {
    super(message);
    this.decisionId = decisionId;
  }

  /** @return the id of the refusal's audit record */
  public String decisionId() {
    return decisionId;
  }
}
