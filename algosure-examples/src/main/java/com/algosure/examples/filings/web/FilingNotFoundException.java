package com.algosure.examples.filings.web;

/**
 * No filing has the id a request names. Becomes a 404 problem response.
 *
 * @since 0.1.0
 */
public final class FilingNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception; the id is not repeated in the response. */
  public FilingNotFoundException() {
    super("there is no such filing");
  }
}
