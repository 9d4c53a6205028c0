package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The DataSource is host code (a pool, a wrapper): whatever it throws, an {@link Error} included, fails the batch it
 * was getting a connection for, and the writer thread goes on writing the events after it.
 */
class JdbcAuditSinkWriterSurvivesTest {

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcAuditSinkWriterSurvivesTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  /** Throws an {@link Error} on its first {@code failures} look-ups, then lends connections. */
  private static DataSourceWrapper failingWithAnError(int failures) {
    AtomicInteger left = new AtomicInteger(failures);
    return new DataSourceWrapper(pg.pool) {
      @Override
      public Connection getConnection() throws SQLException {
        if (left.getAndDecrement() > 0) {
          throw new AssertionError("pool bug");
        }
        return super.getConnection();
      }
    };
  }

  /** Regression: an Error from the DataSource ended the writer thread; every later event waited for nobody. */
  @Test
  void recordWhenTheDataSourceThrowsAnErrorThenThatCallerIsToldAndLaterEventsAreStillWritten() {
    try (JdbcAuditSink sink = JdbcAuditSink.builder(failingWithAnError(1)).schema(pg.schema)
        .writeTimeout(Duration.ofSeconds(3)).build()) {
      AuditEvent first = Events.decision("tenant-error", 1);
      long start = System.nanoTime();

      assertThatThrownBy(() -> sink.record(first)).isInstanceOf(AuditWriteException.class)
          .isNotInstanceOf(AuditWriteTimeoutException.class)
          .hasMessageContaining("java.lang.AssertionError").hasMessageNotContaining("pool bug");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

      AuditEvent second = Events.decision("tenant-error", 2);
      sink.record(second);

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_id = '" + second.id() + "'"))
          .isEqualTo(1);
      assertThat(sink.failed()).isEqualTo(1);
    }
  }

  /** A sink whose writer thread has stopped (interrupted while it waited for events), once it has. */
  private static JdbcAuditSink withStoppedWriter(JdbcAuditSink.Builder b) throws InterruptedException {
    java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    b.queue = new LinkedBlockingQueue<>() {
      @Override
      public JdbcAuditSink.Pending poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (stopped.getCount() > 0) {
          stopped.countDown();
          throw new InterruptedException("the writer is told to stop");
        }
        return super.poll(timeout, unit);
      }
    };
    JdbcAuditSink sink = b.build();
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Thread writer = liveWriter();
    while (writer != null && System.nanoTime() < deadline) {
      writer.join(100); // another sink's writer may share the name: bounded
      writer = liveWriter();
    }
    return sink;
  }

  private static @org.jspecify.annotations.Nullable Thread liveWriter() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("algosure-jdbc-audit-writer") && t.isAlive()).findFirst().orElse(null);
  }

  /**
   * Regression: record refused at once after the writer thread had stopped, but flush queued its marker for nobody,
   * waited the whole writeTimeout and then blamed the database's health.
   */
  @Test
  void flushWhenTheWriterThreadHasStoppedThenRefusedAtOnceNamingTheWriter() throws Exception {
    JdbcAuditSink sink = withStoppedWriter(pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .writeTimeout(Duration.ofSeconds(5)));
    long start = System.nanoTime();

    assertThatThrownBy(sink::flush).isInstanceOf(AuditWriteException.class)
        .hasMessage("flush not done: the JDBC audit sink's writer thread has stopped, so nothing recorded before it"
            + " will be written; build a new sink");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to answer").isLessThan(Duration.ofSeconds(2));
    sink.close();
  }

  /**
   * Regression: once the writer thread had stopped (interrupted while it waited for events), events acknowledged on
   * queue were still taken, up to the capacity, for nobody to write; record now refuses them.
   */
  @Test
  void recordWhenTheWriterThreadHasStoppedThenRefusedInsteadOfQueuedForNobody() throws Exception {
    JdbcAuditSink sink = withStoppedWriter(pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE));
    AuditEvent event = Events.decision("tenant-writer-stopped", 1);

    assertThatThrownBy(() -> sink.record(event)).isInstanceOf(AuditWriteException.class)
        .hasMessage("audit event " + event.id() + " not recorded: the JDBC audit sink's writer thread has stopped, so"
            + " nothing would write it; build a new sink");
    assertThat(sink.pending()).isZero();
    sink.close();
  }

  @Test
  void recordWhenQueuedAndTheDataSourceThrowsAnErrorThenTheEventsAreKeptAndWrittenOnTheNextAttempt() {
    try (JdbcAuditSink sink = JdbcAuditSink.builder(failingWithAnError(1)).schema(pg.schema)
        .acknowledgement(AuditAcknowledgement.ON_QUEUE).flushInterval(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(3)).build()) {
      for (int i = 0; i < 3; i++) {
        sink.record(Events.decision("tenant-error-queued", i));
      }
      assertThatThrownBy(sink::flush).isInstanceOf(AuditWriteException.class)
          .isNotInstanceOf(AuditWriteTimeoutException.class).hasMessageContaining("java.lang.AssertionError");

      sink.flush();

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-error-queued'"))
          .isEqualTo(3);
      assertThat(sink.verifyChain("tenant-error-queued").valid()).isTrue();
    }
  }
}
