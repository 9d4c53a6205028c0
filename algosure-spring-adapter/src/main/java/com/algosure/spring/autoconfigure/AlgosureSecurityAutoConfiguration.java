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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Spring Security for a servlet resource server: bearer tokens validated once per request by the
 * {@link BearerTokenAuthenticator} and carried on as an {@link com.algosure.spring.AlgosureAuthentication};
 * 401 and 403 as problem responses, and 400 for a request the firewall refuses; and, unless the host declares its own {@link SecurityFilterChain}, a
 * default chain in which every path but {@code algosure.web.public-paths} needs a valid token.
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
}
