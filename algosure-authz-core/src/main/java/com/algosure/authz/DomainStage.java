package com.algosure.authz;

import com.algosure.authz.spi.DomainDecision;
import com.algosure.authz.spi.DomainPolicy;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs the owning domain's rules for the resource type. A domain with no registered policy has no
 * state-specific rules, unless the decision point requires one for every domain.
 */
final class DomainStage implements Stage {

  private final Map<String, DomainPolicy> policies;
  private final boolean requirePolicy;

  DomainStage(Map<String, DomainPolicy> policies, boolean requirePolicy) {
    this.policies = Map.copyOf(policies);
    this.requirePolicy = requirePolicy;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.DOMAIN;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    DomainPolicy policy = policies.get(c.resource.type());
    if (policy == null) {
      return requirePolicy ? Verdict.deny(ReasonCode.DOMAIN_RULE_DENIED,
          "no domain policy is registered for resource type '" + c.resource.type() + "'") : null;
    }
    DomainDecision d = Stage.answered(policy.evaluate(c.request, c.view()), "DomainPolicy.evaluate");
    switch (d.verdict()) {
      case ALLOW:
        return null;
      case REQUIRE_APPROVAL:
        c.approvalRequired = true;
        c.domainApprovalReason = d.reason();
        return null;
      default:
        return Verdict.deny(ReasonCode.DOMAIN_RULE_DENIED, "domain rule of '" + c.resource.type() + "': " + d.reason());
    }
  }
}
