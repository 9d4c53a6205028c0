package com.algosure.authz.spi;

import com.algosure.authz.AuthorizationContext;
import com.algosure.authz.AuthorizationRequest;

/**
 * The attribute-based (ABAC) hook the architecture reserves: contextual policies over request attributes.
 * None is configured by default. Policies can only deny.
 *
 * <p>Implementations must be thread-safe. One that throws or returns null makes the decision deny.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AttributePolicy {

  /**
   * @param request the request, with its attributes
   * @param context what the earlier stages established
   * @return the policy's answer
   */
  AttributeDecision evaluate(AuthorizationRequest request, AuthorizationContext context);
}
