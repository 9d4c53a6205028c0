package com.algosure.spring.autoconfigure;

import com.algosure.spring.RequestContextResolver;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import com.algosure.spring.web.AlgosureExceptionHandler;
import com.algosure.spring.web.HeaderRequestContextResolver;
import com.algosure.spring.web.ProblemResponses;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The HTTP side in servlet web applications: the request context from headers ({@code algosure.web.*}) and
 * RFC 9457 problem responses for the adapter's exceptions.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = AlgosureAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBooleanProperty(name = "algosure.enabled", matchIfMissing = true)
public class AlgosureWebAutoConfiguration {

  /** Created by Spring. */
  public AlgosureWebAutoConfiguration() {}

  /**
   * @param properties the properties
   * @return the request context from the configured headers
   */
  @Bean
  @ConditionalOnMissingBean
  public RequestContextResolver algosureRequestContextResolver(AlgosureProperties properties) {
    AlgosureProperties.Web web = properties.getWeb();
    return new HeaderRequestContextResolver(web.getOrganizationHeader(), web.getOrganizationParameter(),
        web.getApprovalHeader(), web.getCorrelationHeader());
  }

  /**
   * @param properties the properties
   * @return the problem response builder
   */
  @Bean
  @ConditionalOnMissingBean
  public ProblemResponses algosureProblemResponses(AlgosureProperties properties) {
    return new ProblemResponses(properties.getProblems().getTypePrefix());
  }

  /**
   * @param problems the problem response builder
   * @param clock a clock bean, if the host has one (else the UTC system clock)
   * @return the exception handler
   */
  @Bean
  @ConditionalOnMissingBean
  public AlgosureExceptionHandler algosureExceptionHandler(ProblemResponses problems, ObjectProvider<Clock> clock) {
    return new AlgosureExceptionHandler(problems, clock.getIfUnique(Clock::systemUTC));
  }
}
