package com.algosure.authz.spi;

import com.algosure.authz.AuthorizationContext;
import com.algosure.authz.AuthorizationRequest;

/**
 * An owning domain's state-aware rules, registered for the resource types the domain owns. Runs only after
 * tenant, organization, RBAC, attribute policies and entitlements allowed the request, and can only narrow.
 *
 * <p>Implementations must be thread-safe. One that throws or returns null makes the decision deny.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface DomainPolicy {

  /**
   * @param request the request, with its attributes (domain state)
   * @param context what the earlier stages established
   * @return the domain's answer
   */
  DomainDecision evaluate(AuthorizationRequest request, AuthorizationContext context);
}
