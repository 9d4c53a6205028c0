package com.algosure.integration.spi;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps escalations and reviews in memory, each in arrival order; for tests. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryEscalations implements EscalationHandler {

  private final ConcurrentLinkedQueue<Escalation> escalations = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Escalation> reviews = new ConcurrentLinkedQueue<>();

  InMemoryEscalations() {}

  @Override
  public void escalate(Escalation escalation) {
    escalations.add(escalation);
  }

  @Override
  public void review(Escalation rejected) {
    reviews.add(rejected);
  }

  /** @return a snapshot of the escalations received so far */
  public List<Escalation> escalations() {
    return List.copyOf(escalations);
  }

  /** @return a snapshot of the rejected answers handed for review so far ({@link #review}) */
  public List<Escalation> reviews() {
    return List.copyOf(reviews);
  }
}
