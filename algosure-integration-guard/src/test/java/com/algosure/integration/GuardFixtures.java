package com.algosure.integration;

import com.algosure.testing.MutableClock;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AgentGrant;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.InMemoryApprovalStore;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.EvidenceStore;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.integration.spi.InMemoryEscalations;
import com.algosure.integration.spi.InMemoryEvidenceStore;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.InMemorySecretStore;
import com.algosure.integration.spi.SecretStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The shared fixtures of the module's tests: a clock, a real policy decision point with a small role
 * catalogue, in-memory SPIs, and a guard wired to a provider on a loopback URL. One place, so every test
 * builds its world the same way.
 */
public final class GuardFixtures {

  public static final String TENANT = "acme";
  public static final String OTHER_TENANT = "globex";
  public static final String USER = "alice";
  /** A person of tenant {@link #TENANT} who approves high-impact actions, and holds no role. */
  public static final String APPROVER = "bob";
  public static final String PROVIDER = "acme-mail";
  public static final String SEND = "mail:send";
  public static final String LOOKUP = "registry:lookup";
  public static final String PAY = "payments:submit";
  /** The value of the provider's API key: it must never appear in a log line, a message or an audit event. */
  public static final String SECRET_VALUE = "sk_live_DO-NOT-LEAK-7f3a9c1e5b";
  public static final String SECRET_REF = "acme-mail/api-key";

  public final MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
  public final InMemoryAuditSink audit = AuditSink.inMemory();
  public final InMemoryConsentRegistry consents = ConsentRegistry.inMemory(clock);
  public final InMemoryIdempotencyStore idempotency = IdempotencyStore.inMemory(clock);
  public final InMemoryEscalations escalations = EscalationHandler.inMemory();
  public final InMemoryEvidenceStore evidence = EvidenceStore.inMemory();
  public final InMemorySecretStore secrets = SecretStore.inMemory().secret(SECRET_REF, SECRET_VALUE).lease(Duration.ofMinutes(5)).build();
  /** The approvals the decision point verifies a high-impact action's approval id against (none unless a test adds). */
  public final InMemoryApprovalStore approvals = ApprovalStore.inMemory();
  public final PolicyDecisionPoint pdp;

  public GuardFixtures() {
    RoleCatalog catalog = RoleCatalog.builder()
        .permission(PermissionDefinition.of(SEND).withScope(PermissionScope.TENANT))
        .permission(PermissionDefinition.of(LOOKUP).withScope(PermissionScope.TENANT))
        .permission(PermissionDefinition.of(PAY).withScope(PermissionScope.TENANT).asHighImpact())
        .role("integrator", SEND, LOOKUP, PAY)
        .privilegedRole("platform-operator", SEND)
        .build();
    Directory directory = Directory.inMemory()
        .tenantRole(USER, TENANT, "integrator")
        .tenantRole(USER, OTHER_TENANT, "integrator")
        .tenantAccess(APPROVER, TENANT) // may approve in the tenant; holds no role
        .build();
    this.pdp = PolicyDecisionPoint.builder().roleCatalog(catalog).directory(directory).approvals(approvals)
        .auditSink(audit).clock(clock).build();
  }

  public static Actor.User user() {
    return Actor.user(USER);
  }

  public static Actor.Agent agent(Instant expiresAt) {
    AgentGrant grant = new AgentGrant("grant-1", "agent-7", USER, "task-1", TenantId.of(TENANT), Optional.<OrganizationId>empty(),
        "integration", Set.of(Permission.of(SEND)), expiresAt);
    return Actor.agent("agent-7", user(), grant);
  }

  /** A provider on a loopback base URL, with the mail and lookup actions, short timeouts and millisecond backoff. */
  public static ProviderPolicy.Builder provider(String baseUrl) {
    return ProviderPolicy.builder(PROVIDER)
        .endpoint(URI.create(baseUrl + "/v1/"))
        .action(SEND, ConsentScope.MAIL)
        .action(LOOKUP)
        .action(PAY)
        .secret(SECRET_REF)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
        .maxRetryDuration(Duration.ofSeconds(15));
  }

  public IntegrationGuard.Builder guard(ProviderPolicy provider) {
    return IntegrationGuard.builder()
        .policyDecisionPoint(pdp)
        .provider(provider)
        .clock(clock)
        .auditSink(audit)
        .consents(consents)
        .secrets(secrets)
        .idempotencyStore(idempotency)
        .escalations(escalations)
        .evidence(evidence)
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp());
  }

  public IntegrationGuard guard(String baseUrl) {
    return guard(provider(baseUrl).build()).build();
  }

  public IntegrationGuard guard(String baseUrl, UnaryOperator<ProviderPolicy.Builder> customize) {
    return guard(customize.apply(provider(baseUrl)).build()).build();
  }

  /** Grants tenant {@link #TENANT} mail consent for a year. */
  public void grantMailConsent() {
    consents.grant(TenantId.of(TENANT), ConsentScope.MAIL, clock.instant().plus(Duration.ofDays(365)));
  }

  public static IntegrationRequest.Builder request(String key) {
    return IntegrationRequest.builder()
        .actor(user())
        .tenant(TENANT)
        .provider(PROVIDER)
        .action(SEND)
        .idempotencyKey(key)
        .correlationId("corr-" + key)
        .jsonPayload(Map.of("to", "bob@example.com", "subject", "hello"));
  }

  /**
   * Throws any throwable without declaring it, as Kotlin code or Lombok's {@code @SneakyThrows} does: host code
   * the guard calls can throw a checked exception its interface does not declare.
   *
   * @return never: declared so that callers can write {@code throw sneakyThrow(e)}
   */
  @SuppressWarnings("unchecked")
  public static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  /** How a test's rate-limit store answers a permit request (see {@link #acquiring}). */
  @FunctionalInterface
  public interface Acquire {
    com.algosure.integration.spi.RateLimitDecision acquire(com.algosure.integration.spi.RateLimitKey key,
        com.algosure.integration.spi.RateLimit limit, Instant now);
  }

  /**
   * @param store the store that keeps the pauses (and that {@code acquire} may ask for permits)
   * @param acquire what a permit request answers
   * @return a rate-limit store whose permits {@code acquire} answers and whose pauses are {@code store}'s
   */
  public static com.algosure.integration.spi.RateLimitStore acquiring(com.algosure.integration.spi.RateLimitStore store,
      Acquire acquire) {
    return new com.algosure.integration.spi.RateLimitStore() {
      @Override
      public com.algosure.integration.spi.RateLimitDecision acquire(com.algosure.integration.spi.RateLimitKey key,
          com.algosure.integration.spi.RateLimit limit, Instant now) {
        return acquire.acquire(key, limit, now);
      }

      @Override
      public Optional<Instant> pausedUntil(com.algosure.integration.spi.RateLimitKey key, Instant now) {
        return store.pausedUntil(key, now);
      }

      @Override
      public void pause(com.algosure.integration.spi.RateLimitKey key, Instant until) {
        store.pause(key, until);
      }
    };
  }

  /** The mail provider's send call: POST messages with the API key as bearer token, a JSON answer with an id. */
  public static ProviderCall<JsonNode> sendCall() {
    return ProviderCall.post("messages",
        (b, ctx) -> b.header("Authorization", "Bearer " + ctx.secret(com.algosure.integration.spi.SecretRef.of(SECRET_REF)).reveal()),
        JsonValidator.builder().require("id", JsonType.STRING).safeField("id").build());
  }
}
