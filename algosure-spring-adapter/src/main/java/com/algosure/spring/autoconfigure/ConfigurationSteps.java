package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.util.function.Supplier;

/** Runs a core builder step from a property; a refusal becomes a start-up error naming the property. */
final class ConfigurationSteps {

  private ConfigurationSteps() {}

  static void step(String property, Runnable step) {
    step(property, () -> {
      step.run();
      return null;
    });
  }

  static <T> T step(String property, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidAlgosureConfigurationException(property, e.getMessage(), e);
    }
  }
}
