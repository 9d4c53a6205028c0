package com.algosure.spring;

/**
 * Thrown when a request names its context (organization, approval) with a value that is not valid. Becomes a
 * 400 problem response; the value itself is not echoed.
 *
 * @since 0.1.0
 */
public final class InvalidRequestContextException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  private final String source;

  /**
   * @param source where the value came from, such as {@code header X-Organization-Id}
   * @param problem what is wrong with it
   */
  public InvalidRequestContextException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  /** @return where the invalid value came from, such as {@code header X-Organization-Id} */
  public String source() {
    return source;
  }
}
