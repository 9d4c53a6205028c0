package com.algosure.authz;

import org.jspecify.annotations.Nullable;

/**
 * One step of a decision. A stage reads what earlier stages put into the context, adds what it
 * establishes, and either returns null (go on) or a {@link Verdict} that ends the decision. A stage can
 * only narrow: nothing but the end of the pipeline permits. The order is listed once, in
 * {@link PolicyDecisionPoint}.
 */
interface Stage {

  /** @return which stage this is, for the decision and its audit record */
  DecisionStage id();

  /**
   * @param context the decision so far
   * @return null to go on, or the verdict that ends the decision
   */
  @Nullable Verdict apply(DecisionContext context);

  /** Fails a stage for an SPI that answered null: the decision denies with STAGE_FAILURE, saying so. */
  static <T> T answered(@Nullable T value, String what) {
    if (value == null) {
      throw new SpiContractException(what + " returned null: it must answer an empty result or a decision, never"
          + " null; fix the host's implementation");
    }
    return value;
  }
}
