package com.algosure.integration.spi;

/**
 * Keeps {@link Evidence} of rejected responses and unknown states for review, and returns a reference that
 * the outcome, the escalation and the audit trail carry instead of the evidence itself.
 *
 * <p>Implementations must be thread-safe. One that throws does not change the outcome (still
 * {@code REJECTED} or {@code ESCALATED}, never accepted); the failure is logged and the reference says so.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface EvidenceStore {

  /**
   * @param evidence what to keep
   * @return its reference
   */
  String keep(Evidence evidence);

  /** @return an in-memory store, for tests and examples */
  static InMemoryEvidenceStore inMemory() {
    return new InMemoryEvidenceStore();
  }
}
