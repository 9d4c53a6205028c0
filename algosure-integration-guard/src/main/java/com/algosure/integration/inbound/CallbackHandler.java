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
   * @throws com.algosure.integration.InvalidPayloadException if the payload, valid as the validator judged it, names
   *     nothing the domain can act on (an unknown order, another tenant's record): the outcome is then
   *     {@code PAYLOAD_INVALID} (400), audited as a rejection, so the provider is not told to retry a delivery that
   *     can never succeed; the delivery is not marked processed. The handler should refuse before it has changed
   *     anything: like any exception, this one leaves no record that it ran
   * @throws Exception anything else; the outcome is then {@code HANDLER_FAILED} (500) and the delivery not marked
   *     processed, so the provider's redelivery can succeed
   */
  void handle(VerifiedCallback<T> callback) throws Exception;
}
