package com.algosure.spring.autoconfigure;

import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.BearerTokenAuthenticator;
import com.algosure.spring.CompositeEventListener;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.security.AlgosureHttpConfigurer;
import com.algosure.spring.security.BearerTokenAuthenticationProvider;
import com.algosure.spring.security.ProblemAccessDeniedHandler;
import com.algosure.spring.security.ProblemAuthenticationEntryPoint;
import com.algosure.spring.security.ProblemRequestRejectedHandler;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.DispatcherType;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Spring Security for a servlet resource server: bearer tokens validated once per request by the
 * {@link BearerTokenAuthenticator} and carried on as an {@link com.algosure.spring.AlgosureAuthentication};
 * 401 and 403 as problem responses, and 400 for a request the firewall refuses; and, unless the host declares its own {@link SecurityFilterChain}, a
 * default chain in which every path but {@code algosure.web.public-paths} needs a valid token.
 *
 * <p>As with Spring Boot's own default chain, any {@link SecurityFilterChain} of the host switches the adapter's off.
 * Where none of the host's chains matches every request and none applies {@link AlgosureHttpConfigurer} (a chain for
 * {@code /actuator/**} only, say), a request outside them passes no chain at all: its bearer token is never read, so
 * {@code @Authorize} refuses it as unauthenticated and a path without {@code @Authorize} is open to anyone. The
 * start-up then logs a warning naming the host's chains. It does not fail: a host may authenticate those requests by
 * means of its own.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = {AlgosureTokenAutoConfiguration.class, AlgosureAutoConfiguration.class, AlgosureWebAutoConfiguration.class}, beforeName = {
    "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
    "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class, BearerTokenAuthenticationToken.class})
@ConditionalOnBooleanProperty(name = "algosure.enabled", matchIfMissing = true)
public class AlgosureSecurityAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureSecurityAutoConfiguration.class);

  /** Created by Spring. */
  public AlgosureSecurityAutoConfiguration() {}

  /**
   * @param validator the core validator, configured from {@code algosure.issuers}
   * @return the authenticator: one call to the validator per request
   * @throws InvalidAlgosureConfigurationException if no issuer is configured and the host declared no validator
   */
  @Bean
  @ConditionalOnMissingBean
  public BearerTokenAuthenticator algosureBearerTokenAuthenticator(ObjectProvider<AccessTokenValidator> validator) {
    AccessTokenValidator v = validator.getIfAvailable();
    if (v == null) {
      throw new InvalidAlgosureConfigurationException("algosure.issuers", "empty, and there is no AccessTokenValidator "
          + "or BearerTokenAuthenticator bean: configure the issuer(s) whose tokens this service accepts");
    }
    return v::authenticate;
  }

  /**
   * @param authenticator validates tokens
   * @param listeners told of refused tokens
   * @return the authentication provider for bearer tokens
   */
  @Bean
  @ConditionalOnMissingBean
  public BearerTokenAuthenticationProvider algosureBearerTokenAuthenticationProvider(BearerTokenAuthenticator authenticator,
      ObjectProvider<AlgosureEventListener> listeners) {
    return new BearerTokenAuthenticationProvider(authenticator, new CompositeEventListener(listeners.orderedStream().toList()));
  }

  /**
   * @param problems writes the responses
   * @return the 401 entry point
   */
  @Bean
  @ConditionalOnMissingBean
  public ProblemAuthenticationEntryPoint algosureAuthenticationEntryPoint(ProblemResponses problems) {
    return new ProblemAuthenticationEntryPoint(problems);
  }

  /**
   * @param problems writes the responses
   * @return the 403 handler of the filter chain
   */
  @Bean
  @ConditionalOnMissingBean
  public ProblemAccessDeniedHandler algosureAccessDeniedHandler(ProblemResponses problems) {
    return new ProblemAccessDeniedHandler(problems);
  }

  /**
   * @param problems writes the responses
   * @return the 400 handler of a request the firewall refuses (Spring Security's {@code WebSecurity} takes it)
   */
  @Bean
  @ConditionalOnMissingBean(RequestRejectedHandler.class)
  public ProblemRequestRejectedHandler algosureRequestRejectedHandler(ProblemResponses problems) {
    return new ProblemRequestRejectedHandler(problems);
  }

  /**
   * The default chain: {@code algosure.web.public-paths} open, everything else needs a valid bearer token.
   *
   * @param http the builder
   * @param properties the properties
   * @return the chain
   * @throws Exception if Spring Security cannot build it
   */
  @Bean
  @ConditionalOnMissingBean(SecurityFilterChain.class)
  public SecurityFilterChain algosureSecurityFilterChain(HttpSecurity http, AlgosureProperties properties) throws Exception {
    http.authorizeHttpRequests(a -> {
      a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
      for (String path : properties.getWeb().getPublicPaths()) {
        a.requestMatchers(path).permitAll();
      }
      a.anyRequest().authenticated();
    });
    return http.with(new AlgosureHttpConfigurer(), Customizer.withDefaults()).build();
  }

  /**
   * @param beans the application's beans
   * @return the check, once every bean is made, that the host's own filter chains leave no request without a chain
   *     that reads bearer tokens the adapter's way, unknowingly: a warning if they do
   */
  @Bean
  public static SmartInitializingSingleton algosureHostChainCheck(ListableBeanFactory beans) {
    return () -> warnIfUncovered(beans.getBeansOfType(SecurityFilterChain.class));
  }

  static void warnIfUncovered(Map<String, SecurityFilterChain> chains) {
    if (chains.isEmpty()) {
      return; // no servlet security at all: not this configuration's (the default chain is made whenever it can be)
    }
    StringBuilder named = new StringBuilder();
    for (Map.Entry<String, SecurityFilterChain> e : chains.entrySet()) {
      SecurityFilterChain chain = e.getValue();
      if (AlgosureHttpConfigurer.appliedTo(chain) || !(chain instanceof DefaultSecurityFilterChain d)
          || d.getRequestMatcher() instanceof AnyRequestMatcher) {
        return; // reads tokens the adapter's way, or decides (or may decide) for every request
      }
      named.append(named.isEmpty() ? "" : ", ").append(e.getKey()).append(" (").append(d.getRequestMatcher()).append(')');
    }
    LOG.warn("the application's SecurityFilterChain beans [{}] switched the Algosure adapter's default chain off, and none "
        + "of them matches every request or applies AlgosureHttpConfigurer: there is no SecurityFilterChain of the "
        + "Algosure adapter in place, so a request outside them is not authenticated (its bearer token is never read: "
        + "@Authorize refuses it as unauthenticated, and a path without @Authorize is open to anyone). Add "
        + ".with(new AlgosureHttpConfigurer(), Customizer.withDefaults()) to a chain that covers those paths, or declare "
        + "one that matches every other request", named);
  }
}
