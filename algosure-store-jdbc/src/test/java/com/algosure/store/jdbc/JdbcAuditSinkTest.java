package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcAuditSinkTest {

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcAuditSinkTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  @Test
  void recordWhenAcknowledgedOnCommitThenRowIsCommittedBeforeReturn() throws Exception {
    AuditEvent event = Events.decision("tenant-basic", 7);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.record(event);

      try (Connection c = pg.direct.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT tenant, seq, event_type, occurred_at, outcome, organization, actor_id,"
              + " actor_kind, action, resource, provider, correlation_id, reasons::text, details->>'decisionId',"
              + " octet_length(chain_hash) FROM \"" + pg.schema + "\".algosure_audit_event WHERE event_id = '" + event.id() + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("tenant-basic");
        assertThat(rs.getLong(2)).isEqualTo(1);
        assertThat(rs.getString(3)).isEqualTo("AUTHORIZATION_DECISION");
        assertThat(rs.getObject(4, java.time.OffsetDateTime.class).toInstant())
            .isEqualTo(Instant.parse("2026-11-23T10:15:30.130456Z"));
        assertThat(rs.getString(5)).isEqualTo("PERMIT");
        assertThat(rs.getString(6)).isEqualTo("org-2");
        assertThat(rs.getString(7)).isEqualTo("user-7");
        assertThat(rs.getString(8)).isEqualTo("user");
        assertThat(rs.getString(9)).isEqualTo("invoice.approve");
        assertThat(rs.getString(10)).isEqualTo("invoice/7");
        assertThat(rs.getString(11)).isNull();
        assertThat(rs.getString(12)).isEqualTo("corr-7");
        assertThat(rs.getString(13)).isEqualTo("[\"PERMITTED\"]");
        assertThat(rs.getString(14)).isEqualTo("d-7");
        assertThat(rs.getInt(15)).isEqualTo(32);
      }
    }
  }

  @Test
  void recordWhenEventHasNoTenantThenItJoinsTheNoTenantChain() {
    AuditEvent event = AuditEvent.builder(AuditEventType.CUSTOM, Events.T0).outcome("STARTED").build();
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.record(event);

      AuditChainVerification v = sink.verifyChain(JdbcAuditSink.NO_TENANT);
      assertThat(v.valid()).isTrue();
      assertThat(v.rowsChecked()).isPositive();
    }
  }

  @Test
  void recordWhenSeveralEventsThenSequenceCountsUpPerTenant() {
    try (JdbcAuditSink sink = pg.sink().build()) {
      for (int i = 0; i < 5; i++) {
        sink.record(Events.decision("tenant-seq-a", i));
        sink.record(Events.decision("tenant-seq-b", i));
      }

      assertThat(pg.count("SELECT max(seq) FROM algosure_audit_event WHERE tenant = 'tenant-seq-a'")).isEqualTo(5);
      assertThat(pg.count("SELECT max(seq) FROM algosure_audit_event WHERE tenant = 'tenant-seq-b'")).isEqualTo(5);
      assertThat(sink.chainHead("tenant-seq-a")).hasValueSatisfying(h -> assertThat(h.sequence()).isEqualTo(5));
      assertThat(sink.written()).isEqualTo(10);
    }
  }

  @Test
  void recordWhenDetailHoldsNulCharacterThenRefusedBeforeBatching() {
    AuditEvent event = AuditEvent.builder(AuditEventType.CUSTOM, Events.T0).id("evt-nul").outcome("X")
        .tenant("tenant-nul").detail("note", "a\u0000b").build();
    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThatThrownBy(() -> sink.record(event))
          .isInstanceOf(AuditWriteException.class)
          .hasMessage("audit event evt-nul not recorded: field 'details.note' holds a NUL character or an unpaired "
              + "surrogate, which PostgreSQL text cannot store; remove it before auditing");
      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-nul'")).isZero();
    }
  }

  @Test
  void recordWhenTheTimeIsOutsideTheYears1To9999ThenRefusedAndLaterEventsStillWritten() {
    try (JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).build()) {
      for (String at : new String[] {"+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z"}) {
        AuditEvent bad = AuditEvent.builder(AuditEventType.CUSTOM, Instant.parse(at)).id("evt-far-" + at.charAt(0))
            .outcome("X").tenant("tenant-far").build();

        assertThatThrownBy(() -> sink.record(bad)).isInstanceOf(AuditWriteException.class)
            .hasMessageContaining("is outside the years 1 to 9999");
      }
      sink.record(Events.decision("tenant-far", 1));
      sink.flush();

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-far'")).isEqualTo(1);
      assertThat(sink.pending()).isZero();
    }
  }

  @Test
  void recordWhenTheIdIsLongerThanTheIndexCanHoldThenRefusedAndABatchMateStillWritten() {
    AuditEvent longId = AuditEvent.builder(AuditEventType.CUSTOM, Events.T0).id("e".repeat(20_000)).outcome("X")
        .tenant("tenant-long-id").build();
    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThatThrownBy(() -> sink.record(longId)).isInstanceOf(AuditWriteException.class)
          .hasMessage("audit event (id not shown) not recorded: its id is 20000 characters long, more than the 512 the "
              + "table's index can hold; use a shorter id");
      sink.record(Events.decision("tenant-long-id", 1));

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-long-id'")).isEqualTo(1);
    }
  }

  @Test
  void recordWhenAcknowledgedOnQueueThenFlushCommitsEverything() {
    try (JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).build()) {
      for (int i = 0; i < 300; i++) {
        sink.record(Events.decision("tenant-queue", i));
      }
      sink.flush();

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-queue'")).isEqualTo(300);
      assertThat(sink.pending()).isZero();
    }
  }

  @Test
  void closeWhenEventsQueuedThenWritesThemFirst() {
    JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).flushInterval(java.time.Duration.ofSeconds(5))
        .batchSize(10_000).build();
    for (int i = 0; i < 50; i++) {
      sink.record(Events.decision("tenant-close", i));
    }

    sink.close();

    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-close'")).isEqualTo(50);
  }

  @Test
  void recordWhenClosedThenRefused() {
    JdbcAuditSink sink = pg.sink().build();
    sink.close();
    AuditEvent event = AuditEvent.builder(AuditEventType.CUSTOM, Events.T0).id("evt-late").outcome("X").build();

    assertThatThrownBy(() -> sink.record(event))
        .isInstanceOf(AuditWriteException.class)
        .hasMessage("audit event evt-late not recorded: the JDBC audit sink is closed");
  }

  @Test
  void recordWhenBatchedByTimeThenOneTransactionHoldsTheBatch() {
    try (JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE)
        .flushInterval(java.time.Duration.ofMillis(200)).batchSize(1_000).build()) {
      for (int i = 0; i < 40; i++) {
        sink.record(Events.decision("tenant-linger", i));
      }
      sink.flush();

      // one transaction: every row carries the same transaction timestamp
      assertThat(pg.count("SELECT count(DISTINCT recorded_at) FROM algosure_audit_event WHERE tenant = 'tenant-linger'"))
          .isEqualTo(1);
    }
  }

  @Test
  void initializeWhenRunTwiceThenNothingChanges() {
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.record(Events.decision("tenant-init", 1));
      sink.initialize();

      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE tenant = 'tenant-init'")).isEqualTo(1);
      assertThat(sink.verifyChain("tenant-init").valid()).isTrue();
    }
  }

  @Test
  void schemaScriptIsShippedAtItsVersionedPath() {
    assertThat(SqlSchema.read(JdbcAuditSink.SCHEMA_SCRIPT)).contains("CREATE TABLE IF NOT EXISTS algosure_audit_event");
    assertThat(JdbcAuditSink.class.getClassLoader().getResource("META-INF/algosure/jdbc/V1__audit.sql")).isNotNull();
  }

  @Test
  void updateWhenRowIsAuditedThenAppendOnlyTriggerRefuses() {
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.record(Events.decision("tenant-append", 1));
    }

    assertThatThrownBy(() -> pg.sql("UPDATE algosure_audit_event SET outcome = 'DENY' WHERE tenant = 'tenant-append'"))
        .hasRootCauseMessage("ERROR: algosure_audit_event is append-only: UPDATE refused\n"
            + "  Where: PL/pgSQL function algosure_audit_event_refuse_change() line 3 at RAISE");
    assertThatThrownBy(() -> pg.sql("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-append'"))
        .rootCause().hasMessageContaining("append-only: DELETE refused");
    assertThatThrownBy(() -> pg.sql("TRUNCATE algosure_audit_event"))
        .rootCause().hasMessageContaining("append-only: TRUNCATE refused");
  }

  @Test
  void verifyAllChainsWhenUntouchedThenEveryChainVerifies() {
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.record(Events.decision("tenant-all-1", 1));
      sink.record(Events.decision("tenant-all-2", 1));

      List<AuditChainVerification> all = sink.verifyAllChains();

      assertThat(all).extracting(AuditChainVerification::tenant).contains("tenant-all-1", "tenant-all-2");
      assertThat(all).allMatch(AuditChainVerification::valid);
    }
  }
}
