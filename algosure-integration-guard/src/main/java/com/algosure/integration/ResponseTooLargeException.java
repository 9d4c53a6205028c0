package com.algosure.integration;

/**
 * A provider's response body was larger than the provider's limit; reading stopped at the limit. The
 * response is rejected, never accepted.
 *
 * @since 0.1.0
 */
public class ResponseTooLargeException extends InvalidPayloadException {

  private static final long serialVersionUID = 1L;

  private final int limit;

  ResponseTooLargeException(int limit) {
    super("response body is larger than the limit of " + limit + " bytes: raise ProviderPolicy.maxResponseBytes if it is expected");
    this.limit = limit;
  }

  /** @return the limit in bytes */
  public int limit() {
    return limit;
  }
}
