package com.algosure.integration;

import java.net.http.HttpRequest;

/**
 * Adds what a provider needs to a prepared HTTP request, typically an authorization header from a declared
 * secret: {@code (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(API_KEY).reveal())}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface RequestCustomizer {

  /**
   * @param builder the request, with URI, method, body, idempotency and correlation headers and timeout set
   * @param context the attempt's context
   */
  void customize(HttpRequest.Builder builder, CallContext context);

  /** @return a customizer that adds nothing */
  static RequestCustomizer none() {
    return (b, c) -> { };
  }
}
