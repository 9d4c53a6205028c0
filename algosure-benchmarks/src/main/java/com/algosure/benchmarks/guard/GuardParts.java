package com.algosure.benchmarks.guard;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditIds;
import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.ProviderId;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.ConsentStatus;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretLease;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.algosure.benchmarks.SteadyStores;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The parts of a guarded call without the guard: what {@code GuardBenchmark.algosureTotal} measures, done by
 * calling the library's parts directly in the guard's order, with none of the guard's own code (no steps, no call
 * state, no error handling, no classification). The same decision point, consent registry, rate-limit store (asked
 * what the guard asks it: the tenant's and the provider-wide pause, then each attempt's permit and the provider-wide
 * pause again), idempotency store, secret store, Failsafe retry + circuit breaker and audit events (the same types,
 * fields and details) as {@link GuardWorld}, the response hashed once as the guard hashes it, and the same request,
 * built by the caller (its fingerprint included); {@code GuardPartsEquivalenceTest} holds it to that. Only the
 * happy path: any other answer throws, which fails the benchmark.
 *
 * <p>What the guard costs beyond this is its orchestration; what this costs is the least the parts cost, so the
 * 1.5 µs target can be held against it. Not thread-safe (one per benchmark thread).
 */
public final class GuardParts {

  private static final Duration CLAIM_TTL = Duration.ofMinutes(5);
  private static final Duration OUTCOME_TTL = Duration.ofHours(24);
  private static final long TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();
  /** The body of {@link GuardWorld#RESPONSE}, hashed without the copy {@code ProviderResponse.body()} makes. */
  private static final byte[] BODY = GuardWorld.RESPONSE.body();

  private final Clock clock = Clock.systemUTC();
  private final TenantId tenant = TenantId.of("acme");
  private final OrganizationId organization = OrganizationId.of("sales");
  private final Actor.User alice = Actor.user("alice");
  private final ResourceRef message = ResourceRef.type("message");
  private final ProviderId provider = ProviderId.of(GuardWorld.PROVIDER);
  private final RateLimitKey rateKey = RateLimitKey.of(provider, tenant);
  /** The provider-wide key: no limit of its own, but a provider's pause, which the guard checks as often. */
  private final RateLimitKey providerKey = RateLimitKey.providerWide(provider);
  private final SecretRef secretRef = SecretRef.of("acme-mail/api-key");
  private final PolicyDecisionPoint pdp;
  private final InMemoryConsentRegistry consents;
  private final RateLimitStore rateLimits;
  private final InMemoryIdempotencyStore idempotency;
  private final SecretStore secrets = SecretStore.inMemory().secret("acme-mail/api-key", "benchmark-only-not-a-secret").build();
  private final Cache<SecretRef, SecretLease> leases = Caffeine.newBuilder().maximumSize(10_000).build();
  private final FailsafeExecutor<ProviderResponse> executor = Failsafe.with(GuardWorld.retry(), GuardWorld.breaker());
  private final AuditSink sink;
  private final MessageDigest sha256;
  private final HexFormat hex = HexFormat.of();
  /** The last answer's hash, taken when it is received, as the guard takes it, and audited with the fact. */
  private String responseSha256 = "";

  /** @return parts whose idempotency store is in a running store's shape, as {@link GuardWorld#steady()}'s */
  public static GuardParts steady() {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return new GuardParts(SteadyStores.grown(IdempotencyStore.inMemory(Clock.systemUTC(), GuardWorld.BENCHMARK_KEYS,
        GuardWorld.BENCHMARK_KEYS),
        GuardWorld.CALLS_PER_WORLD), RateLimitStore.inMemory(), new GuardWorld.DiscardingAuditSink(), sha256);
  }

  /**
   * @param idempotency the idempotency store
   * @param rateLimits the rate-limit store
   * @param sink the audit sink, the decision point's too
   * @param sha256 the response's hash
   */
  GuardParts(InMemoryIdempotencyStore idempotency, RateLimitStore rateLimits, AuditSink sink, MessageDigest sha256) {
    this.idempotency = idempotency;
    this.rateLimits = rateLimits;
    this.sink = sink;
    this.sha256 = sha256;
    this.pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permissions(GuardWorld.ACTION).role("mailer", GuardWorld.ACTION).build())
        .directory(Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales", "mailer").build())
        .auditSink(sink)
        .build();
    this.consents = ConsentRegistry.inMemory(clock);
    consents.grant(tenant, ConsentScope.MAIL, clock.instant().plus(Duration.ofDays(365)));
  }

  /**
   * One guarded call's parts, in the guard's order.
   *
   * @param r the request (built by the caller, as for the guard)
   * @return the validated value
   */
  public Object call(IntegrationRequest r) {
    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(alice).tenant(tenant)
        .organization(organization).action(r.action()).resource(message).build());
    require(d.permitted(), d);
    ConsentCheck consent = consents.check(new ConsentQuery(tenant, Optional.of(organization), Optional.empty(),
        ConsentScope.MAIL), clock.instant());
    require(consent.status() == ConsentStatus.GRANTED, consent);
    Instant start = clock.instant();
    require(rateLimits.pausedUntil(rateKey, start).isEmpty() && rateLimits.pausedUntil(providerKey, start).isEmpty(),
        "paused");
    IdempotencyKey key = new IdempotencyKey(tenant, provider, GuardWorld.ACTION, r.idempotencyKey().orElseThrow());
    String owner = AuditIds.next();
    ClaimResult claim = idempotency.claim(key, r.fingerprint(), owner, CLAIM_TTL);
    require(claim instanceof ClaimResult.Claimed, claim);
    Instant now = clock.instant();
    SecretLease lease = leases.getIfPresent(secretRef);
    if (lease == null || !lease.validAt(now)) {
      lease = secrets.resolve(secretRef, now).orElseThrow();
      leases.put(secretRef, lease);
    }
    sink.record(event(AuditEventType.CREDENTIAL_USE, "USED", now, r)
        .detail("secretRef", secretRef.name()).detail("leaseExpiresAt", lease.expiresAt().toString()).build());
    ProviderResponse response = executor.get(ctx -> attempt(r, ctx.getAttemptCount() + 1));
    sink.record(event(AuditEventType.ACCEPTED_FACT, "ACCEPTED", clock.instant(), r)
        .reasons(java.util.List.of("ACCEPTED"))
        .detail("status", Integer.toString(response.status())).detail("attempts", "1").detail("sha256", responseSha256)
        .detail("consentId", consent.consentId().orElse(null)).detail("decisionId", d.decisionId()).build());
    require(idempotency.complete(key, owner, response, OUTCOME_TTL), "not completed");
    return response;
  }

  private ProviderResponse attempt(IntegrationRequest r, int n) {
    Instant now = clock.instant();
    require(rateLimits.acquire(rateKey, GuardWorld.LIMIT, now) instanceof RateLimitDecision.Granted, "rate limited");
    require(rateLimits.pausedUntil(providerKey, now).isEmpty(), "paused");
    sink.record(event(AuditEventType.INTEGRATION_REQUEST, "SENDING", now, r)
        .detail("attempt", Integer.toString(n)).detail("host", "api.acme-mail.example")
        .detail("fingerprint", r.fingerprint()).detail("bytes", Integer.toString(r.payloadSize())).build());
    long started = System.nanoTime();
    ProviderResponse response = GuardWorld.RESPONSE;
    require(System.nanoTime() - started < TIMEOUT_NANOS, "timed out");
    String sha = hex.formatHex(sha256.digest(BODY));
    responseSha256 = sha;
    sink.record(event(AuditEventType.INTEGRATION_RESPONSE, "RECEIVED", clock.instant(), r)
        .detail("attempt", Integer.toString(n)).detail("status", Integer.toString(response.status()))
        .detail("bytes", Integer.toString(response.bodySize())).detail("sha256", sha).build());
    return response;
  }

  private AuditEvent.Builder event(AuditEventType type, String outcome, Instant at, IntegrationRequest r) {
    return AuditEvent.builder(type, at).outcome(outcome).tenant(tenant.value()).organization(organization.value())
        .actor(alice.id(), "USER").provider(provider.value()).action(GuardWorld.ACTION)
        .correlationId(r.correlationId().orElse(null)).detail("idempotencyKey", r.idempotencyKey().orElse(null));
  }

  private static void require(boolean ok, Object what) {
    if (!ok) {
      throw new IllegalStateException("the parts did not accept the benchmark call: " + what);
    }
  }
}
