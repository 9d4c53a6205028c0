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
  /** The answer's HTTP status, kept with the rejection's evidence; 0 where none is known. */
  private final int status;

  ResponseTooLargeException(int limit) {
    this(limit, 0);
  }

  ResponseTooLargeException(int limit, int status) {
    super("response body is larger than the limit of " + limit + " bytes: raise ProviderPolicy.maxResponseBytes if it is expected");
    this.limit = limit;
    this.status = status;
  }

  /** @return the answer's HTTP status, or 0 where none is known */
  int status() {
    return status;
  }

  /** @return the limit in bytes */
  public int limit() {
    return limit;
  }
}
