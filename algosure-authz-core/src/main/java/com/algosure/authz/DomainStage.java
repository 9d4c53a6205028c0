package com.algosure.authz;

import com.algosure.authz.spi.DomainDecision;
import com.algosure.authz.spi.DomainPolicy;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Runs the owning domain's rules for the resource type. A domain with no registered policy has no
 * state-specific rules, unless the decision point requires one for every domain. A resource type that differs only
 * in case from one with a policy (a request on {@code Filing/f-1} where {@code filing} has rules) is denied: RBAC
 * grants by the action alone, so such a spelling would otherwise pass without its domain's rules.
 */
final class DomainStage implements Stage {

  private final Map<String, DomainPolicy> policies;
  /** The types with a policy, compared ignoring case (identifiers are ASCII, so exactly): only asked on a miss. */
  private final Map<String, String> typesIgnoringCase;
  private final boolean requirePolicy;

  DomainStage(Map<String, DomainPolicy> policies, boolean requirePolicy) {
    this.policies = Map.copyOf(policies);
    TreeMap<String, String> types = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String type : policies.keySet()) {
      types.put(type, type);
    }
    this.typesIgnoringCase = types;
    this.requirePolicy = requirePolicy;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.DOMAIN;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    DomainPolicy policy = policies.get(c.resource().type());
    if (policy == null) {
      String registered = typesIgnoringCase.isEmpty() ? null : typesIgnoringCase.get(c.resource().type());
      if (registered != null) {
        return Verdict.deny(ReasonCode.DOMAIN_RULE_DENIED, "resource type '" + c.resource().type() + "' differs only in"
            + " case from '" + registered + "', whose domain has rules: resource types are exact; use '" + registered
            + "'");
      }
      return requirePolicy ? Verdict.deny(ReasonCode.DOMAIN_RULE_DENIED,
          "no domain policy is registered for resource type '" + c.resource().type() + "'") : null;
    }
    DomainDecision d = Stage.answered(policy.evaluate(c.request(), c.view()), "DomainPolicy.evaluate");
    switch (d.verdict()) {
      case ALLOW:
        return null;
      case REQUIRE_APPROVAL:
        c.approvalRequired = true;
        c.domainApprovalReason = d.reason();
        return null;
      default:
        return Verdict.deny(ReasonCode.DOMAIN_RULE_DENIED, "domain rule of '" + c.resource().type() + "': " + d.reason());
    }
  }
}
