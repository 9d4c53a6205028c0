package com.algosure.examples.filings.domain;

import org.jspecify.annotations.Nullable;

/**
 * The filing changed between the decision that permitted a change and the change (it was approved or submitted
 * meanwhile), so that the change is no longer one the domain rules allow; nothing was changed. Becomes a 409 problem
 * response.
 *
 * @since 0.1.0
 */
public final class FilingChangedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String decisionId;

  /** @param message what changed, without the filing's content */
  public FilingChangedException(String message) {
    this(message, null);
  }

  /**
   * @param message what changed, without the filing's content
   * @param decisionId the id of the refusal's audit record, or null before it is recorded
   */
  public FilingChangedException(String message, @Nullable String decisionId) {
    super(message);
    this.decisionId = decisionId;
  }

  /** @return the id of the refusal's audit record, if it was recorded */
  public java.util.Optional<String> decisionId() {
    return java.util.Optional.ofNullable(decisionId);
  }
}
