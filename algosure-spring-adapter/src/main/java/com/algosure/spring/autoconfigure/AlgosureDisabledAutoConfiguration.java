package com.algosure.spring.autoconfigure;

import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.method.AlgosureAdvisorOrder;
import com.algosure.spring.method.AuthorizeMethodInterceptor;
import com.algosure.spring.method.GuardedIntegrationMethodInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * What is left of Algosure where {@code algosure.enabled=false}: a WARN at start-up naming what is switched off, and
 * the {@link com.algosure.spring.Authorize} and {@link com.algosure.spring.GuardedIntegration} advisors refusing every
 * call of an annotated method with an {@link InvalidAlgosureConfigurationException} naming {@code algosure.enabled}.
 * The annotations are the application's rules: without the adapter they cannot be enforced, and a method that ran
 * unchecked instead (the property copied from a test profile into production) would be fail-open. Methods without
 * an annotation run as usual, and the start-up checks of the annotations (a final method, two annotations) still
 * apply.
 *
 * <p>Any other value than {@code true} or {@code false} (ignoring case), such as {@code yes}, {@code 1} or an empty
 * value, fails start-up naming {@code algosure.enabled}: the adapter's auto-configurations match only {@code true} (or
 * no value), so such a value would otherwise switch off both them and this one.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@Conditional(AlgosureDisabledAutoConfiguration.NotEnabled.class)
@Import(AlgosureAutoConfiguration.ProxyCreatorRegistrar.class)
public class AlgosureDisabledAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureDisabledAutoConfiguration.class);

  private static final String PROPERTY = "algosure.enabled";

  /** Created by Spring. */
  public AlgosureDisabledAutoConfiguration() {}

  /**
   * Says at start-up what is switched off: here, as the proxy creator makes every advisor early, lazy initialization
   * included.
   *
   * @param environment where {@code algosure.enabled} is read
   * @return the advisor refusing every call of an {@link com.algosure.spring.Authorize} method
   * @throws InvalidAlgosureConfigurationException if {@code algosure.enabled} is neither true nor false
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static Advisor algosureDisabledAuthorizeAdvisor(Environment environment) {
    String value = environment.getProperty(PROPERTY);
    if (value != null && !value.equalsIgnoreCase("false")) {
      throw new InvalidAlgosureConfigurationException(PROPERTY, "'" + value + "' is neither true nor false, so Algosure"
          + " would be neither on nor refusing the calls of @Authorize and @GuardedIntegration methods: set true (or"
          + " remove the property) where the application must authorize, false only where it must not run");
    }
    LOG.warn("Algosure is switched off (algosure.enabled=false): no bearer token is validated and no decision point, "
        + "integration guard or metrics are configured; every call of an @Authorize or @GuardedIntegration method is "
        + "refused. Remove the property wherever the application must authorize.");
    AuthorizeMethodInterceptor interceptor = new AuthorizeMethodInterceptor(() -> {
      throw refused("@Authorize");
    });
    DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(interceptor.pointcut(), interceptor);
    advisor.setOrder(AlgosureAdvisorOrder.AUTHORIZE);
    return advisor;
  }

  /**
   * @return the advisor refusing every call of a {@link com.algosure.spring.GuardedIntegration} method
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static Advisor algosureDisabledGuardedIntegrationAdvisor() {
    GuardedIntegrationMethodInterceptor interceptor = new GuardedIntegrationMethodInterceptor(() -> {
      throw refused("@GuardedIntegration");
    }, RequestContextResolver::none, () -> new AlgosureEventListener() {});
    DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(interceptor.pointcut(), interceptor);
    advisor.setOrder(AlgosureAdvisorOrder.GUARDED_INTEGRATION);
    return advisor;
  }

  /**
   * Fails start-up where a bean with an annotated method that Spring made is not wrapped by the adapter's proxy (made
   * before the auto-proxy creator), instead of letting the method run unchecked.
   *
   * @return the check: it sees each bean made, and looks at them once every singleton is made
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static BeanFactoryPostProcessor algosureUnproxiedBeansCheck() {
    return new UnproxiedBeans();
  }

  /**
   * Matches where {@code algosure.enabled} is set to anything but {@code true} (ignoring case): false, and every value
   * for which the adapter's own auto-configurations, which match only true or no value, are off as well.
   */
  static final class NotEnabled extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String value = context.getEnvironment().getProperty(PROPERTY);
      if (value == null || value.equalsIgnoreCase("true")) {
        return ConditionOutcome.noMatch(PROPERTY + (value == null ? " is not set" : " is true"));
      }
      return ConditionOutcome.match(PROPERTY + " is '" + value + "', not true");
    }
  }

  private static InvalidAlgosureConfigurationException refused(String annotation) {
    return new InvalidAlgosureConfigurationException("algosure.enabled", "false, so no " + annotation + " method can be "
        + "checked and this call is refused instead of running unchecked: remove the property where the application "
        + "must authorize");
  }
}
