package com.algosure.integration.inbound;

/**
 * The domain's handling of a verified callback. Runs at most once per delivery id (unless it throws, in
 * which case the delivery stays unprocessed so that the provider's redelivery can succeed).
 *
 * @param <T> the payload's type
 * @since 0.1.0
 */
@FunctionalInterface
public interface CallbackHandler<T> {

  /**
   * @param callback the verified callback
   * @throws Exception anything; the outcome is then {@code HANDLER_FAILED} and the delivery not marked processed
   */
  void handle(VerifiedCallback<T> callback) throws Exception;
}
