package com.algosure.examples.filings.domain;

/**
 * An approval was asked for with a token obtained by impersonation (an administrator "logging in as" the approver):
 * the approval would be recorded as the impersonated person's, who never gave it, so it is refused. Becomes a 403
 * problem response.
 *
 * @since 0.1.0
 */
public final class ImpersonatedApprovalException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String decisionId;

  /** @param decisionId the id of the refusal's audit record; the message names no one */
  public ImpersonatedApprovalException(String decisionId) {
    super("an approval cannot be given with an impersonated session: the approver signs in as themselves");
    this.decisionId = decisionId;
  }

  /** @return the id of the refusal's audit record */
  public String decisionId() {
    return decisionId;
  }
}
