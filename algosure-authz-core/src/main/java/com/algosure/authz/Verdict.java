package com.algosure.authz;

/**
 * A stage's final word: the effect, the reason and a sentence for people. Stages return null to let the next
 * stage run; only the end of the pipeline permits.
 */
record Verdict(Effect effect, ReasonCode reason, String explanation) {

  static Verdict deny(ReasonCode reason, String explanation) {
    return new Verdict(Effect.DENY, reason, explanation);
  }
}
