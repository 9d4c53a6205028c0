package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class JdbcAuditSinkBuilderTest {

  private final JdbcAuditSink.Builder builder = JdbcAuditSink.builder(new PGSimpleDataSource());

  @Test
  void buildWhenNothingSetThenSafeDefaults() {
    try (JdbcAuditSink sink = builder.build()) {
      assertThat(sink).hasToString("JdbcAuditSink[schema (search path), ON_COMMIT, batchSize 500, capacity 10000, "
          + "flushInterval PT0S, writeTimeout PT5S, statementTimeout PT5S]");
    }
  }

  @Test
  void buildWhenEverythingSetThenToStringShowsIt() {
    try (JdbcAuditSink sink = builder.schema("audit").acknowledgement(AuditAcknowledgement.ON_QUEUE).batchSize(100)
        .capacity(1_000).flushInterval(Duration.ofMillis(50)).writeTimeout(Duration.ofSeconds(2))
        .statementTimeout(Duration.ofSeconds(1)).build()) {
      assertThat(sink).hasToString("JdbcAuditSink[schema audit, ON_QUEUE, batchSize 100, capacity 1000, "
          + "flushInterval PT0.05S, writeTimeout PT2S, statementTimeout PT1S]");
    }
  }

  /**
   * Regression: acknowledged on commit (the default), a flushInterval as long as the writeTimeout was accepted, and
   * then a lone event waited for its batch to fill longer than its caller waited for it: every event recorded at a
   * low rate timed out and was withdrawn unwritten (a fail-closed host denied everything). build() now refuses it.
   */
  @Test
  void buildWhenAcknowledgedOnCommitAndFlushIntervalNotShorterThanWriteTimeoutThenRefused() {
    builder.flushInterval(Duration.ofSeconds(5));

    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessage("flushInterval PT5S must be shorter than writeTimeout PT5S when events are acknowledged ON_COMMIT: "
            + "an event alone in its batch would wait for more events longer than its caller waits for it, and time "
            + "out unwritten; shorten flushInterval, lengthen writeTimeout, or acknowledge ON_QUEUE");
  }

  @Test
  void buildWhenAcknowledgedOnQueueThenFlushIntervalMayOutlastWriteTimeout() {
    try (JdbcAuditSink sink = builder.acknowledgement(AuditAcknowledgement.ON_QUEUE).flushInterval(Duration.ofSeconds(10))
        .writeTimeout(Duration.ofSeconds(3)).build()) {
      assertThat(sink.toString()).contains("flushInterval PT10S, writeTimeout PT3S");
    }
  }

  @Test
  void builderWhenDataSourceNullThenRefused() {
    assertThatThrownBy(() -> JdbcAuditSink.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("dataSource");
  }

  @Test
  void schemaWhenSetTwiceThenRefused() {
    builder.schema("audit");
    assertThatThrownBy(() -> builder.schema("other")).isInstanceOf(IllegalStateException.class)
        .hasMessage("schema was already set");
  }

  @Test
  void schemaWhenNotAnIdentifierThenRefused() {
    assertThatThrownBy(() -> builder.schema("audit\"; DROP TABLE x; --")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schema must be a lowercase SQL identifier (letters, digits, '_', at most 63, not starting with a "
            + "digit), was 'audit\"; DROP TABLE x; --'");
  }

  @Test
  void batchSizeWhenOutOfRangeThenRefused() {
    assertThatThrownBy(() -> builder.batchSize(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be between 1 and 10000, was 0");
    assertThatThrownBy(() -> builder.batchSize(10_001)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batchSize must be between 1 and 10000, was 10001");
  }

  @Test
  void batchSizeWhenSetTwiceThenRefused() {
    builder.batchSize(10);
    assertThatThrownBy(() -> builder.batchSize(20)).isInstanceOf(IllegalStateException.class)
        .hasMessage("batchSize was already set");
  }

  @Test
  void capacityWhenOutOfRangeThenRefused() {
    assertThatThrownBy(() -> builder.capacity(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be between 1 and 1000000, was 0");
  }

  @Test
  void flushIntervalWhenNegativeOrTooLongThenRefused() {
    assertThatThrownBy(() -> builder.flushInterval(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flushInterval must be between 0 and 10 seconds, was PT-0.001S");
    assertThatThrownBy(() -> builder.flushInterval(Duration.ofSeconds(11))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flushInterval must be between 0 and 10 seconds, was PT11S");
  }

  @Test
  void writeTimeoutWhenZeroThenRefused() {
    assertThatThrownBy(() -> builder.writeTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("writeTimeout must be between 1 ms and 5 minutes, was PT0S");
  }

  @Test
  void statementTimeoutWhenSetTwiceThenRefused() {
    builder.statementTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> builder.statementTimeout(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class)
        .hasMessage("statementTimeout was already set");
  }

  @Test
  void acknowledgementWhenSetTwiceThenRefused() {
    builder.acknowledgement(AuditAcknowledgement.ON_QUEUE);
    assertThatThrownBy(() -> builder.acknowledgement(AuditAcknowledgement.ON_COMMIT)).isInstanceOf(IllegalStateException.class)
        .hasMessage("acknowledgement was already set");
  }

  @Test
  void chainHeadWhenHashNotHexThenRefused() {
    assertThatThrownBy(() -> new AuditChainHead("t", 1, "xyz")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hash must be 64 lowercase hex characters (a SHA-256 digest)");
    assertThatThrownBy(() -> new AuditChainHead("t", -1, "0".repeat(64))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sequence must not be negative, was -1");
  }
}
