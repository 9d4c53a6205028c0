package com.algosure.store.jdbc;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.OutcomeReason;
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.TransportPolicy;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.Consent;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Four service instances (four {@code IntegrationGuard}s, each with its own connection pool) share one
 * PostgreSQL for consents, idempotency records and the audit trail, and call one provider (WireMock on
 * loopback).
 */
class GuardOverJdbcTest {

  private static final String TENANT = "acme";
  private static final String USER = "alice";
  private static final String SEND = "mail:send";
  private static final String LOOKUP = "registry:lookup";
  private static final String MESSAGES = "/v1/messages";

  private static Postgres pg;
  private static WireMockServer provider;

  private final List<Postgres.Pool> pools = new ArrayList<>();
  private final List<JdbcAuditSink> sinks = new ArrayList<>();

  @BeforeAll
  static void start() {
    pg = Postgres.forClass(GuardOverJdbcTest.class);
    JdbcAuditSink.builder(pg.pool).schema(pg.schema).build().initialize();
    JdbcConsentRegistry.builder(pg.pool).schema(pg.schema).build().initialize();
    pg.idempotency(Clock.systemUTC()).build().initialize();
    provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(120));
    provider.start();
  }

  @AfterAll
  static void stop() {
    provider.stop();
    pg.close();
  }

  @AfterEach
  void closeInstances() {
    sinks.forEach(JdbcAuditSink::close);
    pools.forEach(Postgres.Pool::close);
    provider.resetAll();
  }

  /** One service instance: its own pool, JDBC stores and audit sink, and its own guard. */
  private IntegrationGuard instance(DataSource db) {
    return instance(db, db);
  }

  private IntegrationGuard instance(DataSource db, DataSource auditDb) {
    return instance(db, auditDb, JdbcIdempotencyStore.builder(db).schema(pg.schema).build());
  }

  private IntegrationGuard instance(DataSource db, DataSource auditDb, IdempotencyStore idempotency) {
    JdbcAuditSink audit = JdbcAuditSink.builder(auditDb).schema(pg.schema).build();
    sinks.add(audit);
    RoleCatalog catalog = RoleCatalog.builder()
        .permission(PermissionDefinition.of(SEND).withScope(PermissionScope.TENANT))
        .permission(PermissionDefinition.of(LOOKUP).withScope(PermissionScope.TENANT))
        .role("integrator", SEND, LOOKUP)
        .build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(catalog)
        .directory(Directory.inMemory().tenantRole(USER, TENANT, "integrator").build()).auditSink(audit).build();
    return IntegrationGuard.builder()
        .policyDecisionPoint(pdp)
        .provider(ProviderPolicy.builder("acme-mail").endpoint(URI.create(provider.baseUrl() + "/v1/"))
            .action(SEND, ConsentScope.MAIL).action(LOOKUP).duplicateWait(Duration.ofSeconds(5)).build())
        .auditSink(audit)
        .consents(JdbcConsentRegistry.builder(db).schema(pg.schema).build())
        .idempotencyStore(idempotency)
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .build();
  }

  private IntegrationGuard instance() {
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 8);
    pools.add(pool);
    return instance(pool);
  }

  private static IntegrationRequest request(String action, String key) {
    return IntegrationRequest.builder().actor(Actor.user(USER)).tenant(TENANT).provider("acme-mail").action(action)
        .idempotencyKey(key).jsonPayload(Map.of("subject", "hello", "key", key)).build();
  }

  private static ProviderCall<JsonNode> send() {
    return ProviderCall.post("messages", JsonValidator.builder().require("id", JsonType.STRING).safeField("id").build());
  }

  private static int requestsReceived() {
    return provider.countRequestsMatching(postRequestedFor(urlEqualTo(MESSAGES)).build()).getCount();
  }

  private static Consent grantMail() {
    return pg.consents(Clock.systemUTC()).grant(TenantId.of(TENANT), ConsentScope.MAIL,
        java.time.Instant.now().plus(Duration.ofDays(1)));
  }

  @Test
  void executeWhenFourInstancesAnd400CallersShare50KeysThenExactly50RequestsAndTheAuditChainVerifies() throws Exception {
    grantMail();
    long factsBefore = pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_type = 'ACCEPTED_FACT'");
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-1\"}").withFixedDelay(100)));
    List<IntegrationGuard> guards = List.of(instance(), instance(), instance(), instance());
    ExecutorService pool = Executors.newFixedThreadPool(400);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<IntegrationOutcome<JsonNode>>> calls = new ArrayList<>();
    try {
      for (int caller = 0; caller < 400; caller++) {
        IntegrationGuard guard = guards.get(caller % 4);
        IntegrationRequest request = request(SEND, "jdbc-order-" + (caller % 50));
        calls.add(pool.submit(() -> {
          start.await();
          return guard.execute(request, send());
        }));
      }
      start.countDown();
      Map<IntegrationOutcome.Kind, Integer> kinds = new HashMap<>();
      for (Future<IntegrationOutcome<JsonNode>> f : calls) {
        kinds.merge(f.get(60, TimeUnit.SECONDS).kind(), 1, Integer::sum);
      }

      assertThat(requestsReceived()).isEqualTo(50);
      assertThat(kinds).containsOnlyKeys(IntegrationOutcome.Kind.ACCEPTED, IntegrationOutcome.Kind.DUPLICATE);
      assertThat(kinds.get(IntegrationOutcome.Kind.ACCEPTED)).isEqualTo(50);
    } finally {
      pool.shutdownNow();
    }
    try (JdbcAuditSink verifier = pg.sink().build()) {
      AuditChainVerification chain = verifier.verifyChain(TENANT);
      assertThat(chain.valid()).as("%s", chain.firstBreak()).isTrue();
      assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE event_type = 'ACCEPTED_FACT'"))
          .isEqualTo(factsBefore + 50);
    }
  }

  @Test
  void executeWhenTheFirstClaimExpiresWhileADuplicateWaitsAndAnotherPayloadTakesTheKeyThenTheWaiterIsNotAnsweredWithIt()
      throws Exception {
    grantMail();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-other\"}")));
    IntegrationRequest mine = request(SEND, "jdbc-expired-wait");
    // a first call of this very request holds the key (in flight, on another instance), for 30 s
    JdbcIdempotencyStore direct = pg.idempotency(Clock.systemUTC()).build();
    IdempotencyKey key = new IdempotencyKey(TenantId.of(TENANT), ProviderId.of("acme-mail"), SEND, "jdbc-expired-wait");
    assertThat(direct.claim(key, mine.fingerprint(), "first-instance", Duration.ofSeconds(30)))
        .isInstanceOf(ClaimResult.Claimed.class);
    CountDownLatch waiting = new CountDownLatch(1);
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 4);
    pools.add(pool);
    JdbcIdempotencyStore store = JdbcIdempotencyStore.builder(pool).schema(pg.schema).build();
    IdempotencyStore signalling = new IdempotencyStore() { // the JDBC store, saying when the guard begins to wait
      @Override
      public ClaimResult claim(IdempotencyKey k, String fingerprint, String owner, Duration ttl) {
        return store.claim(k, fingerprint, owner, ttl);
      }

      @Override
      public boolean complete(IdempotencyKey k, String owner, Object outcome, Duration ttl) {
        return store.complete(k, owner, outcome, ttl);
      }

      @Override
      public boolean release(IdempotencyKey k, String owner) {
        return store.release(k, owner);
      }

      @Override
      public java.util.Optional<Object> awaitCompletion(IdempotencyKey k, Duration maxWait) throws InterruptedException {
        waiting.countDown();
        return store.awaitCompletion(k, maxWait);
      }
    };
    IntegrationGuard waiter = instance(pool, pool, signalling);
    // another instance whose clock runs an hour ahead takes the key over as expired, for another payload
    Postgres.Pool aheadPool = new Postgres.Pool(pg.direct, 4);
    pools.add(aheadPool);
    IntegrationGuard ahead = instance(aheadPool, aheadPool, JdbcIdempotencyStore.builder(aheadPool).schema(pg.schema)
        .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))).build());
    IntegrationRequest another = IntegrationRequest.builder().actor(Actor.user(USER)).tenant(TENANT).provider("acme-mail")
        .action(SEND).idempotencyKey("jdbc-expired-wait").jsonPayload(Map.of("subject", "another")).build();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<IntegrationOutcome<JsonNode>> duplicate = thread.submit(() -> waiter.execute(mine, send()));
      assertThat(waiting.await(10, TimeUnit.SECONDS)).as("the duplicate waits for the first call").isTrue();
      assertThat(ahead.execute(another, send()).kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED);

      IntegrationOutcome<JsonNode> out = duplicate.get(30, TimeUnit.SECONDS);

      // the key now holds another request's outcome: this request is told its key was reused, not that it was done
      assertThat(out.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_REUSED);
      assertThat(requestsReceived()).isEqualTo(1);
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void executeWhenConsentRevokedThenDeniedOnTheNextCallAndNothingSent() {
    Consent consent = grantMail();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-2\"}")));
    IntegrationGuard guard = instance();
    assertThat(guard.execute(request(SEND, "revoke-1"), send()).accepted()).isTrue();

    pg.consents(Clock.systemUTC()).revoke(consent.id());

    IntegrationOutcome<JsonNode> out = guard.execute(request(SEND, "revoke-2"), send());
    assertThat(out).isInstanceOfSatisfying(IntegrationOutcome.Denied.class,
        d -> assertThat(d.reason()).isEqualTo(OutcomeReason.CONSENT_REVOKED));
    assertThat(requestsReceived()).isEqualTo(1);
  }

  @Test
  void executeWhenStoreDatabaseDownThenConsentDeniesAndIdempotencyFailsAndNothingIsSent() {
    grantMail();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-3\"}")));
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 8);
    pools.add(pool);
    JdbcAuditSinkFailureTest.Switchable stores = new JdbcAuditSinkFailureTest.Switchable(pool);
    IntegrationGuard guard = instance(stores, pg.pool);
    assertThat(guard.execute(request(SEND, "down-1"), send()).accepted()).isTrue();

    stores.down = true;

    assertThat(guard.execute(request(SEND, "down-2"), send())).isInstanceOfSatisfying(IntegrationOutcome.Denied.class,
        d -> assertThat(d.reason()).isEqualTo(OutcomeReason.CONSENT_UNAVAILABLE));
    assertThat(guard.execute(request(LOOKUP, "down-3"), send())).isInstanceOfSatisfying(IntegrationOutcome.Failed.class,
        f -> assertThat(f.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_UNAVAILABLE));
    assertThat(requestsReceived()).isEqualTo(1);

    stores.down = false;
    assertThat(guard.execute(request(SEND, "down-4"), send()).accepted()).isTrue();
  }

  @Test
  void executeWhenWholeDatabaseDownThenDeniedBecauseNothingCanBeAuditedAndNothingIsSent() {
    grantMail();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-5\"}")));
    Postgres.Pool pool = new Postgres.Pool(pg.direct, 8);
    pools.add(pool);
    JdbcAuditSinkFailureTest.Switchable db = new JdbcAuditSinkFailureTest.Switchable(pool);
    IntegrationGuard guard = instance(db);
    db.down = true;

    IntegrationOutcome<JsonNode> out = guard.execute(request(SEND, "all-down"), send());

    // the decision point cannot audit its permit (fail-closed audit policy), so it denies
    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.DENIED);
    assertThat(out.accepted()).isFalse();
    assertThat(requestsReceived()).isZero();
  }

  @Test
  void auditSinkWhenUsedByPdpAndGuardThenEventsCarryNoPayload() {
    grantMail();
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-4\"}")));
    IntegrationGuard guard = instance();

    assertThat(guard.execute(request(SEND, "payload-check"), send()).accepted()).isTrue();

    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE correlation_id IS NOT NULL OR tenant = 'acme'"))
        .isPositive();
    assertThat(pg.count("SELECT count(*) FROM algosure_audit_event WHERE details::text LIKE '%hello%'"
        + " OR reasons::text LIKE '%hello%'")).isZero();
  }
}
