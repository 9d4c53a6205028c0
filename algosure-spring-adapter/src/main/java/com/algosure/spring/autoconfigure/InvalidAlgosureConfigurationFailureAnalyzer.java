package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a bad {@code algosure.*} property at start-up as Spring Boot's short "APPLICATION FAILED TO START"
 * description naming the property, instead of a long stack trace.
 *
 * @since 0.1.0
 */
public final class InvalidAlgosureConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidAlgosureConfigurationException> {

  /** Created by Spring Boot. */
  public InvalidAlgosureConfigurationFailureAnalyzer() {}

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidAlgosureConfigurationException cause) {
    return new FailureAnalysis("Invalid Algosure configuration: " + cause.getMessage(),
        "Fix '" + cause.property() + "' in your application properties (or declare the bean yourself).", cause);
  }
}
