package com.algosure.spring.autoconfigure;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a core builder step from a property; a refusal becomes a start-up error naming the property. Hands the host's
 * SPI beans to a builder.
 */
final class ConfigurationSteps {

  private ConfigurationSteps() {}

  static void step(String property, Runnable step) {
    step(property, () -> {
      step.run();
      return null;
    });
  }

  /**
   * Hands the host's bean of an SPI to a builder, if it declared one. Several of them, none {@code @Primary}, fail
   * start-up naming them: the builder's default would silently stand in for all of them (an in-memory idempotency
   * store on each instance instead of the shared one, a log line instead of the escalation workflow), and picking one
   * would be a guess.
   */
  static <T> void hostBean(ObjectProvider<T> beans, Class<T> type, Consumer<T> use) {
    T bean;
    try {
      bean = beans.getIfAvailable();
    } catch (NoUniqueBeanDefinitionException e) {
      throw new InvalidAlgosureConfigurationException(type.getName() + " beans", e.getNumberOfBeansFound() + " found ("
          + String.join(", ", e.getBeanNamesFound() == null ? List.of() : e.getBeanNamesFound())
          + ") and none is @Primary: mark the one Algosure should use @Primary, or declare only one");
    }
    if (bean != null) {
      use.accept(bean);
    }
  }

  static <T> T step(String property, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidAlgosureConfigurationException(property, messageOf(e), e);
    }
  }
}
