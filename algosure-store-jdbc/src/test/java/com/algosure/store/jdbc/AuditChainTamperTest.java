package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the stored trail by someone with the schema owner's rights (who can switch the append-only
 * trigger off): every edit or deletion is found, and verification names the first bad row.
 */
class AuditChainTamperTest {

  private static Postgres pg;

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(AuditChainTamperTest.class);
    try (JdbcAuditSink sink = pg.sink().build()) {
      sink.initialize();
    }
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  /** Writes n events for the tenant and returns their ids in sequence order. */
  private static List<String> write(String tenant, int n) {
    List<String> ids = new ArrayList<>();
    try (JdbcAuditSink sink = pg.sink().acknowledgement(AuditAcknowledgement.ON_QUEUE).build()) {
      for (int i = 0; i < n; i++) {
        var e = Events.decision(tenant, i);
        ids.add(e.id());
        sink.record(e);
      }
      sink.flush();
    }
    return ids;
  }

  private static void asOwner(String sql) {
    pg.sql("BEGIN; ALTER TABLE algosure_audit_event DISABLE TRIGGER USER; " + sql
        + "; ALTER TABLE algosure_audit_event ENABLE TRIGGER USER; COMMIT");
  }

  private static AuditChainVerification verify(String tenant) {
    try (JdbcAuditSink sink = pg.sink().build()) {
      return sink.verifyChain(tenant);
    }
  }

  @Test
  void verifyChainWhenUntouchedThenValidWithHeadAtLastRow() {
    write("tenant-clean", 30);

    AuditChainVerification v = verify("tenant-clean");

    assertThat(v.valid()).isTrue();
    assertThat(v.rowsChecked()).isEqualTo(30);
    assertThat(v.head().sequence()).isEqualTo(30);
    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThat(sink.chainHead("tenant-clean")).contains(v.head());
    }
  }

  @Test
  void verifyChainWhenRowEditedThenNamesThatRow() {
    List<String> ids = write("tenant-edit", 40);
    asOwner("UPDATE algosure_audit_event SET outcome = 'DENY' WHERE tenant = 'tenant-edit' AND seq = 17");

    AuditChainVerification v = verify("tenant-edit");

    assertThat(v.valid()).isFalse();
    assertThat(v.firstBreak()).isEqualTo(new AuditChainBreak("tenant-edit", 17, ids.get(16), AuditChainBreak.Kind.ROW_ALTERED));
    assertThat(v.firstBreak().describe()).isEqualTo("tenant 'tenant-edit', sequence 17, event id " + ids.get(16)
        + ": the row's content or hash was changed after it was written");
    assertThat(v.head().sequence()).isEqualTo(16);
  }

  @Test
  void verifyChainWhenDetailEditedThenNamesThatRow() {
    List<String> ids = write("tenant-detail", 10);
    asOwner("UPDATE algosure_audit_event SET details = jsonb_set(details, '{matchedRole}', '\"admin\"')"
        + " WHERE tenant = 'tenant-detail' AND seq = 4");

    assertThat(verify("tenant-detail").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-detail", 4, ids.get(3), AuditChainBreak.Kind.ROW_ALTERED));
  }

  @Test
  void verifyChainWhenRowEditedAndItsHashRecomputedThenNamesTheNextRow() {
    List<String> ids = write("tenant-rehash", 10);
    // a careful attacker fixes the edited row's own hash, but cannot fix every later one without rewriting the tail
    asOwner("UPDATE algosure_audit_event SET chain_hash = sha256(chain_hash) WHERE tenant = 'tenant-rehash' AND seq = 5");

    AuditChainVerification v = verify("tenant-rehash");

    assertThat(v.firstBreak()).isEqualTo(new AuditChainBreak("tenant-rehash", 5, ids.get(4), AuditChainBreak.Kind.ROW_ALTERED));
  }

  @Test
  void verifyChainWhenRowDeletedThenNamesTheRowAfterTheGap() {
    List<String> ids = write("tenant-delete", 40);
    asOwner("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-delete' AND seq = 23");

    AuditChainVerification v = verify("tenant-delete");

    assertThat(v.firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-delete", 24, ids.get(23), AuditChainBreak.Kind.ROWS_MISSING_BEFORE));
    assertThat(v.head().sequence()).isEqualTo(22);
  }

  @Test
  void verifyChainWhenFirstRowDeletedThenNamesSecondRow() {
    List<String> ids = write("tenant-delete-first", 5);
    asOwner("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-delete-first' AND seq = 1");

    assertThat(verify("tenant-delete-first").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-delete-first", 2, ids.get(1), AuditChainBreak.Kind.ROWS_MISSING_BEFORE));
  }

  @Test
  void verifyChainWhenNewestRowsDeletedThenNamesFirstMissingSequence() {
    write("tenant-tail", 20);
    asOwner("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-tail' AND seq > 18");

    assertThat(verify("tenant-tail").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-tail", 19, null, AuditChainBreak.Kind.ROWS_MISSING_AT_END));
  }

  @Test
  void verifyChainWhenTailAndHeadBothCutBackThenOnlyThePublishedAnchorFindsIt() {
    write("tenant-anchor", 20);
    AuditChainHead anchor;
    try (JdbcAuditSink sink = pg.sink().build()) {
      anchor = sink.chainHead("tenant-anchor").orElseThrow();
    }
    // the attacker removes the last rows and moves the head back to a consistent earlier state
    asOwner("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-anchor' AND seq > 15;"
        + " UPDATE algosure_audit_chain c SET last_seq = 15, last_hash = e.chain_hash FROM algosure_audit_event e"
        + " WHERE c.tenant = 'tenant-anchor' AND e.tenant = c.tenant AND e.seq = 15");

    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThat(sink.verifyChain("tenant-anchor").valid()).isTrue();
      assertThat(sink.verifyChain("tenant-anchor", anchor).firstBreak())
          .isEqualTo(new AuditChainBreak("tenant-anchor", 20, null, AuditChainBreak.Kind.ANCHOR_MISMATCH));
    }
  }

  @Test
  void verifyChainWhenHistoryRewrittenConsistentlyThenAnchorNamesTheRewrittenRow() {
    List<String> ids = write("tenant-rewrite", 10);
    AuditChainHead anchor;
    try (JdbcAuditSink sink = pg.sink().build()) {
      anchor = sink.chainHead("tenant-rewrite").orElseThrow();
    }
    // the attacker throws the whole chain away and writes a fresh, internally consistent one
    asOwner("DELETE FROM algosure_audit_event WHERE tenant = 'tenant-rewrite'; DELETE FROM algosure_audit_chain"
        + " WHERE tenant = 'tenant-rewrite'");
    List<String> forged = write("tenant-rewrite", 12);

    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThat(sink.verifyChain("tenant-rewrite").valid()).isTrue();
      assertThat(sink.verifyChain("tenant-rewrite", anchor).firstBreak())
          .isEqualTo(new AuditChainBreak("tenant-rewrite", 10, forged.get(9), AuditChainBreak.Kind.ANCHOR_MISMATCH));
    }
    assertThat(forged.get(9)).isNotEqualTo(ids.get(9));
  }

  @Test
  void verifyChainWhenHeadRowDeletedThenHeadMismatch() {
    write("tenant-headless", 3);
    pg.sql("DELETE FROM algosure_audit_chain WHERE tenant = 'tenant-headless'");

    assertThat(verify("tenant-headless").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-headless", 3, null, AuditChainBreak.Kind.HEAD_MISMATCH));
  }

  /**
   * Regression: rows appended past the chain head (a writer that inserts rows but leaves the head, as someone with
   * the application's rights can) were reported at the newest row, without its event id, so the rows before it
   * looked vouched for; the break now names the first row the head does not record.
   */
  @Test
  void verifyChainWhenRowsAppendedPastTheHeadThenNamesTheFirstOfThem() {
    List<String> ids = write("tenant-past-head", 7);
    // rows 6 and 7 are chained correctly, but the head still records row 5
    pg.sql("UPDATE algosure_audit_chain c SET last_seq = 5, last_hash = e.chain_hash FROM algosure_audit_event e"
        + " WHERE c.tenant = 'tenant-past-head' AND e.tenant = c.tenant AND e.seq = 5");

    AuditChainVerification v = verify("tenant-past-head");

    assertThat(v.firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-past-head", 6, ids.get(5), AuditChainBreak.Kind.HEAD_MISMATCH));
    assertThat(v.head().sequence()).isEqualTo(5);
  }

  @Test
  void verifyChainWhenRowMovedToAnotherTenantThenBothChainsBreak() {
    List<String> ids = write("tenant-from", 5);
    write("tenant-to", 5);
    asOwner("UPDATE algosure_audit_event SET tenant = 'tenant-to', seq = 6 WHERE tenant = 'tenant-from' AND seq = 5");

    assertThat(verify("tenant-to").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-to", 6, ids.get(4), AuditChainBreak.Kind.ROW_ALTERED));
    assertThat(verify("tenant-from").firstBreak())
        .isEqualTo(new AuditChainBreak("tenant-from", 5, null, AuditChainBreak.Kind.ROWS_MISSING_AT_END));
  }

  @Test
  void verifyChainWhenAnchorOfAnotherTenantThenRefused() {
    AuditChainHead anchor = new AuditChainHead("tenant-x", 1, "0".repeat(64));
    try (JdbcAuditSink sink = pg.sink().build()) {
      assertThatThrownBy(() -> sink.verifyChain("tenant-y", anchor))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("anchor belongs to tenant 'tenant-x', not 'tenant-y'");
    }
  }

  @Test
  void verifyChainWhenTenantHasNoEventsThenValidAndEmpty() {
    AuditChainVerification v = verify("tenant-never");

    assertThat(v.valid()).isTrue();
    assertThat(v.rowsChecked()).isZero();
    assertThat(v.head().sequence()).isZero();
  }
}
