package com.algosure.examples.filings.domain;

/**
 * A filing is submitted (or being submitted) under another {@code Idempotency-Key} than the request's: a second
 * submission would reach the authority twice, so it is refused before the integration guard is asked. Only a
 * caller who may read the filing learns this. Becomes a 409 problem response.
 *
 * @since 0.1.0
 */
public final class FilingSubmittedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String decisionId;

  /** @param message why, without the key @param decisionId the id of the refusal's audit record */
  public FilingSubmittedException(String message, String decisionId) {
    super(message);
    this.decisionId = decisionId;
  }

  /** @return the id of the refusal's audit record */
  public String decisionId() {
    return decisionId;
  }
}
