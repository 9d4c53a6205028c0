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
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;

/**
 * What is left of Algosure where {@code algosure.enabled=false}: a WARN at start-up naming what is switched off, and
 * the {@link com.algosure.spring.Authorize} and {@link com.algosure.spring.GuardedIntegration} advisors refusing every
 * call of an annotated method with an {@link InvalidAlgosureConfigurationException} naming {@code algosure.enabled}.
 * The annotations are the application's rules: without the adapter they cannot be enforced, and a method that ran
 * unchecked instead (the property copied from a test profile into production) would be fail-open. Methods without
 * an annotation run as usual, and the start-up checks of the annotations (a final method, two annotations) still
 * apply.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "algosure.enabled", havingValue = false)
@Import(AlgosureAutoConfiguration.ProxyCreatorRegistrar.class)
public class AlgosureDisabledAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureDisabledAutoConfiguration.class);

  /** Created by Spring. */
  public AlgosureDisabledAutoConfiguration() {}

  /**
   * Says at start-up what is switched off: here, as the proxy creator makes every advisor early, lazy initialization
   * included.
   *
   * @return the advisor refusing every call of an {@link com.algosure.spring.Authorize} method
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static Advisor algosureDisabledAuthorizeAdvisor() {
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

  private static InvalidAlgosureConfigurationException refused(String annotation) {
    return new InvalidAlgosureConfigurationException("algosure.enabled", "false, so no " + annotation + " method can be "
        + "checked and this call is refused instead of running unchecked: remove the property where the application "
        + "must authorize");
  }
}
