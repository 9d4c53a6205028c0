package com.algosure.benchmarks.callback;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditSink;
import com.algosure.benchmarks.FreshInstances;
import com.algosure.benchmarks.SteadyStores;
import com.algosure.integration.ProviderId;
import com.algosure.integration.Validated;
import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackOutcome;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.CallbackRequest;
import com.algosure.integration.inbound.StandardWebhooksVerifier;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code CallbackGuard.handle} of a Standard Webhooks delivery (HMAC-SHA256, {@code v1}) of 1 KiB or 20 KiB:
 * registration, tenant, signature, timestamp window, dedupe (the default in-memory store), a validator and a
 * handler that do nothing; against the raw check of the same bytes: a reused {@link Mac} over
 * {@code id.timestamp.body} and {@link MessageDigest#isEqual}; and that check plus the SHA-256 of the body
 * ({@link #rawPlusPayloadSha256}), the floor of a dedupe that recognises redeliveries by their payload.
 *
 * <p>Every delivery has a fresh id, so each claims and completes its id (the guard refuses to forget an id
 * within twice the timestamp window, so ids cannot be recycled): the next delivery is signed before each call,
 * outside the timed part ({@link Level#Invocation}, acceptable in sample-time mode for calls of microseconds; the
 * raw check's body bytes are as warm, it reuses them on every call). The per-iteration and per-invocation fixtures
 * are in {@link Ours}, which only {@link #algosure} takes: the raw rows' forks build no guard and sign nothing
 * around their calls, so their times and bytes per operation are the raw check's alone. The default dedupe store
 * holds 200,000 live ids, at most 100,000 of one tenant (the benchmark's deliveries are all acme's),
 * and refuses more rather than forget one, so every {@link #DELIVERIES_PER_GUARD} deliveries the benchmark moves
 * to a fresh guard, built before the iteration, and lets the last one go. Each fresh store has its hash table grown
 * beforehand ({@link SteadyStores}), as a store that has been running has, so the timed deliveries do not pay for
 * growing it. A tear-down check fails the run if any measured delivery was not accepted.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// 1 s iterations unless told otherwise: the instances built for an iteration last about that long
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
public class CallbackBenchmark {

  private static final ProviderId PROVIDER = ProviderId.of("acme-mail");
  private static final Validated<String> VALUE = Validated.of("ok");
  private static final int RAW = 4096;
  /** How many deliveries one guard takes before the benchmark moves to a fresh one. */
  static final int DELIVERIES_PER_GUARD = 25_000;

  /** The payload size, shared by both sides: the same key and body bytes for the same size. */
  @State(Scope.Benchmark)
  public static class Payload {
    /** The payload size in bytes. */
    @Param({"1024", "20480"})
    public int size;

    /** @return the 32-byte signing key (the same on both sides: the first draw of one seeded generator) */
    byte[] key() {
      Random r = new Random(7);
      byte[] key = new byte[32];
      r.nextBytes(key);
      return key;
    }

    /** @return the body of {@link #size} bytes (the same on both sides) */
    byte[] body() {
      Random r = new Random(7);
      r.nextBytes(new byte[32]); // the key's draw
      StringBuilder s = new StringBuilder("{\"type\":\"message.delivered\",\"data\":{\"text\":\"");
      String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ";
      while (s.length() < size - 3) {
        s.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      return s.append("\"}}").toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * The raw check's state: a reused {@link Mac}, {@value #RAW} deliveries signed beforehand. No per-iteration or
   * per-invocation fixture: the raw rows time their call and nothing of ours runs around it.
   */
  @State(Scope.Thread)
  public static class Raw {
    Mac mac;
    MessageDigest sha256;
    byte[][] prefixes;
    byte[][] signatures;
    byte[] body;
    int next;

    /** @param p the payload @throws GeneralSecurityException if HMAC-SHA256 or SHA-256 is missing */
    @Setup(Level.Trial)
    public void setUp(Payload p) throws GeneralSecurityException {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(p.key(), "HmacSHA256"));
      sha256 = MessageDigest.getInstance("SHA-256");
      body = p.body();
      String timestamp = Long.toString(Instant.now().getEpochSecond());
      prefixes = new byte[RAW][];
      signatures = new byte[RAW][];
      for (int i = 0; i < RAW; i++) {
        prefixes[i] = ("msg_raw_" + i + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        mac.update(prefixes[i]);
        signatures[i] = mac.doFinal(body);
      }
      for (int i = 0; i < RAW; i++) {
        if (!check()) {
          throw new IllegalStateException("raw delivery " + i + " was not accepted");
        }
      }
    }

    boolean check() {
      int i = next;
      next = i + 1 == RAW ? 0 : i + 1;
      mac.update(prefixes[i]);
      return MessageDigest.isEqual(mac.doFinal(body), signatures[i]);
    }
  }

  /**
   * Our state: the guards of the current iteration and the next delivery, signed before each call outside the timed
   * part; only {@link #algosure} takes it.
   */
  @State(Scope.Thread)
  public static class Ours {
    /** 40 guards: enough for 1,000,000 deliveries an iteration; at 1 KiB about 250,000 are made. */
    private final FreshInstances<CallbackGuard> guards = new FreshInstances<>(40, DELIVERIES_PER_GUARD);
    /**
     * The system clock, the default a host gets: a fixed clock would spare each delivery its three clock readings
     * (the guard's time, the dedupe store's claim and completion; about 75 ns here) and the guard's {@code Instant}.
     */
    private final Clock clock = Clock.systemUTC();
    private long notAccepted;
    private long measured;
    private String secret;
    private Mac mac;
    private byte[] body;
    private long id;
    private String timestamp;
    CallbackRequest delivery;

    /**
     * Builds a guard and checks it accepts {@value #RAW} deliveries.
     *
     * @param p the payload
     * @throws GeneralSecurityException if HMAC-SHA256 is missing
     */
    @Setup(Level.Trial)
    public void setUp(Payload p) throws GeneralSecurityException {
      byte[] key = p.key();
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      body = p.body();
      secret = "whsec_" + Base64.getEncoder().encodeToString(key);
      timestamp = Long.toString(clock.instant().getEpochSecond());
      CallbackGuard guard = newGuard();
      for (int i = 0; i < RAW; i++) {
        next();
        if (!(guard.handle(delivery, payload -> VALUE, callback -> { }) instanceof CallbackOutcome.Accepted)) {
          throw new IllegalStateException("delivery " + i + " was not accepted");
        }
      }
    }

    private CallbackGuard newGuard() {
      return CallbackGuard.builder()
          .registration(CallbackRegistration.builder("acme-mail")
              .tenant("acme")
              .verifier(StandardWebhooksVerifier.builder().secret(Secret.of(SecretRef.of("acme-mail/webhook"), secret)).build())
              .build())
          .clock(clock)
          // the default store (200,000 keys, 100,000 of one tenant), its table grown as a running store's is
          .dedupeStore(SteadyStores.grown(IdempotencyStore.inMemory(clock), DELIVERIES_PER_GUARD))
          .auditSink(new DiscardingAuditSink())
          .build();
    }

    /**
     * Builds the guards of the next iteration, outside the timed part, each with an empty dedupe store whose table
     * is already grown.
     */
    @Setup(Level.Iteration)
    public void freshGuards() {
      // signed at the iteration's start: within the guard's 5-minute window for however many iterations run
      timestamp = Long.toString(clock.instant().getEpochSecond());
      guards.refill(this::newGuard);
    }

    /** Signs the next delivery, with a fresh id. */
    @Setup(Level.Invocation)
    public void next() {
      String deliveryId = "msg_" + Long.toHexString(0x1000_0000_0000L + id++);
      mac.update((deliveryId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      String signature = Base64.getEncoder().encodeToString(mac.doFinal(body));
      delivery = CallbackRequest.of(PROVIDER, Map.of(
          "webhook-id", List.of(deliveryId),
          "webhook-timestamp", List.of(timestamp),
          "webhook-signature", List.of("v1," + signature)), body);
    }

    /** Fails the run if any measured delivery was not accepted: the benchmark measures the accepted path only. */
    @TearDown(Level.Trial)
    public void checkEveryDeliveryWasAccepted() {
      if (notAccepted > 0) {
        throw new IllegalStateException(notAccepted + " of " + measured + " deliveries were not accepted");
      }
    }
  }

  /** @param s our state @return the guard's outcome */
  @Benchmark
  public CallbackOutcome algosure(Ours s) {
    CallbackOutcome out = s.guards.next().handle(s.delivery, payload -> VALUE, callback -> { });
    s.measured++;
    if (!(out instanceof CallbackOutcome.Accepted)) {
      s.notAccepted++;
    }
    return out;
  }

  /** @param s the raw check's state @return whether the raw HMAC matches */
  @Benchmark
  public boolean raw(Raw s) {
    return s.check();
  }

  /**
   * The raw check plus the SHA-256 of the body (reused digest): not a library a user would pick, but the least
   * any implementation of the guard's dedupe must do on top of the signature. A redelivery is recognised by
   * its payload, and the HMAC cannot stand in for a payload hash: a provider's retry carries a new timestamp
   * (and, after a rotation, another secret), so its HMAC differs. Against this row, {@code algosure} shows the
   * guard's own overhead (registration, dedupe store, audit events, parsing).
   *
   * @param s the raw check's state
   * @param bh takes the payload hash
   * @return whether the raw HMAC matches
   */
  @Benchmark
  public boolean rawPlusPayloadSha256(Raw s, Blackhole bh) {
    boolean ok = s.check();
    bh.consume(s.sha256.digest(s.body));
    return ok;
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
