package com.algosure.spring;

import com.algosure.authz.OrganizationId;
import java.util.Optional;

/**
 * Reads what the current request says about its own context: the active organization it names, the approval
 * it presents for a high-impact action, its correlation id. The default reads HTTP headers (see
 * {@code algosure.web.*}); a host may declare its own bean.
 *
 * <p>A value the request gives but that is not valid must be refused with an
 * {@link InvalidRequestContextException}, never ignored: ignoring a named organization would let the decision
 * point pick another one.
 *
 * <p>Implementations must be thread-safe.
 *
 * @since 0.1.0
 */
public interface RequestContextResolver {

  /**
   * @return the active organization the current request names, if it names one
   * @throws InvalidRequestContextException if the request names one that is not a valid id
   */
  Optional<OrganizationId> activeOrganization();

  /**
   * @return the approval id the current request presents, if any
   * @throws InvalidRequestContextException if it is not a valid id
   */
  Optional<String> approvalId();

  /** @return the caller's correlation id, if it sent a valid one */
  Optional<String> correlationId();

  /** @return a resolver for code that runs outside any request: it finds nothing */
  static RequestContextResolver none() {
    return new RequestContextResolver() {
      @Override
      public Optional<OrganizationId> activeOrganization() {
        return Optional.empty();
      }

      @Override
      public Optional<String> approvalId() {
        return Optional.empty();
      }

      @Override
      public Optional<String> correlationId() {
        return Optional.empty();
      }
    };
  }
}
