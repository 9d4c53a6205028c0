package com.algosure.spring.security;

import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.savedrequest.NullRequestCache;

/**
 * Puts Algosure's bearer-token authentication into a host's own {@code SecurityFilterChain}: the resource
 * server's bearer-token filter with the {@link BearerTokenAuthenticationProvider} (one validation per
 * request), stateless sessions (no HTTP session is created or read, so no cookie ever stands in for a token, and there
 * is no logout filter: {@code POST /logout} is the service's own path), and problem responses for 401 and 403. The
 * adapter's default chain uses it
 * too. The beans it uses come from the application context.
 *
 * <p>A request must carry at most one bearer credential: one with more than one {@code Authorization} header
 * is refused with 400 ({@code Bearer error="invalid_request"}) before any token is read, and so is one with a
 * header and an {@code access_token} parameter where the host's {@code BearerTokenResolver} reads parameters
 * (Spring Security's own check, answered with the same problem).
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain api(HttpSecurity http) throws Exception {
 *   return http
 *       .authorizeHttpRequests(a -> a.requestMatchers("/public/**").permitAll().anyRequest().authenticated())
 *       .with(new AlgosureHttpConfigurer(), Customizer.withDefaults())
 *       .build();
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class AlgosureHttpConfigurer extends AbstractHttpConfigurer<AlgosureHttpConfigurer, HttpSecurity> {

  /** A configurer that takes its beans from the application context. */
  public AlgosureHttpConfigurer() {}

  /**
   * @param chain a built filter chain
   * @return whether it was built with this configurer (it reads bearer tokens the adapter's way)
   * @since 0.1.0
   */
  public static boolean appliedTo(SecurityFilterChain chain) {
    return chain.getFilters().stream().anyMatch(SingleAuthorizationHeaderFilter.class::isInstance);
  }

  @Override
  public void init(HttpSecurity http) {
    ApplicationContext context = http.getSharedObject(ApplicationContext.class);
    BearerTokenAuthenticationProvider provider = context.getBean(BearerTokenAuthenticationProvider.class);
    ProblemAuthenticationEntryPoint entryPoint = context.getBean(ProblemAuthenticationEntryPoint.class);
    ProblemAccessDeniedHandler denied = context.getBean(ProblemAccessDeniedHandler.class);
    ProviderManager manager = new ProviderManager(provider);
    // bearer tokens carry no session and no cookie, so there is nothing for CSRF to protect
    http.csrf(c -> c.disable())
        // Stateless without Spring's session configurer: it was initialized before this configurer, with the default
        // policy, and setting STATELESS here (spring-security#14237) made its filter save each authentication in an
        // HTTP session, whose cookie then authenticated without the token, past its expiry. So the context is kept
        // in the request only, and no request is saved (that created a session for every refused request).
        .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
        .requestCache(c -> c.requestCache(new NullRequestCache()))
        // nothing to log out of without a session: Spring's logout filter answered POST /logout, with no token, by a
        // redirect to a login page the service does not have, and the service's own POST /logout never ran
        .logout(l -> l.disable())
        .oauth2ResourceServer(rs -> rs
            .authenticationManagerResolver(request -> manager)
            .authenticationEntryPoint(entryPoint)
            .accessDeniedHandler(denied))
        .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(denied))
        // Spring's resolver reads the first Authorization header only: refuse a second rather than ignore it
        .addFilterBefore(new SingleAuthorizationHeaderFilter(entryPoint), BearerTokenAuthenticationFilter.class);
  }
}
