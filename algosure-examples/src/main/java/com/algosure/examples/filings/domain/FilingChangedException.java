package com.algosure.examples.filings.domain;

/**
 * The filing changed between the decision that permitted a change and the change (it was approved or submitted
 * meanwhile), so that the change is no longer one the domain rules allow; nothing was changed. Becomes a 409 problem
 * response.
 *
 * @since 0.1.0
 */
public final class FilingChangedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what changed, without the filing's content */
  public FilingChangedException(String message) {
    super(message);
  }
}
