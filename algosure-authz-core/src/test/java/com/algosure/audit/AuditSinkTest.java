package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.algosure.testing.Race;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuditSinkTest {

  private static AuditEvent event(String outcome) {
    return AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, Instant.parse("2026-11-23T10:00:00Z"))
        .outcome(outcome).tenant("acme").actor("alice", "user").action("filings:read").resource("filing/f-1")
        .reasons(List.of("PERMITTED")).detail("decisionId", "d-1").detail("skipped", null).build();
  }

  /**
   * @return a delegate sink whose writer blocks until {@code release} opens (at most 10 s), then hands the event
   *     to {@code then}
   */
  static AuditSink blockedUntil(CountDownLatch release, AuditSink then) {
    return e -> {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      then.record(e);
    };
  }

  @Test
  void slf4jWhenEventRecordedThenOneJsonLineWithEveryField() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("test.audit");
    logger.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);

    AuditSink.slf4j("test.audit").record(event("PERMIT"));

    assertThat(appender.list).hasSize(1);
    String line = appender.list.get(0).getFormattedMessage();
    assertThat(line).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("type").asText()).isEqualTo("AUTHORIZATION_DECISION");
    assertThat(json.get("outcome").asText()).isEqualTo("PERMIT");
    assertThat(json.get("tenant").asText()).isEqualTo("acme");
    assertThat(json.get("actor").asText()).isEqualTo("alice");
    assertThat(json.get("reasons").get(0).asText()).isEqualTo("PERMITTED");
    assertThat(json.get("details").get("decisionId").asText()).isEqualTo("d-1");
    assertThat(json.get("details").has("skipped")).isFalse();
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-23T10:00:00Z");
  }

  @Test
  void slf4jWhenInfoDisabledThenRecordFailsSoTheFailurePolicyApplies() {
    ((Logger) LoggerFactory.getLogger("test.audit.off")).setLevel(Level.WARN);

    assertThatThrownBy(() -> AuditSink.slf4j("test.audit.off").record(event("PERMIT")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("INFO disabled");
  }

  @Test
  void bufferedWhenDelegateIsSlowThenRecordDoesNotBlockAndCloseFlushes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemoryAuditSink target = AuditSink.inMemory();
    BufferedAuditSink buffered = AuditSink.buffered(blockedUntil(release, target), 100);

    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      buffered.record(event("PERMIT"));
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(elapsedMillis).as("record must not wait for the blocked delegate").isLessThan(5_000);
    assertThat(target.events()).isEmpty();
    release.countDown();
    buffered.close();
    assertThat(target.events()).hasSize(50);
    assertThat(buffered.written()).isEqualTo(50);
  }

  @Test
  void bufferedWhenQueueFullThenRecordThrowsInsteadOfDropping() {
    CountDownLatch release = new CountDownLatch(1);
    BufferedAuditSink buffered = AuditSink.buffered(blockedUntil(release, e -> { }), 2);
    try {
      assertThatThrownBy(() -> {
        for (int i = 0; i < 10; i++) {
          buffered.record(event("PERMIT"));
        }
      }).isInstanceOf(AuditBufferFullException.class).hasMessageContaining("audit buffer is full");
    } finally {
      release.countDown();
      buffered.close();
    }
  }

  @Test
  void bufferedWhenDelegateFailsThenFailureIsCountedAndLaterEventsStillWritten() {
    InMemoryAuditSink target = AuditSink.inMemory();
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      if (e.outcome().equals("BAD")) {
        throw new IllegalStateException("cannot write");
      }
      target.record(e);
    }, 10);

    buffered.record(event("BAD"));
    buffered.record(event("PERMIT"));
    buffered.close();

    assertThat(buffered.failed()).isEqualTo(1);
    assertThat(target.events()).hasSize(1);
    assertThatThrownBy(() -> buffered.record(event("PERMIT"))).isInstanceOf(AuditBufferFullException.class)
        .hasMessageContaining("closed");
  }

  /** Regression: an AssertionError from the delegate killed the writer; 4 later events stayed pending forever. */
  @Test
  void bufferedWhenDelegateThrowsAnErrorThenItIsCountedLoggedWithoutDetailsAndLaterEventsStillWritten() {
    Logger logger = (Logger) LoggerFactory.getLogger(BufferedAuditSink.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    InMemoryAuditSink target = AuditSink.inMemory();
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      if (e.outcome().equals("BAD")) {
        throw new AssertionError("delegate bug");
      }
      if (e.outcome().equals("WORSE")) {
        throw new StackOverflowError();
      }
      target.record(e);
    }, 10);
    try {
      buffered.record(event("BAD"));
      for (int i = 0; i < 2; i++) {
        buffered.record(event("PERMIT"));
      }
      buffered.record(event("WORSE"));
      for (int i = 0; i < 2; i++) {
        buffered.record(event("PERMIT"));
      }
    } finally {
      buffered.close();
      logger.detachAppender(appender);
    }

    assertThat(target.events()).hasSize(4);
    assertThat(buffered.failed()).isEqualTo(2);
    assertThat(buffered.written()).isEqualTo(4);
    assertThat(buffered.pending()).isZero();
    assertThat(appender.list).hasSize(2).allSatisfy(l -> assertThat(l.getFormattedMessage())
        .contains("could not be written").doesNotContain("acme").doesNotContain("alice").doesNotContain("delegate bug"));
    assertThat(appender.list.get(0).getFormattedMessage()).contains("java.lang.AssertionError");
  }

  @Test
  void bufferedWhenWriterThreadHasStoppedThenRecordThrowsInsteadOfQueueingForNobody() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Thread> writer = new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch inDelegate = new CountDownLatch(1);
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      writer.set(Thread.currentThread());
      inDelegate.countDown();
      Thread.currentThread().interrupt(); // the writer is told to stop: its next take() ends it
    }, 10);
    buffered.record(event("PERMIT"));
    assertThat(inDelegate.await(10, TimeUnit.SECONDS)).isTrue();
    // wait for the writer thread itself to end, not for time to pass
    writer.get().join(TimeUnit.SECONDS.toMillis(10));
    assertThat(writer.get().isAlive()).as("the writer thread stopped").isFalse();

    try {
      buffered.record(event("PERMIT"));
    } catch (AuditBufferFullException expected) {
      assertThat(expected).hasMessageContaining("writer thread has stopped");
      buffered.close();
      return;
    }
    throw new AssertionError("record went on queueing after the writer stopped");
  }

  /**
   * Regression: an event accepted while the writer was still running, but never written because the writer then
   * stopped (interrupted), was lost without a trace: close() returned normally and logged nothing. It now reports the
   * events it leaves unwritten, by count and id.
   */
  @Test
  void bufferedWhenClosedWithAcceptedEventsNotWrittenThenCloseReportsThem() throws Exception {
    CountDownLatch inDelegate = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Thread> writer = new java.util.concurrent.atomic.AtomicReference<>();
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      writer.set(Thread.currentThread());
      inDelegate.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        throw new AssertionError(ie);
      }
      Thread.currentThread().interrupt(); // the writer is told to stop: its next take() ends it
    }, 10);
    Logger logger = (Logger) LoggerFactory.getLogger(BufferedAuditSink.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      buffered.record(event("PERMIT"));
      assertThat(inDelegate.await(10, TimeUnit.SECONDS)).isTrue();
      AuditEvent accepted = event("DENY");
      buffered.record(accepted); // the writer is still running: accepted
      release.countDown();
      writer.get().join(TimeUnit.SECONDS.toMillis(10));
      assertThat(writer.get().isAlive()).as("the writer thread stopped").isFalse();

      buffered.close();

      assertThat(appender.list).filteredOn(l -> l.getLevel() == Level.ERROR)
          .singleElement().satisfies(l -> assertThat(l.getFormattedMessage())
              .contains("closed with 1 event(s) not written").contains(accepted.id()).doesNotContain("acme"));
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void eventIdsWhenManyCreatedThenUnique() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(AuditIds.next());
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void eventIdsWhenManyThreadsTakeThemAcrossTheirBlocksThenUnique() throws Exception {
    int threads = 8;
    int each = 5 * AuditIds.BLOCK + 7; // every thread uses up several blocks and part of another
    List<Long> taken = Race.gather(threads, thread -> {
      List<Long> mine = new java.util.ArrayList<>(each);
      for (int i = 0; i < each; i++) {
        mine.add(AuditIds.nextSequence());
      }
      return mine;
    });

    assertThat(taken).hasSize(threads * each).allMatch(n -> n > 0);
    assertThat(new java.util.HashSet<>(taken)).hasSize(threads * each);
    assertThat(AuditIds.of(AuditIds.nextSequence())).matches("[0-9a-f]{16}-[0-9]+");
  }

  @Test
  void builderWhenOutcomeMissingThenFailsWithMessage() {
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).build())
        .isInstanceOf(NullPointerException.class).hasMessage("outcome must be set");
  }

  /**
   * Regression: a record racing with close() could be queued behind the stop marker (returned normally, never
   * written), and two records racing for the last free slots could take the one kept for the marker (close() then
   * waited its 10 s and left the writer running).
   */
  @Test
  void bufferedWhenRecordsRaceWithCloseThenEveryAcceptedEventIsWrittenAndCloseStopsTheWriter() throws Exception {
    for (int round = 0; round < 200; round++) {
      java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();
      BufferedAuditSink buffered = AuditSink.buffered(e -> delivered.incrementAndGet(), 4);
      AuditEvent e = event("PERMIT");
      List<Long> accepted = Race.gather(3, thread -> {
        long ok = 0;
        if (thread == 0) {
          buffered.close();
          return List.of(ok);
        }
        for (int i = 0; i < 2_000; i++) {
          try {
            buffered.record(e);
            ok++;
          } catch (AuditBufferFullException refused) {
            // full or closed: the caller knows, nothing is lost silently
          }
        }
        return List.of(ok);
      });
      buffered.close(); // waits for the writer, whichever thread closed first

      long total = accepted.stream().mapToLong(Long::longValue).sum();
      assertThat(delivered.get()).as("round %d: accepted %d", round, total).isEqualTo(total);
      assertThat(buffered.pending()).as("round %d", round).isZero();
    }
  }
}
