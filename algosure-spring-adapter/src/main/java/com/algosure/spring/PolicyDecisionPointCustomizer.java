package com.algosure.spring;

import com.algosure.authz.PolicyDecisionPoint;

/**
 * Adds to the decision point the auto-configuration builds: domain policies per resource type, an
 * entitlement cache TTL, anything the properties do not cover. Every bean of this type is applied, in
 * {@code @Order}, after the adapter has set the catalogue, directory, audit sink and the SPIs found as
 * beans (each builder option may be set once: do not set those again).
 *
 * <pre>{@code
 * @Bean
 * PolicyDecisionPointCustomizer filingRules(FilingPolicy policy) {
 *   return builder -> builder.domainPolicy("filing", policy);
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PolicyDecisionPointCustomizer {

  /** @param builder the decision point's builder, before {@code build()} */
  void customize(PolicyDecisionPoint.Builder builder);
}
