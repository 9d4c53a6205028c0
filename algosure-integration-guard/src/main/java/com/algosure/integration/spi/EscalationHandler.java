package com.algosure.integration.spi;

/**
 * The owning domain's workflow for unknown provider states: it receives each {@link Escalation} once, and
 * resolves it (by asking the provider, by a person) outside the guard.
 *
 * <p>Implementations must be thread-safe and should only enqueue (the caller waits for it). A handler that
 * throws does not change the outcome (still {@code ESCALATED}); the failure is logged and audited.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EscalationHandler {

  /** @param escalation the unknown state */
  void escalate(Escalation escalation);

  /**
   * Receives a provider's answer that the guard rejected (invalid, or too large to read) to a request that may
   * have changed something at the provider: not only {@code GET}, {@code HEAD} or {@code OPTIONS} was sent. The
   * provider probably acted, but its answer is no fact, so a person or the domain's workflow must review it;
   * the idempotency key stays completed, so the request is never resent under it. (A rejected answer to safe
   * requests only is not handed here: retrying it is safe, and its key is released.)
   *
   * <p>By default the review goes to {@link #escalate}, so a handler written before this method still sees it.
   *
   * @param rejected the rejected answer: {@code lastError} says what was wrong, {@code evidenceRef} where the
   *     answer is kept
   * @since 0.1.0
   */
  default void review(Escalation rejected) {
    escalate(rejected);
  }

  /** @return a handler that only logs each escalation (ids and references) at WARN */
  static EscalationHandler logging() {
    return LoggingEscalationHandler.INSTANCE;
  }

  /** @return a handler keeping escalations in memory, for tests */
  static InMemoryEscalations inMemory() {
    return new InMemoryEscalations();
  }
}
