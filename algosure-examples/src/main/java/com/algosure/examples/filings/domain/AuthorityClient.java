package com.algosure.examples.filings.domain;

/**
 * How a submission reaches the authority, called as one attempt inside the integration guard. Implementations
 * must be thread-safe.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AuthorityClient {

  /**
   * @param submission what to submit
   * @return the authority's receipt
   * @throws Exception if the authority could not be reached; the guard classifies and may retry
   */
  Receipt submit(Submission submission) throws Exception;
}
