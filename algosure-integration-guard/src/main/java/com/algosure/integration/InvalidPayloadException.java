package com.algosure.integration;

/**
 * A provider's response or a callback's payload is not what its {@link PayloadValidator} expects. The
 * message names the field and the rule (never the field's value).
 *
 * @since 0.1.0
 */
public class InvalidPayloadException extends IntegrationException {

  private static final long serialVersionUID = 1L;

  /** @param message which field or limit, and what was expected */
  public InvalidPayloadException(String message) {
    super(message);
  }

  /**
   * @param message which field or limit, and what was expected
   * @param cause the parser's failure
   */
  public InvalidPayloadException(String message, Throwable cause) {
    super(message, cause);
  }
}
