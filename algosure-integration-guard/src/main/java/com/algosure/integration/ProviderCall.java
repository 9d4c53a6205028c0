package com.algosure.integration;

import java.time.Instant;
import java.util.Objects;

/**
 * A provider call as the guard runs it: how to make one attempt ({@link #exchange}), how to validate a
 * successful answer ({@link #validator()}), and how the provider's failures are classified
 * ({@link #classify(ProviderResponse, Instant)}, {@link #classify(Throwable, boolean)}; the
 * {@linkplain Classification standard rules} by default, overridden by a provider adapter that knows
 * better, such as a provider that signals throttling with a 503 and its own header).
 *
 * <p>Implementations must be thread-safe if shared between calls; the built-in ones are.
 *
 * <pre>{@code
 * ProviderCall<JsonNode> send = ProviderCall.post("messages",
 *     (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(API_KEY).reveal()),
 *     JsonValidator.builder().require("id", JsonType.STRING).build());
 * }</pre>
 *
 * @param <T> the type of the accepted value
 * @since 0.1.0
 */
public interface ProviderCall<T> {

  /**
   * Makes one attempt.
   *
   * @param context the attempt's context
   * @return the provider's answer
   * @throws Exception anything; classified by {@link #classify(Throwable, boolean)}
   */
  ProviderResponse exchange(CallContext context) throws Exception;

  /** @return how a successful (2xx) answer is validated before it becomes a fact */
  PayloadValidator<T> validator();

  /**
   * @param response an answer
   * @param now the guard's current time
   * @return what the answer means
   */
  default Classification classify(ProviderResponse response, Instant now) {
    return Classification.standard(response, now);
  }

  /**
   * @param failure what an attempt threw
   * @param requestSent whether the request may have left
   * @return what the failure means; {@link Classification#rateLimited(Instant)} for a provider SDK's throttling
   *     error (its 429) backs off as a 429 does (the key paused, the call {@code RATE_LIMITED}); a success is never
   *     taken from a failure (an unknown state once the request may have left)
   */
  default Classification classify(Throwable failure, boolean requestSent) {
    return Classification.standard(failure, requestSent);
  }

  /**
   * @return whether {@link #exchange} reports sending through {@link CallContext#send} or
   *     {@link CallContext#markSent()}; if not (the default), the guard assumes every attempt may have
   *     reached the provider, so a timeout is an unknown state and never retried
   */
  default boolean reportsSending() {
    return false;
  }

  /**
   * A call from an exchange and a validator.
   *
   * @param exchange one attempt
   * @param validator the validator
   * @param <T> the value's type
   * @return the call
   */
  static <T> ProviderCall<T> of(ProviderExchange exchange, PayloadValidator<T> validator) {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(validator, "validator");
    return new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        return exchange.exchange(context);
      }

      @Override
      public PayloadValidator<T> validator() {
        return validator;
      }
    };
  }

  /**
   * POSTs the request's payload to a path under the endpoint, with the guard's client.
   *
   * @param path the path relative to the endpoint
   * @param validator the validator
   * @param <T> the value's type
   * @return the call
   */
  static <T> ProviderCall<T> post(String path, PayloadValidator<T> validator) {
    return new HttpProviderCall<>("POST", path, RequestCustomizer.none(), validator);
  }

  /**
   * POSTs the request's payload to a path under the endpoint, with the guard's client, after the
   * customizer added what the provider needs (an authorization header from a declared secret).
   *
   * @param path the path relative to the endpoint
   * @param customizer adds headers
   * @param validator the validator
   * @param <T> the value's type
   * @return the call
   */
  static <T> ProviderCall<T> post(String path, RequestCustomizer customizer, PayloadValidator<T> validator) {
    return new HttpProviderCall<>("POST", path, customizer, validator);
  }

  /**
   * Sends a request with any method to a path under the endpoint, with the guard's client; the request's
   * payload is the body (none if empty).
   *
   * @param method the HTTP method
   * @param path the path relative to the endpoint
   * @param customizer adds headers
   * @param validator the validator
   * @param <T> the value's type
   * @return the call
   */
  static <T> ProviderCall<T> http(String method, String path, RequestCustomizer customizer, PayloadValidator<T> validator) {
    return new HttpProviderCall<>(method, path, customizer, validator);
  }
}
