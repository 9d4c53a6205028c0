package com.algosure.store.redis;

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
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.TransportPolicy;
import com.algosure.integration.spi.RateLimit;
import com.algosure.store.jdbc.AuditChainVerification;
import com.algosure.store.jdbc.JdbcAuditSink;
import com.algosure.store.jdbc.JdbcConsentRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Mirrors the README section "Many instances: shared state in Redis and PostgreSQL": its snippet as written on the
 * real PostgreSQL (127.0.0.1:5432, database {@code test}) and Redis (127.0.0.1:6379), but for a schema and a key
 * prefix unique to the run (the shared servers serve other test runs; both are removed afterwards) and the
 * provider on loopback http ({@code transportPolicy(httpsOrLoopbackHttp())} added). A call through the guard
 * is accepted, its replay is a duplicate from Redis, and the audit trail in PostgreSQL verifies. Change one,
 * change the other.
 */
class ReadmeManyInstancesTest {

  private final String run = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  private final String schema = "algosure_readme_" + run;
  private final String prefix = "billing-readme-" + run + ":";
  private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
  private final WireMockServer provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

  @AfterEach
  void cleanUp() throws Exception {
    provider.stop();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
    RedisClient admin = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> c = admin.connect()) {
      var keys = c.sync().keys(prefix + "*");
      if (!keys.isEmpty()) {
        c.sync().unlink(keys.toArray(new String[0]));
      }
    } finally {
      admin.shutdown();
    }
  }

  @Test
  void readmeManyInstancesWhenACallIsMadeThenSharedStoresRecordItAndTheChainVerifies() {
    dataSource.setServerNames(new String[] {"127.0.0.1"});
    dataSource.setPortNumbers(new int[] {5432});
    dataSource.setDatabaseName("test");
    dataSource.setUser("postgres");
    provider.start();
    provider.stubFor(post("/v1/messages").willReturn(okJson("{\"id\":\"msg-1\"}")));
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(PermissionDefinition.of("mail:send").withScope(PermissionScope.TENANT))
            .role("mailer", "mail:send").build())
        .directory(Directory.inMemory().tenantRole("alice", "acme", "mailer").build())
        .auditSink(AuditSink.inMemory()) // the SLF4J default refuses to audit where INFO is off, as in these tests
        .build();
    ProviderPolicy policy = ProviderPolicy.builder("acme-mail")
        .endpoint(URI.create("http://127.0.0.1:" + provider.port() + "/v1/"))
        .action("mail:send", ConsentScope.MAIL)
        .tenantRateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
        .build();

    // --- README "Many instances" (a schema and a key prefix of the run's own; loopback http to the provider) ---
    JdbcAuditSink audit = JdbcAuditSink.builder(dataSource).schema(schema).build();
    JdbcConsentRegistry consents = JdbcConsentRegistry.builder(dataSource).schema(schema).build();
    audit.initialize();                       // each store creates only its own tables (a JdbcIdempotencyStore too),
    consents.initialize();                    // or apply classpath:META-INF/algosure/jdbc/V*.sql with your migration tool
    RedisStoreConnection redis = RedisStoreConnection.builder("redis://127.0.0.1:6379").keyPrefix(prefix).build();
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(pdp).provider(policy)
        .auditSink(audit)
        .consents(consents)
        .rateLimitStore(RedisRateLimitStore.create(redis))
        .idempotencyStore(RedisIdempotencyStore.builder(redis).build())   // or JdbcIdempotencyStore
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .build();
    // --- end ---

    try {
      consents.grant(TenantId.of("acme"), ConsentScope.MAIL, Instant.now().plus(Duration.ofDays(1)));
      IntegrationRequest request = IntegrationRequest.builder().actor(Actor.user("alice")).tenant("acme").provider("acme-mail")
          .action("mail:send").idempotencyKey("order-42-mail").jsonPayload(Map.of("to", "bob@example.com")).build();
      ProviderCall<JsonNode> call = ProviderCall.post("messages", JsonValidator.builder().require("id", JsonType.STRING).build());

      IntegrationOutcome<JsonNode> first = guard.execute(request, call);
      IntegrationOutcome<JsonNode> again = guard.execute(request, call);

      assertThat(first).as(first.toString()).isInstanceOf(IntegrationOutcome.Accepted.class);
      assertThat(again).as(again.toString()).isInstanceOf(IntegrationOutcome.Duplicate.class);
      provider.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
      audit.flush();

      // --- README "Many instances" ---
      AuditChainVerification v = audit.verifyChain("acme");   // names the first edited or deleted row
      // --- end ---

      assertThat(v.valid()).as(v.toString()).isTrue();
      assertThat(v.rowsChecked()).isGreaterThanOrEqualTo(3);
    } finally {
      audit.close();
      redis.close();
    }
  }
}
