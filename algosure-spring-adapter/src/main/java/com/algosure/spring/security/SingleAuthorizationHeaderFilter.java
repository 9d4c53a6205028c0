package com.algosure.spring.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a request that carries more than one {@code Authorization} header before any token is read: Spring
 * Security's bearer-token resolver reads only the first, so {@code Bearer <alice>} followed by
 * {@code Bearer <bob>} was authenticated as alice, whatever a proxy or a later reader made of the second. The
 * request is answered by the entry point as an RFC 6750 {@code invalid_request} (400); no token is read or
 * echoed. Runs just before the bearer-token filter. Thread-safe.
 */
final class SingleAuthorizationHeaderFilter extends OncePerRequestFilter {

  private final AuthenticationEntryPoint entryPoint;

  SingleAuthorizationHeaderFilter(AuthenticationEntryPoint entryPoint) {
    this.entryPoint = Objects.requireNonNull(entryPoint, "entryPoint");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (count(request.getHeaders(HttpHeaders.AUTHORIZATION)) > 1) {
      entryPoint.commence(request, response, new OAuth2AuthenticationException(
          BearerTokenErrors.invalidRequest("the request carries more than one Authorization header")));
      return;
    }
    chain.doFilter(request, response);
  }

  private static int count(@Nullable Enumeration<String> headers) {
    int n = 0;
    while (headers != null && headers.hasMoreElements()) {
      headers.nextElement();
      n++;
    }
    return n;
  }
}
