package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
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
