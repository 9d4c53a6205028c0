package com.algosure.audit;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * Keeps every event in memory, in arrival order; for tests. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryAuditSink implements AuditSink {

  private final ConcurrentLinkedQueue<AuditEvent> events = new ConcurrentLinkedQueue<>();

  InMemoryAuditSink() {}

  @Override
  public void record(AuditEvent event) {
    events.add(event);
  }

  /** @return a snapshot of the events recorded so far */
  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /** @param type a type @return a snapshot of the events of that type */
  public List<AuditEvent> events(AuditEventType type) {
    return events.stream().filter(e -> e.type() == type).collect(Collectors.toUnmodifiableList());
  }

  /** Forgets every event. */
  public void clear() {
    events.clear();
  }
}
