package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.integration.LogCapture;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.JsonType;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Callbacks as a hostile or flaky provider sends them: raced redeliveries, size and window edges, forged entries. */
class CallbackAttackTest {

  static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final long TS = 1_700_000_000L;
  final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(TS));
  final InMemoryAuditSink audit = AuditSink.inMemory();
  final PayloadValidator<JsonNode> json = JsonValidator.builder().require("n", JsonType.INTEGER).build();

  CallbackGuard guard(int max) {
    return CallbackGuard.builder().clock(clock).auditSink(audit).maxPayloadBytes(max)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(Secret.of(SecretRef.of("wh/acme"), WHSEC)).build()).build())
        .build();
  }

  static CallbackRequest signed(String id, long ts, byte[] body, String sigPrefix) {
    return CallbackRequest.builder("acme-mail").header("webhook-id", id).header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", sigPrefix + WebhookSigning.v1(WHSEC, id, ts, body)).body(body).build();
  }

  @Test
  void handleWhenEightThreadsRaceTheSameDeliveryThenTheHandlerRunsOnce() throws Exception {
    for (int round = 0; round < 30; round++) {
      CallbackGuard g = guard(1024);
      AtomicInteger runs = new AtomicInteger();
      byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
      CyclicBarrier start = new CyclicBarrier(8);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<CallbackOutcome>> outs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int t = i;
        outs.add(pool.submit(() -> {
          start.await();
          return g.handle(signed("msg_race", TS + (t % 3), body, ""), json, c -> {
            runs.incrementAndGet();
            Thread.sleep(5);
          });
        }));
      }
      List<CallbackOutcome> results = new ArrayList<>();
      for (Future<CallbackOutcome> f : outs) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertThat(runs.get()).as("round " + round + " " + results).isEqualTo(1);
      assertThat(results.stream().filter(CallbackOutcome::accepted)).hasSize(1);
    }
  }

  @Test
  void handleWhenARedeliveryArrivesWhileTheHandlerIsSlowThenInProgressAndNotHandled() throws Exception {
    CallbackGuard g = guard(1024);
    byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    CountDownLatch inHandler = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<CallbackOutcome> first = pool.submit(() -> g.handle(signed("msg_slow", TS, body, ""), json, c -> {
      runs.incrementAndGet();
      inHandler.countDown();
      release.await();
    }));
    inHandler.await();
    clock.advance(Duration.ofSeconds(60));
    CallbackOutcome second = g.handle(signed("msg_slow", TS + 60, body, ""), json, c -> runs.incrementAndGet());
    release.countDown();
    CallbackOutcome firstOut = first.get(5, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(firstOut.accepted()).isTrue();
    assertThat(runs.get()).isEqualTo(1);
    assertThat(second.accepted()).isFalse();
    assertThat(second.httpStatus()).isEqualTo(409);
  }

  @Test
  void handleWhenTheHandlerThrowsThenTheRedeliveryIsHandledOnceAndTheNextIsADuplicate() {
    CallbackGuard g = guard(1024);
    byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    CallbackOutcome first = g.handle(signed("msg_t", TS, body, ""), json, c -> {
      throw new IllegalStateException("db down " + WHSEC);
    });
    AtomicInteger runs = new AtomicInteger();
    CallbackOutcome second = g.handle(signed("msg_t", TS + 1, body, ""), json, c -> runs.incrementAndGet());
    CallbackOutcome third = g.handle(signed("msg_t", TS + 2, body, ""), json, c -> runs.incrementAndGet());
    assertThat(first.reason()).isEqualTo(CallbackReason.HANDLER_FAILED);
    assertThat(runs.get()).isEqualTo(1);
    assertThat(second.accepted()).isTrue();
    assertThat(third.reason()).isEqualTo(CallbackReason.DUPLICATE);
  }

  @Test
  void handleWhenTheBodyIsExactlyTheLimitThenAcceptedAndOneByteOverRejected() {
    String prefix = "{\"n\":1,\"pad\":\"";
    String suffix = "\"}";
    int max = 200;
    String at = prefix + "x".repeat(max - prefix.length() - suffix.length()) + suffix;
    String over = prefix + "x".repeat(max - prefix.length() - suffix.length() + 1) + suffix;
    assertThat(at.length()).isEqualTo(max);
    CallbackGuard g = guard(max);
    CallbackOutcome a = g.handle(signed("msg_at", TS, at.getBytes(StandardCharsets.UTF_8), ""), json, c -> { });
    CallbackOutcome o = g.handle(signed("msg_over", TS, over.getBytes(StandardCharsets.UTF_8), ""), json, c -> { });
    assertThat(a.accepted()).isTrue();
    assertThat(o.reason()).isEqualTo(CallbackReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  void handleWhenTheSignedBodyIsEmptyThenInvalidAndNeverHandled() {
    CallbackGuard g = guard(1024);
    AtomicInteger runs = new AtomicInteger();
    CallbackOutcome o = g.handle(signed("msg_empty", TS, new byte[0], ""), json, c -> runs.incrementAndGet());
    assertThat(o.reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(o.accepted()).isFalse();
    assertThat(runs.get()).isZero();
  }

  @Test
  void handleWhenTheTimestampIsExactlyAtTheFutureEdgeThenAcceptedAndOneSecondPastEitherEdgeRejected() {
    CallbackGuard g = guard(1024);
    byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    CallbackOutcome edge = g.handle(signed("msg_fe", TS + 300, body, ""), json, c -> { });
    CallbackOutcome past = g.handle(signed("msg_fp", TS + 301, body, ""), json, c -> { });
    CallbackOutcome old = g.handle(signed("msg_fo", TS - 301, body, ""), json, c -> { });
    assertThat(edge.accepted()).isTrue();
    assertThat(past.reason()).isEqualTo(CallbackReason.TIMESTAMP_IN_FUTURE);
    assertThat(old.reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
  }

  @Test
  void handleWhenADeliveryFromTheFutureEdgeIsReplayedAtThePastEdgeWithTheShortestTtlThenDuplicateAndNotHandledAgain() {
    // the shortest TTL the guard allows: twice the tolerance. The delivery is signed at TS and arrives at TS - 5 min
    // (the future edge, accepted); the same bytes replayed at TS + 5 min are at the past edge, accepted too
    clock.set(Instant.ofEpochSecond(TS).minus(Duration.ofMinutes(5)));
    CallbackGuard g = CallbackGuard.builder().clock(clock).auditSink(audit)
        .tolerance(Duration.ofMinutes(5)).dedupeTtl(Duration.ofMinutes(10))
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(Secret.of(SecretRef.of("wh/acme"), WHSEC)).build()).build())
        .build();
    byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    AtomicInteger runs = new AtomicInteger();
    CallbackOutcome first = g.handle(signed("msg_edge", TS, body, ""), json, c -> runs.incrementAndGet());

    clock.set(Instant.ofEpochSecond(TS).plus(Duration.ofMinutes(5)));
    CallbackOutcome replay = g.handle(signed("msg_edge", TS, body, ""), json, c -> runs.incrementAndGet());

    assertThat(first.accepted()).isTrue();
    assertThat(replay.reason()).as("%s", replay).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void handleWhenAWrongV1EntryPrecedesTheRightOneThenAccepted() {
    CallbackGuard g = guard(1024);
    byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
    CallbackOutcome o = g.handle(signed("msg_multi", TS, body, "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= v2,zz "), json, c -> { });
    assertThat(o.accepted()).isTrue();
  }

  @Test
  void handleWhenDeliveriesFailInEveryWayThenTheWebhookSecretIsInNoLogOrAuditEvent() {
    try (LogCapture logs = new LogCapture()) {
      CallbackGuard g = guard(64);
      byte[] body = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
      List<CallbackReason> reasons = new ArrayList<>();
      reasons.add(g.handle(signed("msg_a", TS, body, "v1," + WHSEC + " "), json, c -> { }).reason());
      reasons.add(g.handle(CallbackRequest.builder("acme-mail").header("webhook-id", "x").header("webhook-timestamp", "1")
          .header("webhook-signature", "v1," + WHSEC).body(body).build(), json, c -> { }).reason());
      reasons.add(g.handle(signed("msg_b", TS, body, ""), json, c -> {
        throw new RuntimeException(WHSEC);
      }).reason());
      reasons.add(g.handle(signed("msg_c", TS, "{\"n\":\"x\"}".getBytes(StandardCharsets.UTF_8), ""), json, c -> { })
          .reason());
      List<String> all = new ArrayList<>(logs.lines());
      for (AuditEvent e : audit.events()) {
        all.add(e.toString());
      }

      // the secret in a signature entry is ignored, the others fail at the signature, the handler and the payload
      assertThat(reasons).containsExactly(CallbackReason.ACCEPTED, CallbackReason.SIGNATURE_INVALID,
          CallbackReason.HANDLER_FAILED, CallbackReason.PAYLOAD_INVALID);
      assertThat(logs.lines()).as("the handler's failure is logged, so the logs were looked at").isNotEmpty();
      assertThat(audit.events()).hasSizeGreaterThanOrEqualTo(4);
      assertThat(all).noneMatch(s -> s.contains(WHSEC.substring(6)));
    }
  }
}
