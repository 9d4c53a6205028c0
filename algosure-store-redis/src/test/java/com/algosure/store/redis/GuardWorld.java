package com.algosure.store.redis;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderId;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.TransportPolicy;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/**
 * A service instance of the tests: its own Redis connection, its own Redis stores and its own
 * {@link IntegrationGuard}, calling one mail provider on a loopback WireMock. Several instances on the same
 * key prefix are several processes sharing one Redis. The stores are wrapped in timers, so tests can report
 * how long each store operation took.
 */
final class GuardWorld implements AutoCloseable {

  static final String TENANT = "acme";
  static final String USER = "alice";
  static final String PROVIDER = "acme-mail";
  static final String SEND = "mail:send";

  final RedisStoreConnection redis;
  final IntegrationGuard guard;
  final ConcurrentLinkedQueue<Long> storeNanos;
  /** When each permit was granted, by the Redis clock (epoch ms), across every instance sharing the queue. */
  final ConcurrentLinkedQueue<Long> grants;

  GuardWorld(RedisStoreConnection redis, String providerBaseUrl, Clock clock, ConcurrentLinkedQueue<Long> storeNanos,
      ConcurrentLinkedQueue<Long> grants, UnaryOperator<ProviderPolicy.Builder> provider) {
    this(redis, providerBaseUrl, clock, storeNanos, grants, provider, UnaryOperator.identity());
  }

  GuardWorld(RedisStoreConnection redis, String providerBaseUrl, Clock clock, ConcurrentLinkedQueue<Long> storeNanos,
      ConcurrentLinkedQueue<Long> grants, UnaryOperator<ProviderPolicy.Builder> provider,
      UnaryOperator<RedisIdempotencyStore.Builder> idempotency) {
    this.redis = redis;
    this.storeNanos = storeNanos;
    this.grants = grants;
    RoleCatalog catalog = RoleCatalog.builder()
        .permission(PermissionDefinition.of(SEND).withScope(PermissionScope.TENANT))
        .role("integrator", SEND)
        .build();
    Directory directory = Directory.inMemory().tenantRole(USER, TENANT, "integrator").build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(catalog).directory(directory)
        .auditSink(e -> { }).clock(clock).build();
    ProviderPolicy policy = provider.apply(ProviderPolicy.builder(PROVIDER)
        .endpoint(URI.create(providerBaseUrl + "/v1/"))
        .action(SEND)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(20))).build();
    this.guard = IntegrationGuard.builder()
        .policyDecisionPoint(pdp)
        .provider(policy)
        .clock(clock)
        .auditSink(e -> { })
        .idempotencyStore(new TimedIdempotency(idempotency.apply(RedisIdempotencyStore.builder(redis).clock(clock)).build(),
            storeNanos))
        .rateLimitStore(new TimedRateLimits(RedisRateLimitStore.create(redis, clock), storeNanos, grants))
        .transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .build();
  }

  static IntegrationRequest request(String key) {
    return IntegrationRequest.builder()
        .actor(Actor.user(USER))
        .tenant(TENANT)
        .provider(PROVIDER)
        .action(SEND)
        .idempotencyKey(key)
        .jsonPayload(Map.of("subject", "hello", "key", key))
        .build();
  }

  static ProviderCall<JsonNode> send() {
    return ProviderCall.post("messages", JsonValidator.builder().require("id", JsonType.STRING).safeField("id").build());
  }

  /**
   * The idempotency key the provider receives for the call the current thread is making (the guard forwards the key
   * scoped to tenant, provider and action: {@link IdempotencyKey#providerKey()}), so a granted permit can be matched
   * to the request that arrives with it.
   */
  static final ThreadLocal<String> CURRENT_KEY = new ThreadLocal<>();
  /** When the permit of each call was granted (epoch ms, the Redis clock), by the idempotency key the provider receives. */
  static final java.util.concurrent.ConcurrentHashMap<String, Long> GRANT_BY_KEY = new java.util.concurrent.ConcurrentHashMap<>();

  IntegrationOutcome<JsonNode> execute(String key) {
    CURRENT_KEY.set(new IdempotencyKey(TenantId.of(TENANT), ProviderId.of(PROVIDER), SEND, key).providerKey());
    try {
      return guard.execute(request(key), send());
    } finally {
      CURRENT_KEY.remove();
    }
  }

  static RateLimit perSecond(int n) {
    return RateLimit.of(n, Duration.ofSeconds(1));
  }

  @Override
  public void close() {
    redis.close();
  }

  /** The most entries of the sorted times (ms) that fall into one window {@code [t, t + windowMillis)}. */
  static int busiestWindow(List<Long> sortedMillis, long windowMillis) {
    int worst = 0;
    for (int i = 0, j = 0; i < sortedMillis.size(); i++) {
      while (sortedMillis.get(i) - sortedMillis.get(j) >= windowMillis) {
        j++;
      }
      worst = Math.max(worst, i - j + 1);
    }
    return worst;
  }

  /** The 99th percentile of the recorded durations, in microseconds. */
  static long p99Micros(ConcurrentLinkedQueue<Long> nanos) {
    List<Long> all = new ArrayList<>(nanos);
    all.sort(null);
    return all.isEmpty() ? 0 : all.get((int) Math.ceil(all.size() * 0.99) - 1) / 1_000;
  }

  /** Times every store call; behaves exactly like the store it wraps (exceptions included). */
  record TimedRateLimits(RateLimitStore store, ConcurrentLinkedQueue<Long> nanos, ConcurrentLinkedQueue<Long> grants)
      implements RateLimitStore {
    @Override
    public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
      long t = System.nanoTime();
      try {
        RedisRateLimitStore.Acquired a = ((RedisRateLimitStore) store).acquireTimed(key, limit, now);
        if (a.decision() instanceof RateLimitDecision.Granted) {
          // when Redis granted the permit: the clock the window is measured by
          grants.add(a.at().toEpochMilli());
          String call = CURRENT_KEY.get();
          if (call != null) {
            GRANT_BY_KEY.put(call, a.at().toEpochMilli());
          }
        }
        return a.decision();
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }

    @Override
    public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
      long t = System.nanoTime();
      try {
        return store.pausedUntil(key, now);
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }

    @Override
    public void pause(RateLimitKey key, Instant until) {
      long t = System.nanoTime();
      try {
        store.pause(key, until);
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }
  }

  /** Times every store call except the deliberate wait of awaitCompletion. */
  record TimedIdempotency(IdempotencyStore store, ConcurrentLinkedQueue<Long> nanos) implements IdempotencyStore {
    @Override
    public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
      long t = System.nanoTime();
      try {
        return store.claim(key, fingerprint, owner, ttl);
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }

    @Override
    public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
      long t = System.nanoTime();
      try {
        return store.complete(key, owner, outcome, ttl);
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }

    @Override
    public boolean release(IdempotencyKey key, String owner) {
      long t = System.nanoTime();
      try {
        return store.release(key, owner);
      } finally {
        nanos.add(System.nanoTime() - t);
      }
    }

    @Override
    public Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
      return store.awaitCompletion(key, maxWait);
    }
  }
}
