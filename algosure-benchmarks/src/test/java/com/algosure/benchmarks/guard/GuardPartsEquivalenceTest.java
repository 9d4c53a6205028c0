package com.algosure.benchmarks.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditSink;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code guardParts} is held against {@code algosureTotal} only if it does the work of the guard's parts, no less
 * (which would make the guard's own cost look larger) and no more (smaller): the same questions to the rate-limit
 * store, the same audit events, the response hashed as often.
 */
class GuardPartsEquivalenceTest {

  /** Records what it is asked, in order. */
  static final class RecordingRateLimits implements RateLimitStore {
    private final RateLimitStore store = RateLimitStore.inMemory();
    final List<String> asked = new ArrayList<>();

    @Override
    public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
      asked.add("acquire " + key);
      return store.acquire(key, limit, now);
    }

    @Override
    public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
      asked.add("pausedUntil " + key);
      return store.pausedUntil(key, now);
    }

    @Override
    public void pause(RateLimitKey key, Instant until) {
      asked.add("pause " + key);
      store.pause(key, until);
    }
  }

  /** Keeps each event's type, outcome and detail names. */
  static final class RecordingSink implements AuditSink {
    final List<String> events = new ArrayList<>();

    @Override
    public void record(AuditEvent e) {
      events.add(e.type() + " " + e.outcome() + " " + e.details().keySet().stream().sorted().toList());
    }
  }

  /** SHA-256, counting the digests it completes. */
  static final class CountingSha256 extends MessageDigest {
    private final MessageDigest sha256;
    int digests;

    CountingSha256() throws NoSuchAlgorithmException {
      super("SHA-256");
      sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    protected void engineUpdate(byte input) {
      sha256.update(input);
    }

    @Override
    protected void engineUpdate(byte[] input, int offset, int len) {
      sha256.update(input, offset, len);
    }

    @Override
    protected byte[] engineDigest() {
      digests++;
      return sha256.digest();
    }

    @Override
    protected void engineReset() {
      sha256.reset();
    }
  }

  private static GuardParts parts(RateLimitStore rateLimits, AuditSink sink, MessageDigest sha256) {
    return new GuardParts(IdempotencyStore.inMemory(Clock.systemUTC(), 100), rateLimits, sink, sha256);
  }

  private static GuardWorld world(RateLimitStore rateLimits, AuditSink sink) {
    return new GuardWorld(IdempotencyStore.inMemory(Clock.systemUTC(), 100), rateLimits, sink);
  }

  @Test
  void callWhenAcceptedThenAsksTheRateLimitStoreWhatTheGuardAsks() throws Exception {
    RecordingRateLimits guards = new RecordingRateLimits();
    GuardWorld world = world(guards, new GuardWorld.DiscardingAuditSink());
    assertThat(world.guard().execute(world.request("k-1"), world.call())).isInstanceOf(IntegrationOutcome.Accepted.class);
    RecordingRateLimits parts = new RecordingRateLimits();

    parts(parts, new GuardWorld.DiscardingAuditSink(), new CountingSha256()).call(world.request("k-1"));

    assertThat(parts.asked).isEqualTo(guards.asked);
  }

  @Test
  void callWhenAcceptedThenRecordsTheGuardsAuditEvents() throws Exception {
    RecordingSink guards = new RecordingSink();
    GuardWorld world = world(RateLimitStore.inMemory(), guards);
    assertThat(world.guard().execute(world.request("k-1"), world.call())).isInstanceOf(IntegrationOutcome.Accepted.class);
    RecordingSink parts = new RecordingSink();

    parts(RateLimitStore.inMemory(), parts, new CountingSha256()).call(world.request("k-1"));

    assertThat(parts.events).isEqualTo(guards.events);
  }

  @Test
  void callWhenAcceptedThenHashesTheResponseOnceAsTheGuardDoes() throws Exception {
    // the guard hashes the answer when it receives it and audits the accepted fact with that hash
    CountingSha256 sha256 = new CountingSha256();

    parts(RateLimitStore.inMemory(), new GuardWorld.DiscardingAuditSink(), sha256).call(new GuardWorld().request("k-1"));

    assertThat(sha256.digests).isEqualTo(1);
  }
}
