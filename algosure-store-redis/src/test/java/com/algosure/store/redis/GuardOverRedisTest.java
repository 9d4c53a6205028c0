package com.algosure.store.redis;

import com.algosure.testing.MutableClock;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.OutcomeReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Four service instances (four {@code IntegrationGuard}s, each with its own Redis connection and stores) call
 * one provider (WireMock on loopback) through one shared Redis: exactly-once effects, a limit shared by all
 * instances, pauses seen by all, and fail-closed behaviour when Redis goes away.
 */
class GuardOverRedisTest {

  private static final Logger FIGURES = LoggerFactory.getLogger("com.algosure.store.figures");
  private static final String MESSAGES = "/v1/messages";
  /**
   * How much later than its permit a request may reach the provider on this machine (thread scheduling, the
   * HTTP client, WireMock's queue); windows at the provider are measured this much shorter than the limit's.
   */
  private static final long TRANSIT_ALLOWANCE_MS = 100;

  private static WireMockServer provider;
  private static RedisFixture fixture;

  private final List<GuardWorld> instances = new ArrayList<>();
  private final ConcurrentLinkedQueue<Long> storeNanos = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> grants = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() {
    provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(120)
        .jettyAcceptors(2).asynchronousResponseEnabled(false));
    provider.start();
    fixture = new RedisFixture(GuardOverRedisTest.class);
  }

  @AfterAll
  static void stop() {
    provider.stop();
    fixture.close();
  }

  @AfterEach
  void closeInstances() {
    instances.forEach(GuardWorld::close);
    provider.resetAll();
  }

  private List<GuardWorld> fourInstances(String redisUri, String prefix, Clock clock, UnaryOperator<com.algosure.integration.ProviderPolicy.Builder> policy) {
    for (int i = 0; i < 4; i++) {
      // 400 threads on a 2-core machine starve the client's I/O threads at times: a generous command timeout here,
      // the outage test checks the bound
      RedisStoreConnection redis = RedisStoreConnection.builder(redisUri).keyPrefix(prefix)
          .commandTimeout(Duration.ofSeconds(2)).reconnectDelayMax(Duration.ofMillis(200)).build();
      instances.add(new GuardWorld(redis, provider.baseUrl(), clock, storeNanos, grants, policy));
    }
    return instances;
  }

  private List<GuardWorld> fourInstances(Clock clock, String run, UnaryOperator<com.algosure.integration.ProviderPolicy.Builder> policy) {
    return fourInstances(RedisFixture.URI, fixture.prefix + run + ":", clock, policy);
  }

  private int requestsReceived() {
    return provider.countRequestsMatching(postRequestedFor(urlEqualTo(MESSAGES)).build()).getCount();
  }

  @Test
  void executeWhenFourInstancesAnd400CallersShare50KeysThenProviderReceivesExactly50Requests() throws Exception {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-1\"}").withFixedDelay(200)));
    List<GuardWorld> guards = fourInstances(Clock.systemUTC(), "once", p -> p.duplicateWait(Duration.ofSeconds(5)));
    ExecutorService pool = Executors.newFixedThreadPool(400);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<IntegrationOutcome<JsonNode>>> calls = new ArrayList<>();
    try {
      for (int caller = 0; caller < 400; caller++) {
        GuardWorld instance = guards.get(caller % 4);
        String key = "order-" + (caller % 50);
        calls.add(pool.submit(() -> {
          start.await();
          return instance.execute(key);
        }));
      }
      start.countDown();
      Map<IntegrationOutcome.Kind, Integer> kinds = new HashMap<>();
      for (Future<IntegrationOutcome<JsonNode>> f : calls) {
        kinds.merge(f.get(60, TimeUnit.SECONDS).kind(), 1, Integer::sum);
      }

      assertThat(requestsReceived()).isEqualTo(50);
      Map<String, Long> perKey = provider.getAllServeEvents().stream()
          .collect(Collectors.groupingBy(e -> e.getRequest().getHeader("Idempotency-Key"), Collectors.counting()));
      assertThat(perKey).hasSize(50).allSatisfy((k, n) -> assertThat(n).isEqualTo(1L));
      assertThat(kinds).containsOnlyKeys(IntegrationOutcome.Kind.ACCEPTED, IntegrationOutcome.Kind.DUPLICATE);
      assertThat(kinds.get(IntegrationOutcome.Kind.ACCEPTED)).isEqualTo(50);
      assertThat(kinds.get(IntegrationOutcome.Kind.DUPLICATE)).isEqualTo(350);
    } finally {
      pool.shutdownNow();
    }
    FIGURES.info("Redis stores, exactly-once run: {} store operations, p99 {} us", storeNanos.size(), GuardWorld.p99Micros(storeNanos));
  }

  /** A tenant at its bound in the shared Redis is refused on every instance, as the guard refuses it in memory. */
  @Test
  void executeWhenTheTenantHoldsItsBoundOfRedisIdempotencyKeysThenEveryInstanceFailsItsNewCallsWithTheTenantsReason() {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-1\"}")));
    for (int i = 0; i < 2; i++) {
      RedisStoreConnection redis = RedisStoreConnection.builder(RedisFixture.URI).keyPrefix(fixture.prefix + "tenant-bound:")
          .build();
      instances.add(new GuardWorld(redis, provider.baseUrl(), Clock.systemUTC(), storeNanos, grants, p -> p,
          s -> s.maximumKeysPerTenant(2)));
    }
    GuardWorld one = instances.get(0);
    GuardWorld two = instances.get(1);

    assertThat(one.execute("order-1").kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED);
    assertThat(two.execute("order-2").kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED);
    IntegrationOutcome<JsonNode> third = two.execute("order-3");
    IntegrationOutcome<JsonNode> onTheOther = one.execute("order-4");

    assertThat(third.reason()).as(third.toString()).isEqualTo(OutcomeReason.IDEMPOTENCY_TENANT_LIMIT);
    assertThat(onTheOther.reason()).as(onTheOther.toString()).isEqualTo(OutcomeReason.IDEMPOTENCY_TENANT_LIMIT);
    assertThat(requestsReceived()).as("nothing sent past the bound").isEqualTo(2);
    assertThat(one.execute("order-1").kind()).as("its completed keys still replay").isEqualTo(IntegrationOutcome.Kind.DUPLICATE);
  }

  @Test
  void executeWhenThirtyTwoCallersOnFourInstancesHammerOneKeyThenSharedLimitHoldsInEveryWindowAndStoreStaysFast()
      throws Exception {
    int limit = 20;
    Duration run = Duration.ofSeconds(10);
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-1\"}")));
    List<GuardWorld> guards = fourInstances(Clock.systemUTC(), "limit", p -> p.tenantRateLimit(GuardWorld.perSecond(limit)));
    ExecutorService pool = Executors.newFixedThreadPool(32);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger limited = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    ConcurrentLinkedQueue<Long> baselineNanos = new ConcurrentLinkedQueue<>();
    GuardWorld.GRANT_BY_KEY.clear();
    long end = System.nanoTime() + run.toNanos();
    List<Future<?>> callers = new ArrayList<>();
    try {
      for (int t = 0; t < 32; t++) {
        GuardWorld instance = guards.get(t % 4);
        String caller = "c" + t;
        callers.add(pool.submit(() -> {
          int n = 0;
          while (System.nanoTime() < end) {
            // the baseline: one bare GET on the same connection, at the same moments as the calls
            long b = System.nanoTime();
            instance.redis.get(fixture.prefix + "baseline");
            baselineNanos.add(System.nanoTime() - b);
            IntegrationOutcome<JsonNode> out = instance.execute(caller + "-" + n++);
            if (out instanceof IntegrationOutcome.RateLimited<JsonNode> r) {
              limited.incrementAndGet();
              // a well-behaved caller resubmits at retryAfter, with some jitter so that callers do not stampede;
              // this paces the load generator and is bounded by the run's end
              long wait = Duration.between(Instant.now(), r.retryAfter()).toNanos()
                  + java.util.concurrent.ThreadLocalRandom.current().nextLong(20_000_000);
              LockSupport.parkNanos(Math.max(Math.min(wait, end - System.nanoTime()), 200_000));
            } else if (out.accepted()) {
              accepted.incrementAndGet();
            } else {
              other.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : callers) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<ServeEvent> served = provider.getAllServeEvents();
    List<Long> arrivals = served.stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    List<Long> granted = grants.stream().sorted().toList();
    // every request that reached the provider had a permit of its own; its transit is arrival minus grant
    List<Long> transits = new ArrayList<>();
    for (ServeEvent e : served) {
      Long grant = GuardWorld.GRANT_BY_KEY.get(e.getRequest().getHeader("Idempotency-Key"));
      assertThat(grant).as("permit of the request with key %s", e.getRequest().getHeader("Idempotency-Key")).isNotNull();
      transits.add(e.getRequest().getLoggedDate().getTime() - grant);
    }
    long transitSpread = transits.stream().mapToLong(Long::longValue).max().orElse(0)
        - transits.stream().mapToLong(Long::longValue).min().orElse(0);
    int busiestGrants = GuardWorld.busiestWindow(granted, 1000);
    int busiestArrivals = GuardWorld.busiestWindow(arrivals, 1000);
    long shortened = Math.max(1, 1000 - transitSpread);
    int busiestArrivalsShortened = GuardWorld.busiestWindow(arrivals, shortened);
    long p99 = GuardWorld.p99Micros(storeNanos);
    long baselineP99 = GuardWorld.p99Micros(baselineNanos);
    double seconds = run.toMillis() / 1000.0;
    FIGURES.info("Redis stores, hot key: 32 callers on 4 instances, limit {}/s, {} s: {} accepted, {} rate limited; busiest "
        + "1 s window: {} permits granted, {} requests at the provider (transit spread {} ms; {} in any {} ms window); "
        + "{} store operations = {} ops/s, p99 {} us (bare GET from the same callers: p99 {} us)", limit, seconds,
        accepted.get(), limited.get(), busiestGrants, busiestArrivals, transitSpread, busiestArrivalsShortened, shortened,
        storeNanos.size(), Math.round(storeNanos.size() / seconds), p99, baselineP99);

    assertThat(other.get()).isZero();
    assertThat(arrivals).hasSize(accepted.get());
    assertThat(granted).hasSize(accepted.get());
    // the store's guarantee, by the clock it measures with (Redis's): never more than the limit in any 1 s window
    assertThat(busiestGrants).isLessThanOrEqualTo(limit);
    // at the provider: a window shortened by the measured transit spread sees only permits of one 1 s window
    assertThat(busiestArrivalsShortened).isLessThanOrEqualTo(limit);
    // the limit is used, not starved: at least 80 % of what it allows over the run
    assertThat(accepted.get()).isGreaterThanOrEqualTo((int) (limit * seconds * 0.8));
    // a store operation costs about one round trip: nothing waits on a lock or queues behind other callers
    assertThat(p99).isLessThanOrEqualTo(2 * baselineP99 + 2_000);
  }

  @Test
  void executeWhenProvider429SeenByOneInstanceThenEveryInstanceIsPausedUntilRetryAfter() {
    MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
    provider.stubFor(post(MESSAGES).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")).willSetStateTo("open"));
    provider.stubFor(post(MESSAGES).inScenario("429").whenScenarioStateIs("open").willReturn(okJson("{\"id\":\"m-2\"}")));
    List<GuardWorld> guards = fourInstances(clock, "pause", p -> p);

    IntegrationOutcome<JsonNode> first = guards.get(0).execute("p-1");

    assertThat(first).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class, r -> {
      assertThat(r.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
      assertThat(r.retryAfter()).isEqualTo(clock.instant().plusSeconds(30));
    });
    for (int i = 1; i < 4; i++) {
      IntegrationOutcome<JsonNode> other = guards.get(i).execute("p-" + (i + 1));
      assertThat(other).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class, r -> {
        assertThat(r.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
        assertThat(r.retryAfter()).isEqualTo(clock.instant().plusSeconds(30));
      });
    }
    assertThat(requestsReceived()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));

    assertThat(guards.get(2).execute("p-3").accepted()).isTrue();
    assertThat(requestsReceived()).isEqualTo(2);
  }

  @Test
  void executeWhenRedisKilledMidRunThenCallsFailClosedAndRecoverWhenItIsBack() throws Exception {
    provider.stubFor(post(MESSAGES).willReturn(okJson("{\"id\":\"m-3\"}")));
    try (RedisServerProcess server = RedisServerProcess.start()) {
      List<GuardWorld> guards = fourInstances(server.uri(), "outage:", Clock.systemUTC(),
          p -> p.tenantRateLimit(GuardWorld.perSecond(1_000)));
      for (int i = 0; i < 4; i++) {
        assertThat(guards.get(i).execute("before-" + i).accepted()).isTrue();
      }

      server.kill();

      for (int i = 0; i < 4; i++) {
        long t = System.nanoTime();
        IntegrationOutcome<JsonNode> out = guards.get(i).execute("during-" + i);
        Duration took = Duration.ofNanos(System.nanoTime() - t);
        assertThat(out).isInstanceOfSatisfying(IntegrationOutcome.Failed.class, f ->
            assertThat(f.reason()).isIn(OutcomeReason.RATE_LIMIT_UNAVAILABLE, OutcomeReason.IDEMPOTENCY_UNAVAILABLE));
        assertThat(took).isLessThan(Duration.ofSeconds(2));
      }
      assertThat(requestsReceived()).isEqualTo(4);

      server.startAgain();

      for (int i = 0; i < 4; i++) {
        GuardWorld instance = guards.get(i);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        IntegrationOutcome<JsonNode> out = instance.execute("after-" + i);
        while (!out.accepted() && System.nanoTime() < deadline) {
          assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.FAILED); // never accepted, never sent, while down
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // waiting for the reconnect, not for time
          out = instance.execute("after-" + i);
        }
        assertThat(out.accepted()).as("instance %d recovered", i).isTrue();
      }
      assertThat(requestsReceived()).isEqualTo(8);
    }
  }
}
