package com.algosure.examples.filings.domain;

import com.algosure.spring.GuardedIntegration;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Submits a filing to the authority inside the integration guard: the decision point checks
 * {@code filings:submit} (high impact: an approval by someone else must be presented), the tenant must have
 * consented to {@code GOVERNMENT_RECORDS}, the request's {@code Idempotency-Key} makes a repeated submission a
 * replay instead of a second filing, and failures are retried within bounds. Thread-safe.
 *
 * @since 0.1.0
 */
@Component
public class AuthoritySubmitter {

  private final AuthorityClient authority;

  /** @param authority the authority */
  public AuthoritySubmitter(AuthorityClient authority) {
    this.authority = authority;
  }

  /**
   * @param submission what to submit
   * @param idempotencyKey the caller's idempotency key; without one the guard refuses the call
   * @return the authority's receipt (or the first receipt, for a replay)
   * @throws Exception if the authority could not be reached (the guard handles it)
   */
  @GuardedIntegration(provider = "authority", action = "filings:submit", consentScope = "GOVERNMENT_RECORDS",
      idempotencyKey = "#idempotencyKey", payload = "#submission", resourceType = "filing",
      resourceId = "#submission.filingId()", tenant = "#submission.tenant()", organization = "#submission.organization()")
  public Receipt submit(Submission submission, @Nullable String idempotencyKey) throws Exception {
    return authority.submit(submission);
  }
}
