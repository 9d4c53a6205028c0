package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link AuditSink#recordDecision}: the default and the built-in sinks' overrides. */
class AuditSinkRecordDecisionTest {

  /** A decision that counts how often its event is built. */
  static final class CountingDecision implements AuditableDecision {
    final AtomicInteger built = new AtomicInteger();
    private final String id;

    CountingDecision(String id) {
      this.id = id;
    }

    @Override
    public String decisionId() {
      return id;
    }

    @Override
    public Instant timestamp() {
      return Instant.parse("2026-11-23T10:00:00Z");
    }

    @Override
    public AuditEvent toAuditEvent() {
      built.incrementAndGet();
      return AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, timestamp()).id(id).outcome("PERMIT")
          .tenant("acme").actor("alice", "user").reasons(List.of("PERMITTED")).detail("decisionId", id)
          .detail("stage", "APPROVAL").build();
    }
  }

  @Test
  void recordDecisionWhenNotOverriddenThenRecordGetsTheDecisionsEventOnce() {
    List<AuditEvent> seen = new CopyOnWriteArrayList<>();
    AuditSink sink = seen::add;
    CountingDecision d = new CountingDecision("d-1");

    sink.recordDecision(d);

    assertThat(d.built).hasValue(1);
    assertThat(seen).singleElement().satisfies(e -> assertThat(e).hasToString(d.toAuditEvent().toString()));
  }

  @Test
  void inMemoryWhenDecisionRecordedThenItKeepsTheDecisionsEvent() {
    InMemoryAuditSink sink = AuditSink.inMemory();

    sink.recordDecision(new CountingDecision("d-2"));

    assertThat(sink.events()).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("d-2");
      assertThat(e.type()).isEqualTo(AuditEventType.AUTHORIZATION_DECISION);
    });
  }

  @Test
  void slf4jWhenInfoDisabledThenRecordDecisionFailsWithoutBuildingTheEvent() {
    ((Logger) LoggerFactory.getLogger("test.audit.decision.off")).setLevel(Level.WARN);
    CountingDecision d = new CountingDecision("d-3");

    assertThatThrownBy(() -> AuditSink.slf4j("test.audit.decision.off").recordDecision(d))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("INFO disabled");
    assertThat(d.built).hasValue(0);
  }

  @Test
  void slf4jWhenDecisionRecordedThenTheLineIsTheOneItsEventWouldWrite() {
    Logger logger = (Logger) LoggerFactory.getLogger("test.audit.decision");
    logger.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    AuditSink sink = AuditSink.slf4j("test.audit.decision");
    CountingDecision d = new CountingDecision("d-4");

    sink.recordDecision(d);
    sink.record(d.toAuditEvent());

    assertThat(appender.list).hasSize(2);
    assertThat(appender.list.get(0).getFormattedMessage()).isEqualTo(appender.list.get(1).getFormattedMessage())
        .contains("\"id\":\"d-4\"");
  }

  @Test
  void bufferedWhenDecisionRecordedThenTheDelegateGetsTheDecisionOnTheWriterThread() {
    List<AuditableDecision> decisions = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    BufferedAuditSink buffered = AuditSink.buffered(new AuditSink() {
      @Override
      public void record(AuditEvent event) {
        throw new AssertionError("the decision should reach recordDecision");
      }

      @Override
      public void recordDecision(AuditableDecision decision) {
        threads.add(Thread.currentThread().getName());
        decisions.add(decision);
      }
    }, 10);
    CountingDecision d = new CountingDecision("d-5");

    buffered.recordDecision(d);
    buffered.close();

    assertThat(decisions).containsExactly(d);
    assertThat(threads).containsExactly("algosure-audit-writer");
    assertThat(d.built).hasValue(0);
    assertThat(buffered.written()).isEqualTo(1);
  }

  @Test
  void bufferedWhenDelegateImplementsOnlyRecordThenItGetsTheDecisionsEventAfterEarlierEvents() {
    InMemoryAuditSink target = AuditSink.inMemory();
    BufferedAuditSink buffered = AuditSink.buffered(target::record, 10);
    AuditEvent before = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK").build();

    buffered.record(before);
    buffered.recordDecision(new CountingDecision("d-6"));
    buffered.close();

    assertThat(target.events()).extracting(AuditEvent::id).containsExactly(before.id(), "d-6");
  }

  @Test
  void bufferedWhenQueueFullThenRecordDecisionThrowsNamingTheDecision() {
    CountDownLatch release = new CountDownLatch(1);
    BufferedAuditSink buffered = AuditSink.buffered(AuditSinkTest.blockedUntil(release, e -> { }), 2);
    try {
      assertThatThrownBy(() -> {
        for (int i = 0; i < 10; i++) {
          buffered.recordDecision(new CountingDecision("d-full-" + i));
        }
      }).isInstanceOf(AuditBufferFullException.class).hasMessageContaining("audit buffer is full: decision d-full-");
    } finally {
      release.countDown();
      buffered.close();
    }
    assertThatThrownBy(() -> buffered.recordDecision(new CountingDecision("d-late")))
        .isInstanceOf(AuditBufferFullException.class).hasMessageContaining("closed: decision d-late");
  }

  @Test
  void bufferedWhenDelegateFailsOnADecisionThenItIsCounted() {
    BufferedAuditSink buffered = AuditSink.buffered(new AuditSink() {
      @Override
      public void record(AuditEvent event) {}

      @Override
      public void recordDecision(AuditableDecision decision) {
        throw new IllegalStateException("cannot write");
      }
    }, 10);

    buffered.recordDecision(new CountingDecision("d-7"));
    buffered.close();

    assertThat(buffered.failed()).isEqualTo(1);
    assertThat(buffered.written()).isZero();
  }
}
