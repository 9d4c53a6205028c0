package com.algosure.spring;

/**
 * Thrown at start-up when an {@code algosure.*} property (or a resource it points at) is wrong. The message
 * names the property, says what is wrong with it and what to do.
 *
 * @since 0.1.0
 */
public final class InvalidAlgosureConfigurationException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  private final String property;

  /**
   * @param property the full property name, such as {@code algosure.issuers[0].issuer-uri}
   * @param problem what is wrong with it and what to do
   */
  public InvalidAlgosureConfigurationException(String property, String problem) {
    super(property + ": " + problem);
    this.property = property;
  }

  /**
   * @param property the full property name
   * @param problem what is wrong with it and what to do
   * @param cause the underlying failure
   */
  public InvalidAlgosureConfigurationException(String property, String problem, Throwable cause) {
    super(property + ": " + problem, cause);
    this.property = property;
  }

  /** @return the full name of the property that is wrong */
  public String property() {
    return property;
  }
}
