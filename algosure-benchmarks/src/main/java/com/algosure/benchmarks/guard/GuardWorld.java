package com.algosure.benchmarks.guard;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditSink;
import com.algosure.benchmarks.SteadyStores;
import com.algosure.authz.Actor;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.ProviderId;
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.Validated;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretStore;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RateLimiter;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.RetryConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * One guarded provider with every SPI in memory: a decision point where alice may {@code mail:send} in
 * acme/sales, an approved MAIL consent for acme, a tenant × provider rate limit too large to run out, an
 * in-memory idempotency store ({@link #BENCHMARK_KEYS} keys, all of them acme's if need be), the provider's API key in an in-memory secret store, and an
 * audit sink that keeps nothing (never inlined, so every event is built). The provider call does nothing:
 * it returns a fixed 200 answer, and its validator a fixed value.
 *
 * <p>The benchmark's guard ({@link #GuardWorld()}) has a store of up to {@link #BENCHMARK_KEYS} keys with the
 * default 24-hour time to live. The store never evicts a live key (it refuses new keys when full), so at the
 * benchmark's hundreds of thousands of calls a second it would fill and its records would pile up for the
 * garbage collector; {@code GuardBenchmark} therefore moves to a fresh world every {@link #CALLS_PER_WORLD}
 * calls.
 *
 * <p>The guard's resilience defaults (3 attempts, backoff 200 ms to 5 s with 25 % jitter, 30 s max,
 * circuit breaker 5 failures of 10 open for 30 s, 10 s attempt timeout) are rebuilt for the bare Failsafe
 * executor and the Resilience4j decoration, with the same rate limit.
 */
public final class GuardWorld {

  /** The provider. */
  public static final String PROVIDER = "acme-mail";
  /** The provider's action. */
  public static final String ACTION = "mail:send";
  /** The fixed answer of the no-op provider call. */
  public static final ProviderResponse RESPONSE =
      ProviderResponse.of(200, Map.of(), "{\"id\":\"m-1\"}".getBytes(StandardCharsets.UTF_8));
  /** The rate limit: permits per second, far more than any benchmark uses. */
  public static final RateLimit LIMIT = RateLimit.of(1_000_000_000L, Duration.ofSeconds(1));

  private static final Validated<String> VALUE = Validated.of("m-1");
  private static final byte[] PAYLOAD = "{\"to\":\"someone@example.com\",\"subject\":\"hello\"}"
      .getBytes(StandardCharsets.UTF_8);

  private final Clock clock = Clock.systemUTC();
  private final Actor.User alice = Actor.user("alice");
  private final IntegrationGuard guard;
  private final ProviderCall<String> call = ProviderCall.of(context -> RESPONSE, payload -> VALUE);

  private final InMemoryIdempotencyStore idempotency;

  /** How many calls the benchmark makes on one world before it moves to a fresh one. */
  public static final int CALLS_PER_WORLD = 25_000;
  /**
   * How many keys the benchmark's store holds at most: room for {@link #CALLS_PER_WORLD} calls twice over. Its
   * calls are one tenant's, so that tenant may hold as many (the tenant's bound is checked on each claim all the same).
   */
  public static final long BENCHMARK_KEYS = 2L * CALLS_PER_WORLD + 10;

  /** Builds the benchmark's guard: at most {@link #BENCHMARK_KEYS} keys, kept the default 24 hours. */
  public GuardWorld() {
    this(IdempotencyStore.inMemory(Clock.systemUTC(), BENCHMARK_KEYS, BENCHMARK_KEYS));
  }

  /**
   * @return the benchmark's guard with its store in a running store's shape: the table grown for
   *     {@link #CALLS_PER_WORLD} keys and empty ({@link SteadyStores})
   */
  public static GuardWorld steady() {
    return new GuardWorld(SteadyStores.grown(IdempotencyStore.inMemory(Clock.systemUTC(), BENCHMARK_KEYS, BENCHMARK_KEYS),
        CALLS_PER_WORLD));
  }

  /** @param idempotency the guard's idempotency store */
  public GuardWorld(InMemoryIdempotencyStore idempotency) {
    this(idempotency, RateLimitStore.inMemory(), new DiscardingAuditSink());
  }

  /**
   * @param idempotency the guard's idempotency store
   * @param rateLimits the guard's rate-limit store
   * @param audit the guard's and its decision point's audit sink
   */
  GuardWorld(InMemoryIdempotencyStore idempotency, RateLimitStore rateLimits, AuditSink audit) {
    this.idempotency = idempotency;
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permissions(ACTION).role("mailer", ACTION).build())
        .directory(Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales", "mailer").build())
        .auditSink(audit)
        .build();
    InMemoryConsentRegistry consents = ConsentRegistry.inMemory(clock);
    consents.grant(TenantId.of("acme"), ConsentScope.MAIL, clock.instant().plus(Duration.ofDays(365)));
    this.guard = IntegrationGuard.builder()
        .policyDecisionPoint(pdp)
        .provider(provider())
        .consents(consents)
        .secrets(SecretStore.inMemory().secret("acme-mail/api-key", "benchmark-only-not-a-secret").build())
        .idempotencyStore(idempotency)
        .rateLimitStore(rateLimits)
        .auditSink(audit)
        .clock(clock)
        .build();
  }

  /** @return the provider's policy: guard defaults, the benchmark's rate limit */
  public static ProviderPolicy provider() {
    return ProviderPolicy.builder(PROVIDER)
        .endpoint(URI.create("https://api.acme-mail.example/v1/"))
        .action(ACTION, ConsentScope.MAIL)
        .secret("acme-mail/api-key")
        .tenantRateLimit(LIMIT)
        .build();
  }

  /** @return the guard */
  public IntegrationGuard guard() {
    return guard;
  }

  /** @return the guard's idempotency store */
  public InMemoryIdempotencyStore idempotencyStore() {
    return idempotency;
  }

  /** @return the no-op provider call */
  public ProviderCall<String> call() {
    return call;
  }

  /**
   * @param idempotencyKey the call's key
   * @return a request of alice to send mail in acme/sales
   */
  public IntegrationRequest request(String idempotencyKey) {
    return IntegrationRequest.builder()
        .actor(alice)
        .tenant("acme")
        .organization("sales")
        .provider(PROVIDER)
        .action(ACTION)
        .resource(ResourceRef.type("message"))
        .payload(PAYLOAD, "application/json")
        .idempotencyKey(idempotencyKey)
        .build();
  }

  /** @return a bare Failsafe executor: the guard's retry and circuit breaker, and a rate limiter of the same limit */
  public static FailsafeExecutor<ProviderResponse> failsafe() {
    return Failsafe.with(retry(), breaker(), RateLimiter.<ProviderResponse>burstyBuilder(LIMIT.permits(), LIMIT.period()).build());
  }

  /**
   * @return the least work any guard's resilience part does by the design, without the guard's own code: the
   *     guard's retry around circuit breaker (a bare Failsafe executor), and in each attempt a permit of the tenant ×
   *     provider limit from an in-memory rate-limit store at the wall-clock time (the design keeps limits per tenant
   *     × provider, and a provider's pause is a wall-clock time) and the attempt measured against its timeout (two
   *     monotonic clock readings). No audit event, no response hash, no classification.
   */
  public static Supplier<ProviderResponse> resilienceFloor() {
    RateLimitStore store = RateLimitStore.inMemory();
    RateLimitKey key = RateLimitKey.of(ProviderId.of(PROVIDER), TenantId.of("acme"));
    Clock clock = Clock.systemUTC();
    long timeoutNanos = Duration.ofSeconds(10).toNanos();
    FailsafeExecutor<ProviderResponse> executor = Failsafe.with(retry(), breaker());
    return () -> executor.get(() -> {
      if (!(store.acquire(key, LIMIT, clock.instant()) instanceof RateLimitDecision.Granted)) {
        throw new IllegalStateException("the floor's rate limit ran out");
      }
      long started = System.nanoTime();
      ProviderResponse r = RESPONSE;
      if (System.nanoTime() - started >= timeoutNanos) {
        throw new IllegalStateException("the floor's attempt timed out");
      }
      return r;
    });
  }

  /** @return {@link #failsafe()} with the guard's per-attempt timeout inside, as the guard nests it */
  public static FailsafeExecutor<ProviderResponse> failsafeWithTimeout() {
    return Failsafe.with(retry(), breaker(), RateLimiter.<ProviderResponse>burstyBuilder(LIMIT.permits(), LIMIT.period()).build(),
        Timeout.<ProviderResponse>builder(Duration.ofSeconds(10)).build());
  }

  static RetryPolicy<ProviderResponse> retry() {
    return RetryPolicy.<ProviderResponse>builder()
        .handleResultIf(r -> r.status() >= 500)
        .withMaxAttempts(3)
        .withMaxDuration(Duration.ofSeconds(30))
        .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(5))
        .withJitter(0.25)
        .build();
  }

  static CircuitBreaker<ProviderResponse> breaker() {
    return CircuitBreaker.<ProviderResponse>builder()
        .handleResultIf(r -> r.status() >= 500)
        .withFailureThreshold(5, 10)
        .withDelay(Duration.ofSeconds(30))
        .build();
  }

  /** @return the Resilience4j decoration: retry around circuit breaker around rate limiter, same settings */
  public static Supplier<ProviderResponse> resilience4j() {
    io.github.resilience4j.retry.Retry retry = io.github.resilience4j.retry.Retry.of("acme-mail", RetryConfig
        .<ProviderResponse>custom()
        .maxAttempts(3)
        .retryOnResult(r -> r.status() >= 500)
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.25, Duration.ofSeconds(5)))
        .build());
    io.github.resilience4j.circuitbreaker.CircuitBreaker breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker
        .of("acme-mail", CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .build());
    io.github.resilience4j.ratelimiter.RateLimiter limiter = io.github.resilience4j.ratelimiter.RateLimiter
        .of("acme-mail", RateLimiterConfig.custom()
            .limitForPeriod((int) Math.min(Integer.MAX_VALUE, LIMIT.permits()))
            .limitRefreshPeriod(LIMIT.period())
            .timeoutDuration(Duration.ZERO)
            .build());
    Supplier<ProviderResponse> call = () -> RESPONSE;
    return io.github.resilience4j.retry.Retry.decorateSupplier(retry,
        io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(breaker,
            io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(limiter, call)));
  }

  /** @return the names of the steps the guard runs, for the report */
  public static List<String> steps() {
    return List.of("tenant", "provider", "authorization (PDP)", "consent", "transport", "rate limit", "idempotency claim",
        "secrets", "resilient execution", "response validation + idempotency completion");
  }

  /** Keeps nothing, never inlined, so the JIT cannot skip building the events. */
  static final class DiscardingAuditSink implements AuditSink {
    @Override
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public void record(AuditEvent event) {
      // intentionally empty
    }
  }
}
