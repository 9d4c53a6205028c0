package com.algosure.authz;

import com.algosure.authz.spi.AttributeDecision;
import com.algosure.authz.spi.AttributePolicy;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Runs the host's attribute policies (none by default); any of them can deny. */
final class AttributeStage implements Stage {

  private final List<AttributePolicy> policies;

  AttributeStage(List<AttributePolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.ABAC;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    for (int i = 0, n = policies.size(); i < n; i++) {
      AttributeDecision d = Stage.answered(policies.get(i).evaluate(c.request(), c.view()), "AttributePolicy.evaluate");
      if (d.denied()) {
        return Verdict.deny(ReasonCode.ATTRIBUTE_POLICY_DENIED, "attribute policy denied: " + d.reason());
      }
    }
    return null;
  }
}
