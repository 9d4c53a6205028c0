package com.algosure.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking wrapper for a slow sink: {@link #record} only enqueues, one daemon thread writes. A full
 * queue makes {@link #record} throw {@link AuditBufferFullException}, so the caller's
 * {@link AuditFailurePolicy} decides; an event the delegate fails to write, whatever it throws (an exception or
 * an {@link Error}), is counted in {@link #failed()} and logged by id and type only, and the writer goes on with
 * the next. Should the writer thread stop all the same (interrupted), {@link #record} throws
 * {@link AuditBufferFullException} from then on, so nothing is dropped silently. {@link #recordDecision} enqueues the (immutable) decision itself, and the writer thread
 * hands it to the delegate's {@link AuditSink#recordDecision}, so the caller never builds its event.
 *
 * <p>Thread-safe. {@link #close()} writes what is queued (up to a bound) and stops the thread.
 *
 * @since 0.1.0
 */
public final class BufferedAuditSink implements AuditSink, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BufferedAuditSink.class);
  private static final AuditEvent POISON = AuditEvent.builder(AuditEventType.CUSTOM, java.time.Instant.EPOCH)
      .id("poison").outcome("STOP").build();

  private final AuditSink delegate;
  /** {@link AuditEvent}s and {@link AuditableDecision}s, in arrival order. */
  private final BlockingQueue<Object> queue;
  private final Thread writer;
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile boolean closed;
  /** Set when the writer thread ends, whatever the reason: nothing would write what is enqueued after that. */
  private volatile boolean writerStopped;
  /** What the writer is handing to the delegate now, taken from the queue; null between items. */
  private volatile @Nullable Object writing;

  BufferedAuditSink(AuditSink delegate, int capacity) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
    this.writer = new Thread(this::drain, "algosure-audit-writer");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    enqueue(event, "event " + event.id());
  }

  /** Enqueues the decision itself; its event is built by the delegate, on the writer thread, if it wants one. */
  @Override
  public void recordDecision(AuditableDecision decision) {
    Objects.requireNonNull(decision, "decision");
    enqueue(decision, "decision " + decision.decisionId());
  }

  private void enqueue(Object item, String what) {
    // one lock for the checks and the offer, and close() sets closed under it: nothing is queued behind the stop
    // marker (where the writer would never see it), and no two callers can both take the slot kept for the marker
    synchronized (queue) {
      if (closed) {
        throw new AuditBufferFullException("audit buffer is closed: " + what + " not recorded");
      }
      if (writerStopped) {
        throw new AuditBufferFullException("audit buffer's writer thread has stopped: " + what
            + " not recorded; build a new buffered sink");
      }
      // keep one slot for the stop marker
      if (queue.remainingCapacity() <= 1 || !queue.offer(item)) {
        throw new AuditBufferFullException("audit buffer is full: " + what
            + " not recorded; the delegate sink is too slow or failing");
      }
    }
  }

  private void drain() {
    try {
      writeUntilStopped();
    } finally {
      writerStopped = true;
    }
  }

  private void writeUntilStopped() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
      if (item == POISON) {
        return;
      }
      writing = item;
      try {
        if (item instanceof AuditableDecision d) {
          delegate.recordDecision(d);
        } else {
          delegate.record((AuditEvent) item);
        }
        written.incrementAndGet();
      } catch (Throwable ex) { // the delegate is host code: whatever it throws, the next event is still written
        failed.incrementAndGet();
        logFailure(item, ex);
      } finally {
        writing = null;
      }
    }
  }

  /** Logs a failed write by id and type, never the event's details; a failure to log does not stop the writer. */
  private static void logFailure(Object item, Throwable ex) {
    try {
      if (item instanceof AuditableDecision d) {
        LOG.error("audit of decision {} could not be written by the delegate sink: {}", d.decisionId(),
            ex.getClass().getName());
      } else {
        AuditEvent e = (AuditEvent) item;
        LOG.error("audit event {} of type {} could not be written by the delegate sink: {}", e.id(), e.type(),
            ex.getClass().getName());
      }
    } catch (Throwable ignored) {
      // already counted in failed(); nothing else can be said about it
    }
  }

  /** @return how many events the delegate failed to write */
  public long failed() {
    return failed.get();
  }

  /** @return how many events the delegate wrote */
  public long written() {
    return written.get();
  }

  /** @return how many events wait to be written */
  public int pending() {
    return queue.size();
  }

  /**
   * Writes what is queued, waiting at most 10 seconds (also on an interrupted thread, whose interrupt flag it keeps),
   * and stops the writer thread. Accepted events still unwritten when it returns (the delegate too slow, or the writer
   * thread stopped), the one the delegate is still writing included, are logged at ERROR by count and id, never
   * dropped without a trace.
   */
  @Override
  public void close() {
    synchronized (queue) {
      if (!closed) { // the stop marker is queued once, however often close() is called
        closed = true;
        queue.offer(POISON); // always room: records never take the last slot
      }
    }
    // waited for on an interrupted thread too (the flag is set again afterwards): giving up at once reported the queued
    // events as not written and returned while the writer was still writing them, for a process about to exit
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean interrupted = false;
    for (long left = deadline - System.nanoTime(); left > 0 && writer.isAlive(); left = deadline - System.nanoTime()) {
      try {
        writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    reportUnwritten();
  }

  /** Logs the accepted events still queued: a writer that stopped will never write them, a busy one maybe not. */
  private void reportUnwritten() {
    List<String> ids = new ArrayList<>();
    // the one the delegate is still writing first: it is no longer queued, and not written either
    Object current = writing;
    List<Object> items = new ArrayList<>();
    if (current != null && writer.isAlive()) {
      items.add(current);
    }
    items.addAll(List.of(queue.toArray()));
    for (Object item : items) {
      if (item instanceof AuditableDecision d) {
        ids.add(d.decisionId());
      } else if (item != POISON) {
        ids.add(((AuditEvent) item).id());
      }
    }
    if (!ids.isEmpty()) {
      boolean alive = writer.isAlive();
      LOG.error("audit buffer closed with {} event(s) not written: {}; {}", ids.size(), ids, alive
          ? "the delegate sink is still busy after 10 s, and they are lost if the process exits first"
          : "its writer thread has stopped, so they will not be written");
    }
  }
}
