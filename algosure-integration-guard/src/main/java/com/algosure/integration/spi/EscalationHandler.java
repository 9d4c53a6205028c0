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

  /** @return a handler that only logs each escalation (ids and references) at WARN */
  static EscalationHandler logging() {
    return LoggingEscalationHandler.INSTANCE;
  }

  /** @return a handler keeping escalations in memory, for tests */
  static InMemoryEscalations inMemory() {
    return new InMemoryEscalations();
  }
}
