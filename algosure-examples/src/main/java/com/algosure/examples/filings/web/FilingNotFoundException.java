package com.algosure.examples.filings.web;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * No filing has the id a request names, or none the caller's tenants may see (see {@link OtherTenants}). Becomes a
 * 404 problem response.
 *
 * @since 0.1.0
 */
public final class FilingNotFoundException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String decisionId;

  /** Creates the exception; the id is not repeated in the response. */
  public FilingNotFoundException() {
    this(null);
  }

  /** @param decisionId the decision that refused the filing's tenant, audited under that id, or null */
  FilingNotFoundException(@Nullable String decisionId) {
    super("there is no such filing");
    this.decisionId = decisionId;
  }

  /** @return the decision that refused the filing's tenant, if one did */
  public Optional<String> decisionId() {
    return Optional.ofNullable(decisionId);
  }
}
