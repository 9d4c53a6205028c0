package com.algosure.authz;

/**
 * Thrown inside a stage when a host SPI answered what its contract rules out (null, a binding of another subject),
 * as the decision point itself checks. Its message is the SDK's own: it names the SPI method, says what was wrong
 * and what to fix, and carries no value the host answered, so the decision's explanation and the log can quote it
 * (a host SPI's own exception is named by its class only). Never leaves the decision point: the decision denies
 * with {@link ReasonCode#STAGE_FAILURE}.
 */
final class SpiContractException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  SpiContractException(String message) {
    super(message);
  }
}
