package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.spi.Consent;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentStatus;
import com.algosure.testing.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcConsentRegistryTest {

  private static Postgres pg;

  private final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  private final JdbcConsentRegistry registry = pg.consents(clock);

  @BeforeAll
  static void schema() {
    pg = Postgres.forClass(JdbcConsentRegistryTest.class);
    JdbcConsentRegistry.builder(pg.pool).schema(pg.schema).build().initialize();
  }

  @AfterAll
  static void drop() {
    pg.close();
  }

  private static ConsentQuery query(String tenant, ConsentScope scope) {
    return new ConsentQuery(TenantId.of(tenant), Optional.empty(), Optional.empty(), scope);
  }

  private Instant inDays(int days) {
    return clock.instant().plus(Duration.ofDays(days));
  }

  @Test
  void checkWhenValidConsentThenGrantedWithItsId() {
    Consent c = registry.grant(TenantId.of("t-valid"), ConsentScope.MAIL, inDays(30));

    assertThat(registry.check(query("t-valid", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id())));
  }

  @Test
  void checkWhenSubjectHoldsACharacterPostgresCannotStoreThenTheTenantsConsentForEverySubjectStillAnswers() {
    // a data subject from a request ("a\u0000b"): PostgreSQL refused the query, and the call failed as if the
    // database were unreachable (CONSENT_UNAVAILABLE), where the in-memory registry answers from the tenant's consent
    Consent c = registry.grant(TenantId.of("t-nul"), ConsentScope.MAIL, inDays(30));
    ConsentQuery query = new ConsentQuery(TenantId.of("t-nul"), Optional.empty(), Optional.of("a\u0000b"), ConsentScope.MAIL);

    assertThat(registry.check(query, clock.instant())).isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id())));
    assertThat(registry.check(new ConsentQuery(TenantId.of("t-none"), Optional.empty(), Optional.of("\ud800"),
        ConsentScope.MAIL), clock.instant())).isEqualTo(ConsentCheck.missing());
  }

  @Test
  void grantWhenTheConsentNeverExpiresThenRecordedUntilTheLastTimePostgresHoldsAndGranted() {
    // Instant.MAX, "until revoked": PostgreSQL's timestamptz ends in the year 294276, and the conversion threw a raw
    // DateTimeException; it is recorded as 9999-12-31T23:59:59.999999Z, as the idempotency store caps its expiry
    Consent c = registry.grant(TenantId.of("t-forever"), ConsentScope.MAIL, java.time.Instant.MAX);

    assertThat(registry.check(query("t-forever", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id())));
    assertThat(registry.list(TenantId.of("t-forever"), ConsentScope.MAIL)).singleElement()
        .satisfies(k -> assertThat(k.expiresAt()).isEqualTo(java.time.Instant.parse("9999-12-31T23:59:59.999999Z")));
    assertThat(registry.check(query("t-forever", ConsentScope.MAIL), java.time.Instant.MAX).status())
        .isEqualTo(ConsentStatus.EXPIRED);
  }

  @Test
  void checkWhenNoConsentThenMissing() {
    assertThat(registry.check(query("t-none", ConsentScope.MAIL), clock.instant())).isEqualTo(ConsentCheck.missing());
  }

  @Test
  void checkWhenOnlyAnotherScopeThenMissing() {
    registry.grant(TenantId.of("t-scope"), ConsentScope.STORAGE, inDays(30));

    assertThat(registry.check(query("t-scope", ConsentScope.MAIL), clock.instant()).status()).isEqualTo(ConsentStatus.MISSING);
  }

  @Test
  void checkWhenOnlyAnotherTenantThenMissing() {
    registry.grant(TenantId.of("t-other"), ConsentScope.MAIL, inDays(30));

    assertThat(registry.check(query("t-mine", ConsentScope.MAIL), clock.instant()).status()).isEqualTo(ConsentStatus.MISSING);
  }

  @Test
  void checkWhenExpiredThenExpiredWithItsId() {
    Consent c = registry.grant(TenantId.of("t-expired"), ConsentScope.MAIL, inDays(1));

    assertThat(registry.check(query("t-expired", ConsentScope.MAIL), inDays(1)))
        .isEqualTo(new ConsentCheck(ConsentStatus.EXPIRED, Optional.of(c.id())));
  }

  @Test
  void checkWhenRevokedThenRevokedOnTheNextCheck() {
    Consent c = registry.grant(TenantId.of("t-revoked"), ConsentScope.MAIL, inDays(30));
    assertThat(registry.check(query("t-revoked", ConsentScope.MAIL), clock.instant()).status()).isEqualTo(ConsentStatus.GRANTED);

    assertThat(registry.revoke(c.id())).isTrue();

    assertThat(registry.check(query("t-revoked", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.REVOKED, Optional.of(c.id())));
    assertThat(registry.find(c.id()).orElseThrow().revokedAt()).contains(clock.instant());
  }

  @Test
  void checkWhenOneRevokedAndAnotherValidThenGranted() {
    Consent old = registry.grant(TenantId.of("t-regranted"), ConsentScope.MAIL, inDays(30));
    registry.revoke(old.id());
    Consent fresh = registry.grant(TenantId.of("t-regranted"), ConsentScope.MAIL, inDays(30));

    assertThat(registry.check(query("t-regranted", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(fresh.id())));
  }

  @Test
  void checkWhenConsentLimitedToOrganizationAndSubjectThenOnlyThoseAreCovered() {
    Consent c = registry.grant(TenantId.of("t-org"), OrganizationId.of("org-1"), "subject-9", ConsentScope.GOVERNMENT_RECORDS,
        inDays(30));

    assertThat(registry.check(new ConsentQuery(TenantId.of("t-org"), Optional.of(OrganizationId.of("org-1")),
        Optional.of("subject-9"), ConsentScope.GOVERNMENT_RECORDS), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id())));
    assertThat(registry.check(new ConsentQuery(TenantId.of("t-org"), Optional.of(OrganizationId.of("org-2")),
        Optional.of("subject-9"), ConsentScope.GOVERNMENT_RECORDS), clock.instant()).status()).isEqualTo(ConsentStatus.MISSING);
    assertThat(registry.check(new ConsentQuery(TenantId.of("t-org"), Optional.of(OrganizationId.of("org-1")),
        Optional.of("subject-8"), ConsentScope.GOVERNMENT_RECORDS), clock.instant()).status()).isEqualTo(ConsentStatus.MISSING);
    assertThat(registry.check(query("t-org", ConsentScope.GOVERNMENT_RECORDS), clock.instant()).status())
        .isEqualTo(ConsentStatus.MISSING);
  }

  @Test
  void revokeWhenUnknownOrAlreadyRevokedThenFalse() {
    Consent c = registry.grant(TenantId.of("t-twice"), ConsentScope.MAIL, inDays(30));
    registry.revoke(c.id());

    assertThat(registry.revoke(c.id())).isFalse();
    assertThat(registry.revoke("consent-unknown")).isFalse();
  }

  @Test
  void revokeAndFindWhenIdCannotBeStoredExactlyThenNoSuchConsentAndAnotherOneUntouched() {
    // PostgreSQL receives an unpaired surrogate as '?': asked for "consent-x\ud800", the registry revoked and found
    // consent "consent-x?", another consent than the one named (no consent can have such an id: grant refuses it)
    Consent other = registry.grant(new Consent("consent-x?", TenantId.of("t-alias"), Optional.empty(), Optional.empty(),
        ConsentScope.MAIL, clock.instant(), inDays(30), Optional.empty()));

    assertThat(registry.revoke("consent-x\ud800")).isFalse();
    assertThat(registry.find("consent-x\ud800")).isEmpty();
    assertThat(registry.revoke("consent-x\u0000")).isFalse();
    assertThat(registry.find("consent-x\u0000")).isEmpty();
    assertThat(registry.find(other.id())).contains(other);
  }

  @Test
  void grantWhenSubjectCannotBeStoredExactlyThenRefusedNamingTheFieldAndNothingRecorded() {
    // a NUL failed the insert as if the database were unreachable; an unpaired surrogate was stored as '?', a consent
    // for another subject ("?b") than the one given
    for (String subject : new String[] {"a\u0000b", "\ud800b"}) {
      Consent c = new Consent("consent-odd-" + (int) subject.charAt(0), TenantId.of("t-odd"), Optional.empty(),
          Optional.of(subject), ConsentScope.MAIL, clock.instant(), inDays(30), Optional.empty());
      assertThatThrownBy(() -> registry.grant(c))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("consent " + c.id() + " not recorded: its subject holds a NUL character or an unpaired surrogate,"
              + " which PostgreSQL text cannot store exactly");
    }
    assertThat(registry.list(TenantId.of("t-odd"))).isEmpty();
  }

  @Test
  void grantWhenIdTakenThenRefusedAndNothingOverwritten() {
    Consent c = registry.grant(TenantId.of("t-dup"), ConsentScope.MAIL, inDays(30));
    Consent again = new Consent(c.id(), TenantId.of("t-dup"), Optional.empty(), Optional.empty(), ConsentScope.STORAGE,
        clock.instant(), inDays(60), Optional.empty());

    assertThatThrownBy(() -> registry.grant(again))
        .isInstanceOfSatisfying(ConsentAlreadyExistsException.class, e -> assertThat(e.consentId()).isEqualTo(c.id()))
        .hasMessage("consent " + c.id() + " is recorded already; consents are never overwritten: revoke it and grant a new one");
    assertThat(registry.find(c.id())).contains(c);
  }

  @Test
  void listWhenQueriedByTenantAndScopeThenOnlyThoseOldestFirst() {
    Consent first = registry.grant(TenantId.of("t-list"), ConsentScope.MAIL, inDays(30));
    clock.advance(Duration.ofMinutes(1));
    Consent storage = registry.grant(TenantId.of("t-list"), ConsentScope.STORAGE, inDays(30));
    clock.advance(Duration.ofMinutes(1));
    Consent second = registry.grant(TenantId.of("t-list"), ConsentScope.MAIL, inDays(30));
    registry.grant(TenantId.of("t-list-other"), ConsentScope.MAIL, inDays(30));

    assertThat(registry.list(TenantId.of("t-list"), ConsentScope.MAIL)).containsExactly(first, second);
    assertThat(registry.list(TenantId.of("t-list"))).containsExactly(first, storage, second);
  }

  @Test
  void checkWhenDatabaseUnreachableThenThrowsForTheGuardToDeny() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    JdbcConsentRegistry unreachable = JdbcConsentRegistry.builder(Postgres.dataSource(Postgres.HOST, port)).build();

    assertThatThrownBy(() -> unreachable.check(query("t-down", ConsentScope.MAIL), clock.instant()))
        .isInstanceOf(JdbcStoreException.class)
        .hasMessage("could not read the consents of tenant 't-down' in schema (search path) (SQL state 08001); check the "
            + "database is reachable and the schema is initialized");
  }

  @Test
  void builderWhenQueryTimeoutBelowOneSecondThenRefused() {
    assertThatThrownBy(() -> JdbcConsentRegistry.builder(pg.pool).queryTimeout(Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queryTimeout must be between 1 second and 5 minutes (JDBC counts whole seconds), was PT0.5S");
  }

  @Test
  void checkWhenARevocationWasStampedByAnInstanceWhoseClockRunsAheadThenRevokedAtTheNextCall() {
    JdbcConsentRegistry ahead = pg.consents(MutableClock.at("2026-11-23T10:00:02Z")); // 2 s ahead of this one
    Consent c = registry.grant(TenantId.of("t-skew"), ConsentScope.MAIL, inDays(30));

    ahead.revoke(c.id());
    clock.advance(Duration.ofMillis(500));

    assertThat(registry.check(query("t-skew", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.REVOKED, Optional.of(c.id())));
  }

  @Test
  void grantWhenTheConsentIsRecordedAsRevokedAndTheDatabaseFailsAfterwardsThenNoValidConsentIsLeft() {
    AtomicInteger connections = new AtomicInteger();
    DataSourceWrapper firstOnly = new DataSourceWrapper(pg.pool) {
      @Override
      public Connection getConnection() throws SQLException {
        if (connections.incrementAndGet() > 1) {
          throw new SQLException("connection refused (simulated)", "08001");
        }
        return super.getConnection();
      }
    };
    Consent revoked = new Consent("c-revoked-import", TenantId.of("t-import"), Optional.empty(), Optional.empty(),
        ConsentScope.MAIL, clock.instant().minusSeconds(3600), inDays(30), Optional.of(clock.instant().minusSeconds(60)));

    JdbcConsentRegistry.builder(firstOnly).schema(pg.schema).clock(clock).build().grant(revoked);

    assertThat(registry.check(query("t-import", ConsentScope.MAIL), clock.instant()).status()).isEqualTo(ConsentStatus.REVOKED);
    assertThat(connections).hasValue(1); // one statement: no moment in which the consent is valid
  }

  @Test
  void grantWhenThePoolDoesNotAutoCommitThenTheConsentIsStillRecorded() {
    JdbcConsentRegistry manual = JdbcConsentRegistry.builder(DataSourceWrapper.notAutoCommitting(pg.pool))
        .schema(pg.schema).clock(clock).build();

    Consent c = manual.grant(TenantId.of("t-manual"), ConsentScope.MAIL, inDays(30));

    assertThat(registry.check(query("t-manual", ConsentScope.MAIL), clock.instant()))
        .isEqualTo(new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id())));
  }

  /** A pool whose connections run {@code level} (HikariCP's {@code transactionIsolation}, or the database's default). */
  private static javax.sql.DataSource isolated(javax.sql.DataSource pool, int level) {
    return new DataSourceWrapper(pool) {
      @Override
      public Connection getConnection() throws SQLException {
        Connection c = super.getConnection();
        c.setTransactionIsolation(level);
        return c;
      }
    };
  }

  /**
   * Runs {@code held} in a transaction of another instance, starts {@code call} and commits once {@code call}'s
   * statement (starting with {@code verb}) waits for that transaction's row.
   */
  private static <T> T whileAnotherInstanceHoldsTheRow(String held, String verb, java.util.concurrent.Callable<T> call)
      throws Exception {
    java.util.concurrent.ExecutorService thread = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<T> waiting;
      try (Connection c = pg.direct.getConnection(); java.sql.Statement s = c.createStatement()) {
        s.execute("SET search_path TO \"" + pg.schema + '"');
        c.setAutoCommit(false);
        s.execute(held);
        waiting = thread.submit(call);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pg.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '"
            + verb + " %" + pg.schema + "%'") == 0) {
          assertThat(System.nanoTime()).as("the registry's statement waits for the row").isLessThan(deadline);
          java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        c.commit();
      }
      return waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      thread.shutdownNow();
    }
  }

  /**
   * Regression: on a REPEATABLE READ pool, two instances revoking one consent at once: the second waited for the
   * first's row and then failed with a serialization failure (40001), thrown as JdbcStoreException, where the
   * contract answers false (revoked already).
   */
  @Test
  void revokeWhenThePoolRunsRepeatableReadAndAnotherInstanceRevokesTheConsentMeanwhileThenFalse() throws Exception {
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 2);
    try {
      JdbcConsentRegistry other = JdbcConsentRegistry.builder(isolated(pool, Connection.TRANSACTION_REPEATABLE_READ))
          .schema(pg.schema).clock(clock).build();
      Consent c = registry.grant(TenantId.of("t-rr-revoke"), ConsentScope.MAIL, inDays(30));

      boolean revoked = whileAnotherInstanceHoldsTheRow("UPDATE algosure_consent SET revoked_at = now() WHERE id = '"
          + c.id() + "' AND revoked_at IS NULL", "UPDATE", () -> other.revoke(c.id()));

      assertThat(revoked).isFalse();
      assertThat(registry.find(c.id()).orElseThrow().revokedAt()).isPresent();
    } finally {
      pool.close();
    }
  }

  /**
   * Grant on a SERIALIZABLE pool while another instance records the same id: PostgreSQL reports the duplicate
   * (23505), not a serialization failure, and it stays ConsentAlreadyExistsException through the retry at READ
   * COMMITTED (not a database failure).
   */
  @Test
  void grantWhenThePoolRunsSerializableAndAnotherInstanceRecordsTheSameIdMeanwhileThenConsentAlreadyExists()
      throws Exception {
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 2);
    try {
      JdbcConsentRegistry other = JdbcConsentRegistry.builder(isolated(pool, Connection.TRANSACTION_SERIALIZABLE))
          .schema(pg.schema).clock(clock).build();
      Consent c = new Consent("c-serializable-twice", TenantId.of("t-ser-grant"), Optional.empty(), Optional.empty(),
          ConsentScope.MAIL, clock.instant(), inDays(30), Optional.empty());

      assertThatThrownBy(() -> whileAnotherInstanceHoldsTheRow("INSERT INTO algosure_consent (id, tenant, scope,"
          + " granted_at, expires_at) VALUES ('c-serializable-twice', 't-ser-grant', 'MAIL', now(), now() + interval"
          + " '1 day')", "INSERT", () -> other.grant(c)))
          .hasCauseInstanceOf(ConsentAlreadyExistsException.class);
    } finally {
      pool.close();
    }
  }
}
