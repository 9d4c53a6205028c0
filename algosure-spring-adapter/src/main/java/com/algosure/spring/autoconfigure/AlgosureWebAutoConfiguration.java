package com.algosure.spring.autoconfigure;

import com.algosure.spring.RequestContextResolver;
import com.algosure.authz.token.KeycloakMapping;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.core.io.Resource;
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

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureWebAutoConfiguration.class);

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
   * @param mapping the Keycloak mapping, whose MFA {@code acr} values the step-up challenge names
   * @return the problem response builder; its RFC 9470 step-up challenge names, in {@code acr_values}, the {@code acr}
   *     values that count as MFA for every configured issuer (the service's mapping and each issuer's own), leaving out
   *     (with a WARN) one a header cannot carry
   */
  @Bean
  @ConditionalOnMissingBean
  public ProblemResponses algosureProblemResponses(AlgosureProperties properties, ObjectProvider<KeycloakMapping> mapping) {
    return new ProblemResponses(properties.getProblems().getTypePrefix(), stepUpAcrValues(properties, mapping));
  }

  /** @return the acr values that count as MFA for every issuer's mapping, sorted (a set has no order of preference) */
  private static List<String> stepUpAcrValues(AlgosureProperties properties, ObjectProvider<KeycloakMapping> mapping) {
    List<AlgosureProperties.Issuer> issuers = properties.getIssuers();
    Set<String> acr = null;
    // the service's mapping judges every issuer without one of its own (and tokens of a host's own validator)
    KeycloakMapping service = mapping.getIfUnique();
    if (service != null && (issuers.isEmpty() || issuers.stream().anyMatch(i -> i.getMappingLocation() == null))) {
      acr = new TreeSet<>(service.mfaAcrValues());
    }
    for (int i = 0; i < issuers.size(); i++) {
      Resource own = issuers.get(i).getMappingLocation();
      if (own != null) {
        Set<String> values = AlgosureTokenAutoConfiguration.fromJson(own, "algosure.issuers[" + i + "].mapping-location")
            .mfaAcrValues();
        if (acr == null) {
          acr = new TreeSet<>(values);
        } else {
          acr.retainAll(values);
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String v : acr == null ? Set.<String>of() : acr) {
      if (ProblemResponses.isChallengeAcr(v)) {
        out.add(v);
      } else {
        LOG.warn("an MFA acr value of the Keycloak mapping is left out of the step-up challenge's acr_values: it is "
            + "empty or holds a space, a control character or a character beyond ASCII, which a header cannot carry");
      }
    }
    return out;
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
