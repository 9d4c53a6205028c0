package com.algosure.spring.method;

import org.springframework.core.Ordered;

/**
 * The order of the adapter's method advisors: authorization first, then the integration guard, both before
 * the host's ordinary advice (such as transactions), so that a denied call starts nothing.
 *
 * @since 0.1.0
 */
public final class AlgosureAdvisorOrder {

  /** The order of the {@link com.algosure.spring.Authorize} advisor. */
  public static final int AUTHORIZE = Ordered.HIGHEST_PRECEDENCE + 500;

  /** The order of the {@link com.algosure.spring.GuardedIntegration} advisor: after authorization. */
  public static final int GUARDED_INTEGRATION = AUTHORIZE + 100;

  private AlgosureAdvisorOrder() {}
}
