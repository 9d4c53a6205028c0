package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BufferedAuditSinkCloseTest {

  /**
   * Regression: close() named the events still queued, but not the one the delegate was writing when its 10 s wait
   * ended; with nothing else queued it logged nothing, and that event was lost without a trace if the process exited.
   */
  @Test
  void closeWhenTheDelegateIsStillWritingAnEventAfterTheWaitThenThatEventIsReported() throws Exception {
    CountDownLatch inDelegate = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      inDelegate.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }, 10);
    Logger logger = (Logger) LoggerFactory.getLogger(BufferedAuditSink.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      AuditEvent inFlight = AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, Instant.parse("2026-11-23T10:00:00Z"))
          .outcome("PERMIT").tenant("acme").build();
      buffered.record(inFlight);
      assertThat(inDelegate.await(10, TimeUnit.SECONDS)).isTrue();

      buffered.close(); // waits its 10 s for the delegate, which is still busy

      assertThat(appender.list).filteredOn(l -> l.getLevel() == Level.ERROR).singleElement()
          .satisfies(l -> assertThat(l.getFormattedMessage()).contains("1 event(s) not written")
              .contains(inFlight.id()).contains("still busy").doesNotContain("acme"));
    } finally {
      release.countDown();
      logger.detachAppender(appender);
    }
  }

  /**
   * Regression: close() on a thread whose interrupt flag was set did not wait for the writer at all: it logged the
   * queued events as not written ("the delegate sink is still busy after 10 s") and returned while they were still
   * being written, so a process exiting then lost them.
   */
  @Test
  void closeWhenTheClosingThreadIsInterruptedThenItStillWaitsForTheQueuedEventsAndKeepsTheFlag() throws Exception {
    java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch firstInDelegate = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BufferedAuditSink buffered = AuditSink.buffered(e -> {
      firstInDelegate.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
      written.incrementAndGet();
    }, 100);
    Logger logger = (Logger) LoggerFactory.getLogger(BufferedAuditSink.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      for (int i = 0; i < 20; i++) {
        buffered.record(AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, Instant.parse("2026-11-23T10:00:00Z"))
            .outcome("PERMIT").build());
      }
      assertThat(firstInDelegate.await(10, TimeUnit.SECONDS)).isTrue();
      new Thread(() -> {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        release.countDown(); // the delegate answers a moment after close() began
      }).start();

      Thread.currentThread().interrupt();
      boolean interrupted;
      try {
        buffered.close();
      } finally {
        interrupted = Thread.interrupted();
      }

      assertThat(interrupted).isTrue();
      assertThat(written).hasValue(20);
      assertThat(appender.list).filteredOn(l -> l.getLevel() == Level.ERROR).isEmpty();
    } finally {
      release.countDown();
      logger.detachAppender(appender);
    }
  }
}
