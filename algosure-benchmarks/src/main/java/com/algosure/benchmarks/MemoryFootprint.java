package com.algosure.benchmarks;

import com.algosure.authz.TenantId;
import com.algosure.benchmarks.guard.GuardWorld;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Measures the retained heap of the integration guard's in-memory stores: used heap after repeated full
 * collections, before and after filling a store that stays reachable. Four measurements:
 *
 * <ol>
 *   <li>1,000,000 idempotency records written through the store's API as the guard writes them (claim, then
 *       complete): a key of tenant + provider + action + a 36-character caller key (a UUID), a 64-character
 *       payload fingerprint, a 33-character owner id, and a completed outcome (one small shared object: the
 *       store's own cost);
 *   <li>the same with 36-character caller keys that are not UUIDs ({@code key-} and 32 hex digits), which the
 *       store keeps as text rather than as 128 bits (for comparison; not a target row);
 *   <li>1,000,000 calls through the real guard ({@link GuardWorld}, no-op provider, UUID keys), so each record
 *       holds what the guard really completes a key with (a {@code StoredOutcome}: the outcome without its
 *       request);
 *   <li>100,000 tenant × provider rate-limit keys (1,000 tenants × 100 providers), one permit taken on each.
 * </ol>
 *
 * <p>Run with a heap of at least 2 GB ({@code java -Xmx2g -cp benchmarks.jar com.algosure.benchmarks.MemoryFootprint}).
 */
public final class MemoryFootprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private MemoryFootprint() {}

  /** @param args none */
  public static void main(String[] args) {
    OUT.printf(Locale.ROOT, "max heap %d MB; JVM %s%n", Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.vm.version"));
    idempotencyStore(1_000_000, 256, true);
    idempotencyStore(1_000_000, 256, false);
    idempotencyThroughGuard(1_000_000, 256);
    rateLimitKeys(1_000, 100, 64);
  }

  private static void idempotencyStore(int records, int targetMb, boolean uuidKeys) {
    Clock clock = Clock.systemUTC();
    long before = usedAfterGc();
    // every record is one tenant's: its bound is the store's, so the store holds them all, as this measures
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, records, records);
    TenantId tenant = TenantId.of("acme");
    ProviderId provider = ProviderId.of("acme-mail");
    Object outcome = new Object();
    Duration ttl = Duration.ofHours(24);
    for (int i = 0; i < records; i++) {
      String callerKey = uuidKeys ? new UUID(0x5eed, i).toString() : String.format(Locale.ROOT, "key-%032x", i);
      IdempotencyKey key = new IdempotencyKey(tenant, provider, "mail:send", callerKey);
      String owner = String.format(Locale.ROOT, "%016x-%016x", 0x8000_0000_0000_0000L | 0x1234, i);
      String fingerprint = String.format(Locale.ROOT, "%064x", i);
      if (!(store.claim(key, fingerprint, owner, ttl) instanceof ClaimResult.Claimed)
          || !store.complete(key, owner, outcome, ttl)) {
        throw new IllegalStateException("record " + i + " was not claimed and completed");
      }
    }
    long after = usedAfterGc();
    report("idempotency store, " + records + " records (claim + complete, shared outcome"
        + (uuidKeys ? ")" : ", 36-character keys that are not UUIDs)"), store.size(), before, after, targetMb);
  }

  private static void idempotencyThroughGuard(int calls, int targetMb) {
    long before = usedAfterGc();
    // every call is one tenant's: its bound is the store's, so the store keeps every call's record
    GuardWorld world = new GuardWorld(IdempotencyStore.inMemory(Clock.systemUTC(), calls, calls));
    IntegrationGuard guard = world.guard();
    for (int i = 0; i < calls; i++) {
      IntegrationOutcome<String> out = guard.execute(world.request(new UUID(0x5eed, i).toString()), world.call());
      if (!(out instanceof IntegrationOutcome.Accepted)) {
        throw new IllegalStateException("call " + i + " was not accepted: " + out);
      }
    }
    long after = usedAfterGc();
    report("idempotency records via IntegrationGuard.execute, " + calls + " calls (whole guard retained)",
        world.idempotencyStore().size(), before, after, targetMb);
  }

  private static void rateLimitKeys(int tenants, int providers, int targetMb) {
    long before = usedAfterGc();
    RateLimitStore store = RateLimitStore.inMemory();
    RateLimit limit = RateLimit.of(100, Duration.ofSeconds(1));
    Instant now = Instant.now();
    for (int p = 0; p < providers; p++) {
      ProviderId provider = ProviderId.of("provider-" + p);
      for (int t = 0; t < tenants; t++) {
        if (!(store.acquire(RateLimitKey.of(provider, TenantId.of("tenant-" + t)), limit, now)
            instanceof RateLimitDecision.Granted)) {
          throw new IllegalStateException("no permit for tenant " + t + " of provider " + p);
        }
      }
    }
    long after = usedAfterGc();
    report("rate-limit store, " + tenants * providers + " tenant x provider keys", tenants * (long) providers, before,
        after, targetMb);
    if (store.toString().isEmpty()) {
      throw new IllegalStateException(); // keeps the store reachable until measured
    }
  }

  private static void report(String what, long held, long before, long after, int targetMb) {
    double mb = (after - before) / (1024.0 * 1024.0);
    OUT.printf(Locale.ROOT, "%s: %.1f MB retained (%d held, %.0f bytes each); target <= %d MB: %s%n", what, mb, held,
        held == 0 ? 0.0 : (after - before) / (double) held, targetMb, mb <= targetMb ? "met" : "MISSED");
  }

  private static long usedAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
