package com.algosure.integration.spi;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps escalations in memory, in arrival order; for tests. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryEscalations implements EscalationHandler {

  private final ConcurrentLinkedQueue<Escalation> escalations = new ConcurrentLinkedQueue<>();

  InMemoryEscalations() {}

  @Override
  public void escalate(Escalation escalation) {
    escalations.add(escalation);
  }

  /** @return a snapshot of the escalations received so far */
  public List<Escalation> escalations() {
    return List.copyOf(escalations);
  }
}
