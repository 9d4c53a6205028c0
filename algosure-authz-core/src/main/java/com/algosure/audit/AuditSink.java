package com.algosure.audit;

/**
 * Where audit events go. One method, called once per event, possibly from many threads at once:
 * implementations must be thread-safe. A sink that cannot record an event throws; what happens then is the
 * caller's {@link AuditFailurePolicy}.
 *
 * <p>The policy decision point calls {@link #recordDecision} once per decision instead of {@link #record}: by
 * default it builds the decision's {@link AuditEvent} and records it, so a sink that implements only
 * {@link #record} sees exactly the events it always saw. A sink that does not need an {@code AuditEvent}
 * overrides {@link #recordDecision} and saves building one for every decision.
 *
 * <p>Built-in sinks: {@link #slf4j()} (one structured JSON line per event), {@link #inMemory()} (for tests)
 * and {@link #buffered(AuditSink, int)} (a non-blocking wrapper for slow sinks).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AuditSink {

  /**
   * Records one event.
   *
   * @param event the event
   * @throws RuntimeException if the event could not be recorded
   */
  void record(AuditEvent event);

  /**
   * Records one decision of the policy decision point; called exactly once per decision. The default builds the
   * decision's event ({@link AuditableDecision#toAuditEvent()}) and passes it to {@link #record}. Override it to
   * record a decision without building an {@link AuditEvent}, or to build it later (the decision is immutable
   * and may be kept); the override must record the same facts the event carries, or throw.
   *
   * @param decision the decision
   * @throws RuntimeException if the decision could not be recorded; the decision point's
   *     {@link AuditFailurePolicy} applies
   * @since 0.1.0
   */
  default void recordDecision(AuditableDecision decision) {
    record(decision.toAuditEvent());
  }

  /** @return a sink writing one JSON line per event to the SLF4J logger {@code com.algosure.audit} at INFO */
  static AuditSink slf4j() {
    return new Slf4jAuditSink("com.algosure.audit");
  }

  /** @param loggerName the logger to write to @return a sink writing one JSON line per event */
  static AuditSink slf4j(String loggerName) {
    return new Slf4jAuditSink(loggerName);
  }

  /** @return a sink that keeps every event in memory, for tests */
  static InMemoryAuditSink inMemory() {
    return new InMemoryAuditSink();
  }

  /**
   * Wraps a slow sink: events are queued (never blocking the caller) and written by one background thread.
   * When the queue is full, {@link #record} throws {@link AuditBufferFullException} so the caller's failure
   * policy applies; nothing is dropped silently. The caller is answered once the event is queued: an event the
   * delegate then fails to write is counted in {@link BufferedAuditSink#failed()} and logged, and the failure
   * policy ({@link AuditFailurePolicy#FAIL_CLOSED} included) no longer applies to it.
   *
   * @param delegate the slow sink
   * @param capacity how many events may wait
   * @return the buffered sink; close it to flush and stop its thread
   */
  static BufferedAuditSink buffered(AuditSink delegate, int capacity) {
    return new BufferedAuditSink(delegate, capacity);
  }
}
