package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A record racing close(): the event is written, or the caller is told it was not; never lost silently. */
class JdbcAuditSinkCloseRaceTest {

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcAuditSinkCloseRaceTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  /**
   * Regression: with ON_QUEUE, a record that passed the closed check just before close() began was queued after
   * close() had drained the queue and the writer had stopped: record returned normally, close() returned normally
   * and reported nothing, and the event was never written.
   */
  @Test
  void recordWhenQueuedAfterCloseDrainedTheQueueThenRefused() throws Exception {
    CountDownLatch adding = new CountDownLatch(1);
    CountDownLatch closedDown = new CountDownLatch(1);
    JdbcAuditSink.Builder b = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE);
    b.queue = new LinkedBlockingQueue<>() {
      @Override
      public boolean add(JdbcAuditSink.Pending p) {
        if (p.event != null) { // the caller has passed the closed check: hold it until close() is over
          adding.countDown();
          await(closedDown);
        }
        return super.add(p);
      }
    };
    JdbcAuditSink sink = b.build();
    AuditEvent event = Events.decision("tenant-close-race", 1);
    CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> sink.record(event));
    assertThat(adding.await(10, TimeUnit.SECONDS)).as("%s", recorded).isTrue();

    sink.close(); // nothing queued yet: writes nothing, reports nothing, the writer stops
    closedDown.countDown();

    assertThatThrownBy(() -> recorded.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(AuditWriteException.class)
        .cause().hasMessage("audit event " + event.id() + " not recorded: the JDBC audit sink is closed");
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-close-race'")).isZero();
  }

  private JdbcAuditSink failingOnQueueSink(Duration writeTimeout) {
    JdbcAuditSinkFailureTest.Switchable down = new JdbcAuditSinkFailureTest.Switchable(pg.pool);
    down.down = true;
    return JdbcAuditSink.builder(down).schema(pg.schema).acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .writeTimeout(writeTimeout).build();
  }

  /**
   * Regression: close() reported an acknowledged event as not written, and flush() afterwards returned normally, as
   * if every event recorded before it had been written.
   */
  @Test
  void flushWhenCloseLeftAnEventUnwrittenThenFailsSayingSo() {
    JdbcAuditSink sink = failingOnQueueSink(Duration.ofMillis(300));
    sink.record(Events.decision("tenant-flush-after-close", 1)); // acknowledged on queue

    assertThatThrownBy(sink::close).isInstanceOf(AuditWriteException.class)
        .hasMessageStartingWith("JDBC audit sink closed with 1 events not written");
    assertThatThrownBy(sink::flush).isInstanceOf(AuditWriteException.class)
        .hasMessageStartingWith("flush not done: JDBC audit sink closed with 1 events not written")
        .hasCauseInstanceOf(AuditWriteException.class);
  }

  @Test
  void flushWhenCloseWroteEveryEventThenReturns() {
    JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).build();
    sink.record(Events.decision("tenant-flush-after-clean-close", 1));
    sink.close();

    sink.flush();
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-flush-after-clean-close'"))
        .isEqualTo(1);
  }

  /**
   * Regression: a second close() (a shutdown hook and the container, say) while the first was still writing returned
   * at once and normally, although the first then reported the events as not written.
   */
  @Test
  void closeWhenCalledAgainWhileTheFirstIsStillWritingThenWaitsAndReportsTheSameLoss() throws Exception {
    JdbcAuditSink sink = failingOnQueueSink(Duration.ofSeconds(1));
    sink.record(Events.decision("tenant-close-twice", 1));
    CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
    Thread first = new Thread(() -> {
      try {
        sink.close();
        firstFailure.complete(new AssertionError("the first close() reported nothing"));
      } catch (Throwable t) {
        firstFailure.complete(t);
      }
    });
    first.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (first.getState() != Thread.State.TIMED_WAITING) { // the first close() waits for the writer (join)
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.onSpinWait();
    }

    assertThatThrownBy(sink::close).isInstanceOf(AuditWriteException.class)
        .hasMessageStartingWith("JDBC audit sink closed with 1 events not written");
    assertThat(firstFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(AuditWriteException.class)
        .hasMessageStartingWith("JDBC audit sink closed with 1 events not written");
  }

  /**
   * Regression: close() on a thread whose interrupt flag was set (a shutdown path that was interrupted) did not wait
   * for the writer at all: it took the queued events out of the queue and reported them not written, events a healthy
   * database would have taken a moment later.
   */
  @Test
  void closeWhenTheClosingThreadIsInterruptedThenQueuedEventsAreStillWrittenAndTheFlagIsKept() {
    JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).batchSize(1).build();
    for (int i = 1; i <= 50; i++) {
      sink.record(Events.decision("tenant-interrupted-close", i));
    }

    Thread.currentThread().interrupt();
    boolean interrupted;
    try {
      sink.close();
    } finally {
      interrupted = Thread.interrupted();
    }

    assertThat(interrupted).isTrue();
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-interrupted-close'"))
        .isEqualTo(50);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("close() did not end");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
