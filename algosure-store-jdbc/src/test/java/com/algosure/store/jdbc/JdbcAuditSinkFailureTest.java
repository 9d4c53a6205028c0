package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The database fails, is unreachable or hangs: every failure reaches the caller, bounded in time, nothing is lost. */
class JdbcAuditSinkFailureTest {

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcAuditSinkFailureTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void recordWhenDatabasePortClosedThenFailsWithClearExceptionQuickly() throws Exception {
    PGSimpleDataSource unreachable = Postgres.dataSource(Postgres.HOST, closedPort());
    AuditEvent event = Events.decision("tenant-down", 1);
    try (JdbcAuditSink sink = JdbcAuditSink.builder(unreachable).writeTimeout(Duration.ofSeconds(2)).build()) {
      long start = System.nanoTime();

      assertThatThrownBy(() -> sink.record(event))
          .isInstanceOf(AuditWriteException.class)
          .isNotInstanceOf(AuditWriteTimeoutException.class)
          .hasMessageStartingWith("audit event " + event.id() + " not written: the audit database could not be reached "
              + "(SQL state 08001, 1 events in the batch, schema (search path)); check the database and the DataSource")
          .hasRootCauseInstanceOf(java.net.ConnectException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(sink.failed()).isEqualTo(1);
    }
  }

  @Test
  void flushWhenDatabasePortClosedThenFails() throws Exception {
    PGSimpleDataSource unreachable = Postgres.dataSource(Postgres.HOST, closedPort());
    JdbcAuditSink sink = JdbcAuditSink.builder(unreachable).acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .writeTimeout(Duration.ofSeconds(2)).build();
    sink.record(Events.decision("tenant-down", 2));

    assertThatThrownBy(sink::flush)
        .isInstanceOf(AuditWriteException.class)
        .hasMessageContaining("the audit database could not be reached (SQL state 08001");
    assertThatThrownBy(sink::close)
        .isInstanceOf(AuditWriteException.class)
        .hasMessageStartingWith("JDBC audit sink closed with 1 events not written (ids in the ERROR log): the audit "
            + "database could not be reached");
  }

  @Test
  void recordWhenDatabaseAcceptsButNeverAnswersThenTimesOutAfterWriteTimeout() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // accept, never answer
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      PGSimpleDataSource hanging = Postgres.dataSource(Postgres.HOST, silent.getLocalPort());
      hanging.setSocketTimeout(3);
      hanging.setLoginTimeout(3);
      AuditEvent first = Events.decision("tenant-hang", 1);
      AuditEvent second = Events.decision("tenant-hang", 2);
      JdbcAuditSink sink = JdbcAuditSink.builder(hanging).writeTimeout(Duration.ofMillis(300)).build();
      try {
        long start = System.nanoTime();
        assertThatThrownBy(() -> sink.record(first))
            .isInstanceOfSatisfying(AuditWriteTimeoutException.class, e -> assertThat(e.outcomeUnknown()).isTrue())
            .hasMessage("audit event " + first.id() + " not confirmed within writeTimeout PT0.3S: the write had started, "
                + "the row may exist; check the database's health and the DataSource's connect/socket timeouts");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));

        // the writer is still stuck on the first batch, so the second event is withdrawn, never written later
        assertThatThrownBy(() -> sink.record(second))
            .isInstanceOfSatisfying(AuditWriteTimeoutException.class, e -> assertThat(e.outcomeUnknown()).isFalse())
            .hasMessageContaining("withdrawn from the batch, it will not be written");
      } finally {
        try {
          sink.close();
        } catch (AuditWriteException expected) {
          // the withdrawn event may still be queued when close gives up
        }
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void recordWhenChainHeadLockedLongerThanStatementTimeoutThenFailsWithLockMessage() throws Exception {
    try (JdbcAuditSink sink = pg.sink().statementTimeout(Duration.ofMillis(200)).writeTimeout(Duration.ofSeconds(3)).build()) {
      sink.record(Events.decision("tenant-locked", 1));
      try (Connection blocker = pg.direct.getConnection(); Statement s = blocker.createStatement()) {
        blocker.setAutoCommit(false);
        s.execute("SELECT * FROM \"" + pg.schema + "\".algosure_audit_chain WHERE tenant = 'tenant-locked' FOR UPDATE");
        AuditEvent event = Events.decision("tenant-locked", 2);
        long start = System.nanoTime();

        assertThatThrownBy(() -> sink.record(event))
            .isInstanceOf(AuditWriteException.class)
            .hasMessageContaining("the audit database did not answer within statementTimeout PT0.2S (slow, or a tenant's "
                + "chain head is locked by another writer) (SQL state ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        blocker.rollback();
      }
      assertThat(sink.verifyChain("tenant-locked").rowsChecked()).isEqualTo(1);
    }
  }

  @Test
  void recordWhenQueuedAndDatabaseFailsThenLaterCallsFailUntilItRecoversAndNothingIsLost() {
    Switchable db = new Switchable(pg.pool);
    List<String> ids = new ArrayList<>();
    // the batch waits (flushInterval) until flush() asks for it, so all 20 events are in it when it fails
    try (JdbcAuditSink sink = JdbcAuditSink.builder(db).schema(pg.schema).acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .flushInterval(Duration.ofSeconds(10)).writeTimeout(Duration.ofSeconds(3)).build()) {
      db.down = true;
      for (int i = 0; i < 20; i++) {
        AuditEvent e = Events.decision("tenant-flaky", i);
        sink.record(e);
        ids.add(e.id());
      }
      assertThatThrownBy(sink::flush).isInstanceOf(AuditWriteException.class)
          .hasMessageContaining("the audit database could not be reached");

      AuditEvent refused = Events.decision("tenant-flaky", 99);
      assertThatThrownBy(() -> sink.record(refused))
          .isInstanceOf(AuditWriteException.class)
          .hasMessageStartingWith("audit event " + refused.id() + " not recorded: the audit database is failing and 20 "
              + "earlier events wait to be written; the audit database could not be reached");

      db.down = false;
      sink.flush();

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-flaky'")).isEqualTo(20);
      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_id = '" + refused.id() + "'")).isZero();
      assertThat(sink.verifyChain("tenant-flaky").valid()).isTrue();
      AuditEvent after = Events.decision("tenant-flaky", 100);
      sink.record(after);
    }
  }

  @Test
  void flushWhenTheCommitsAnswerIsLostThenTheRetryDoesNotAppendTheEventsASecondTime() throws Exception {
    try (ReplyCuttingProxy proxy = new ReplyCuttingProxy();
        JdbcAuditSink sink = JdbcAuditSink.builder(Postgres.dataSource(Postgres.HOST, proxy.port())).schema(pg.schema)
            .acknowledgement(AuditAcknowledgement.ON_QUEUE).flushInterval(Duration.ofSeconds(10))
            .writeTimeout(Duration.ofSeconds(3)).build()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        AuditEvent e = Events.decision("tenant-lost-reply", i);
        sink.record(e);
        ids.add(e.id());
      }
      proxy.cutNextCommitReply();
      assertThatThrownBy(sink::flush).isInstanceOf(AuditWriteException.class)
          .hasMessageContaining("the audit database could not be reached");

      sink.flush(); // the kept batch is written again: it had committed already

      for (String id : ids) {
        assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_id = '" + id + "'")).isEqualTo(1);
      }
      assertThat(sink.verifyChain("tenant-lost-reply").rowsChecked()).isEqualTo(3);
      assertThat(sink.verifyChain("tenant-lost-reply").valid()).isTrue();
    }
  }

  /**
   * Regression: acknowledged on commit, an event whose commit succeeded but whose answer was lost was reported not
   * written, so the caller's fail-closed policy denied what the trail records as done (a PERMIT row for a call that
   * was refused); the sink now asks the database and reports the event written.
   */
  @Test
  void recordWhenTheCommitsAnswerIsLostThenTheCallerIsToldTheTruthThatItWasWritten() throws Exception {
    try (ReplyCuttingProxy proxy = new ReplyCuttingProxy();
        JdbcAuditSink sink = JdbcAuditSink.builder(Postgres.dataSource(Postgres.HOST, proxy.port())).schema(pg.schema)
            .writeTimeout(Duration.ofSeconds(3)).build()) {
      AuditEvent event = Events.decision("tenant-lost-commit-reply", 1);
      proxy.cutNextCommitReply();

      sink.record(event);

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_id = '" + event.id() + "'")).isEqualTo(1);
      assertThat(sink.written()).isEqualTo(1);
      assertThat(sink.failed()).isZero();
      sink.record(Events.decision("tenant-lost-commit-reply", 2));
      assertThat(sink.verifyChain("tenant-lost-commit-reply").rowsChecked()).isEqualTo(2);
      assertThat(sink.verifyChain("tenant-lost-commit-reply").valid()).isTrue();
    }
  }

  @Test
  void recordWhenTheDatabaseIsUnreachableThenStillNotWrittenAfterTheCheck() throws Exception {
    Switchable db = new Switchable(pg.pool);
    db.down = true;
    try (JdbcAuditSink sink = JdbcAuditSink.builder(db).schema(pg.schema).writeTimeout(Duration.ofSeconds(3)).build()) {
      AuditEvent event = Events.decision("tenant-unreachable-check", 1);

      assertThatThrownBy(() -> sink.record(event)).isInstanceOf(AuditWriteException.class)
          .hasMessageContaining("the audit database could not be reached");
      assertThat(sink.failed()).isEqualTo(1);
    }
  }

  @Test
  void recordWhenBacklogFullThenRefusedWithCapacityMessage() {
    Switchable db = new Switchable(pg.pool);
    db.down = true;
    try (JdbcAuditSink sink = JdbcAuditSink.builder(db).schema(pg.schema).acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .capacity(3).flushInterval(Duration.ofSeconds(10)).batchSize(100).writeTimeout(Duration.ofMillis(100)).build()) {
      for (int i = 0; i < 3; i++) {
        sink.record(Events.decision("tenant-full", i));
      }
      AuditEvent fourth = Events.decision("tenant-full", 3);

      assertThatThrownBy(() -> sink.record(fourth))
          .isInstanceOfSatisfying(AuditBacklogFullException.class, e -> assertThat(e.eventId()).contains(fourth.id()))
          .hasMessage("audit event " + fourth.id() + " not recorded: 3 events wait to be written already (the database "
              + "is too slow or failing); raise capacity or batchSize, or check the database");
      db.down = false;
    }
  }

  /** A DataSource whose database can be switched off, as a network partition would. */
  static final class Switchable extends DataSourceWrapper {
    volatile boolean down;

    Switchable(Postgres.Pool target) {
      super(target);
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLException("Connection to 127.0.0.1:5432 refused (switched off by the test)", "08001");
      }
      return super.getConnection();
    }
  }

  @Test
  void chainHeadAndVerifyWhenTheChainTableIsLockedThenFailWithinTheStatementTimeoutNotWaitForever() throws Exception {
    try (JdbcAuditSink sink = pg.sink().statementTimeout(Duration.ofSeconds(1)).build();
        Connection locker = pg.pool.getConnection();
        Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE \"" + pg.schema + "\".algosure_audit_chain IN ACCESS EXCLUSIVE MODE"); // as a migration might
      try {
        for (Runnable read : List.<Runnable>of(() -> sink.chainHead("t-locked"), () -> sink.verifyChain("t-locked"),
            sink::verifyAllChains)) {
          long start = System.nanoTime();
          assertThatThrownBy(read::run).isInstanceOf(JdbcStoreException.class);
          assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
      } finally {
        locker.rollback();
      }
    }
  }

  @Test
  void closeWhenAnAcknowledgedEventIsStillBeingWrittenAfterTheWriteTimeoutThenReportedNotWritten() throws Exception {
    java.util.concurrent.CountDownLatch inWrite = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    DataSourceWrapper stalled = new DataSourceWrapper(pg.pool) {
      @Override
      public Connection getConnection() throws SQLException {
        inWrite.countDown();
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS); // the database answers nothing until released
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new SQLException("database unreachable (simulated)", "08001");
      }
    };
    JdbcAuditSink sink = JdbcAuditSink.builder(stalled).schema(pg.schema).acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .writeTimeout(Duration.ofSeconds(1)).build();
    try {
      sink.record(Events.decision("t-stalled", 1)); // acknowledged on queue
      assertThat(inWrite.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      assertThatThrownBy(sink::close).isInstanceOf(AuditWriteException.class)
          .hasMessageStartingWith("JDBC audit sink closed with 1 events not written");
    } finally {
      release.countDown();
    }
  }
}
