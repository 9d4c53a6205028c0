package com.algosure.integration.inbound;

import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_BODY;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_ID;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_SECRET;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_TIMESTAMP;
import static com.algosure.integration.inbound.CallbackGuardTest.secret;
import static com.algosure.integration.inbound.CallbackGuardTest.spec;
import static com.algosure.integration.inbound.CallbackGuardTest.standard;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.PayloadValidator;
import com.algosure.testing.Clocks;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Host code (tenant resolver, verifier, validator, handler, audit sink) that fails in any way: with an unchecked
 * exception, a checked one thrown without being declared (as Kotlin code or Lombok's {@code @SneakyThrows} do), or an
 * Error. {@code handle} still answers with an outcome, nothing is handled that should not be, and a delivery that was
 * not handled stays open for the provider's redelivery.
 */
class CallbackHostFailureTest {

  final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
  final InMemoryAuditSink audit = AuditSink.inMemory();
  final List<VerifiedCallback<JsonNode>> handled = new ArrayList<>();
  final CallbackHandler<JsonNode> handler = handled::add;
  final PayloadValidator<JsonNode> json = JsonValidator.builder().require("test", JsonType.INTEGER).build();

  /** Throws {@code t} whatever it is, undeclared, as a Kotlin function or a Lombok {@code @SneakyThrows} method can. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  CallbackGuard guard(AuditSink sink, AuditFailurePolicy policy, CallbackVerifier verifier) {
    return CallbackGuard.builder().clock(clock).auditSink(sink).auditFailurePolicy(policy)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme").verifier(verifier).build())
        .build();
  }

  CallbackGuard guard() {
    return guard(audit, AuditFailurePolicy.FAIL_CLOSED, StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
  }

  /** A dedupe store whose every operation throws {@code t}, as a store with a bug or a broken driver may. */
  static com.algosure.integration.spi.IdempotencyStore throwing(Throwable t) {
    return new com.algosure.integration.spi.IdempotencyStore() {
      @Override
      public com.algosure.integration.spi.ClaimResult claim(com.algosure.integration.spi.IdempotencyKey key,
          String fingerprint, String owner, java.time.Duration ttl) {
        throw sneaky(t);
      }

      @Override
      public boolean complete(com.algosure.integration.spi.IdempotencyKey key, String owner, Object outcome,
          java.time.Duration ttl) {
        throw sneaky(t);
      }

      @Override
      public boolean release(com.algosure.integration.spi.IdempotencyKey key, String owner) {
        throw sneaky(t);
      }

      @Override
      public java.util.Optional<Object> awaitCompletion(com.algosure.integration.spi.IdempotencyKey key,
          java.time.Duration maxWait) {
        throw sneaky(t);
      }
    };
  }

  @Test
  void handleWhenTheDedupeStoreThrowsAnErrorThenRejectedForRedeliveryNotThrownAndNeverHandled() {
    for (Throwable t : new Throwable[] {new AssertionError("store invariant"), new StackOverflowError(), new IOException("socket")}) {
      CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit).dedupeStore(throwing(t))
          .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
              .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
          .build();

      CallbackOutcome out = guard.handle(spec(), json, handler);

      assertThat(out.reason()).as(t.toString()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
      assertThat(out.httpStatus()).isGreaterThanOrEqualTo(500); // the provider redelivers later
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheDedupeClaimTookTheIdButItsReplyWasLostThenTheRedeliveryIsHandledNotHeldInProgress() {
    // the store claimed the id, then its answer never came back (a Redis command timeout, a dropped connection): the
    // callback was refused 503, nothing was handled, so the provider's redelivery must be handled, not answered 409
    // for the claim's whole TTL (at least 24 hours)
    com.algosure.integration.spi.IdempotencyStore real = com.algosure.integration.spi.IdempotencyStore.inMemory(clock);
    AtomicBoolean loseReply = new AtomicBoolean(true);
    com.algosure.integration.spi.IdempotencyStore lossy = new com.algosure.integration.spi.IdempotencyStore() {
      @Override
      public com.algosure.integration.spi.ClaimResult claim(com.algosure.integration.spi.IdempotencyKey key,
          String fingerprint, String owner, java.time.Duration ttl) {
        com.algosure.integration.spi.ClaimResult r = real.claim(key, fingerprint, owner, ttl);
        if (loseReply.getAndSet(false)) {
          throw new IllegalStateException("command timed out");
        }
        return r;
      }

      @Override
      public boolean complete(com.algosure.integration.spi.IdempotencyKey key, String owner, Object outcome,
          java.time.Duration ttl) {
        return real.complete(key, owner, outcome, ttl);
      }

      @Override
      public boolean release(com.algosure.integration.spi.IdempotencyKey key, String owner) {
        return real.release(key, owner);
      }
    };
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit).dedupeStore(lossy)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();

    CallbackOutcome first = guard.handle(spec(), json, handler);
    CallbackOutcome redelivery = guard.handle(spec(), json, handler);

    assertThat(first.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenTheGuardsClockThrowsThenRejectedForRedeliveryNotThrownAndNeverHandled() {
    java.time.Clock failing = Clocks.answering(() -> {
      throw new IllegalStateException("time service unavailable");
    });
    CallbackGuard guard = CallbackGuard.builder().clock(failing).auditSink(audit)
        .dedupeStore(com.algosure.integration.spi.IdempotencyStore.inMemory(clock))
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(out.httpStatus()).isEqualTo(503); // the provider redelivers later
    assertThat(((CallbackOutcome.Rejected) out).message()).doesNotContain("time service unavailable");
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("VERIFICATION_UNAVAILABLE"));
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheValidatorThrowsACheckedExceptionUndeclaredThenRejectedAndTheRedeliveryIsJudgedAfresh() {
    CallbackGuard guard = guard();
    PayloadValidator<JsonNode> failing = payload -> {
      throw sneaky(new IOException("parser failed"));
    };

    CallbackOutcome first = guard.handle(spec(), failing, handler);
    CallbackOutcome redelivery = guard.handle(spec(), json, handler);

    assertThat(first.reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(((CallbackOutcome.Rejected) first).message()).contains("IOException").doesNotContain("parser failed");
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenTheValidatorOverflowsItsStackThenRejectedAsInvalidAndNeverHandled() {
    CallbackOutcome out = guard().handle(spec(), payload -> {
      throw new StackOverflowError();
    }, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheVerifierThrowsACheckedExceptionUndeclaredThenRejectedForRedelivery() {
    CallbackGuard guard = guard(audit, AuditFailurePolicy.FAIL_CLOSED, (request, tenant) -> {
      throw sneaky(new IOException("key service down"));
    });

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(out.httpStatus()).isEqualTo(503);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenAHostVerifierFailsWithAReasonOfASettledDeliveryThenRejectedForRedeliveryNotAnswered2xx() {
    // a verifier's failure named as if the delivery were settled (ACCEPTED, DUPLICATE: 200) told the provider to stop
    // redelivering a callback that was never handled; the others claim a handler ran or is running
    for (CallbackReason settled : List.of(CallbackReason.ACCEPTED, CallbackReason.DUPLICATE,
        CallbackReason.DUPLICATE_IN_PROGRESS, CallbackReason.HANDLER_FAILED, CallbackReason.FACT_NOT_AUDITED)) {
      CallbackGuard guard = guard(audit, AuditFailurePolicy.FAIL_CLOSED,
          (request, tenant) -> Verification.failed(settled, "no signature matches"));

      CallbackOutcome out = guard.handle(spec(), json, handler);

      assertThat(out.reason()).as(settled.name()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
      assertThat(out.httpStatus()).as(settled.name()).isEqualTo(503);
    }
    assertThat(handled).isEmpty();
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).extracting(e -> e.reasons().get(0))
        .containsOnly(CallbackReason.VERIFICATION_UNAVAILABLE.name());
  }

  @Test
  void rejectedWhenTheReasonIsOneOfADeliveryThatWasNotRejectedThenRefused() {
    for (CallbackReason r : List.of(CallbackReason.ACCEPTED, CallbackReason.DUPLICATE,
        CallbackReason.DUPLICATE_IN_PROGRESS, CallbackReason.HANDLER_FAILED)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> new CallbackOutcome.Rejected(com.algosure.integration.ProviderId.of("acme-mail"), r, "x"))
          .as(r.name()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(r.name());
    }
    assertThat(new CallbackOutcome.Rejected(com.algosure.integration.ProviderId.of("acme-mail"),
        CallbackReason.FACT_NOT_AUDITED, "x").httpStatus()).isEqualTo(500);
  }

  /**
   * Regression: a secret the source handed out that is not a usable webhook secret (a rotation that stored a short or
   * mistyped one) failed every callback with 503, and the only log line named an IllegalArgumentException, not which
   * secret or what was wrong with it. The log now says so, by reference, never the value.
   */
  @Test
  void handleWhenTheSecretSourceHandsOutAnUnusableSecretThenTheLogNamesItsReferenceAndWhatIsWrong() {
    String tooShort = "whsec_" + java.util.Base64.getEncoder().encodeToString("short-key".getBytes(StandardCharsets.UTF_8));
    String notBase64 = "whsec_not base64!";
    for (String bad : List.of(tooShort, notBase64)) {
      CallbackGuard guard = guard(audit, AuditFailurePolicy.FAIL_CLOSED, StandardWebhooksVerifier.builder()
          .secretSource(t -> List.of(com.algosure.integration.spi.Secret.of(
              com.algosure.integration.spi.SecretRef.of("webhooks/acme/2026-11"), bad)))
          .build());
      try (com.algosure.integration.LogCapture logs = new com.algosure.integration.LogCapture()) {
        CallbackOutcome out = guard.handle(spec(), json, handler);

        assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
        assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("webhook secret 'webhooks/acme/2026-11'")
            .containsAnyOf("bytes", "base64"));
        assertThat(logs.lines()).noneMatch(l -> l.contains(bad.substring(6)));
      }
    }
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheTenantResolverThrowsACheckedExceptionUndeclaredThenTenantMissing() {
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("acme-mail")
            .tenantFromBody(body -> {
              throw sneaky(new IOException("directory down"));
            })
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build())
            .build())
        .build();

    assertThat(guard.handle(spec(), json, handler).reason()).isEqualTo(CallbackReason.TENANT_MISSING);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheAuditSinkIsDownUnderTheFailClosedPolicyThenNotHandledAndTheRedeliveryIsHandledOnceItIsBack() {
    AtomicBoolean down = new AtomicBoolean(true);
    AuditSink flaky = event -> {
      if (down.get()) {
        throw new IllegalStateException("audit store down");
      }
      audit.record(event);
    };
    CallbackGuard guard = guard(flaky, AuditFailurePolicy.FAIL_CLOSED, StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());

    CallbackOutcome first = guard.handle(spec(), json, handler);
    down.set(false);
    CallbackOutcome redelivery = guard.handle(spec(), json, handler);

    assertThat(first.reason()).isEqualTo(CallbackReason.AUDIT_UNAVAILABLE);
    assertThat(first.httpStatus()).isEqualTo(503);
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).hasSize(1);
  }

  @Test
  void handleWhenTheAuditSinkThrowsACheckedExceptionUndeclaredThenItCountsAsAnAuditFailure() {
    AuditSink sink = event -> {
      throw sneaky(new IOException("disk full"));
    };

    CallbackOutcome out = guard(sink, AuditFailurePolicy.FAIL_CLOSED, StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build())
        .handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.AUDIT_UNAVAILABLE);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheAuditSinkIsDownAndThePolicyIsToLogAndContinueThenHandled() {
    AuditSink down = event -> {
      throw new IllegalStateException("audit store down");
    };

    CallbackOutcome out = guard(down, AuditFailurePolicy.LOG_AND_CONTINUE, StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build())
        .handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenTheHandlerIsInterruptedThenHandlerFailedAndTheThreadKeepsItsInterrupt() {
    CallbackOutcome out;
    boolean interrupted;
    try {
      out = guard().handle(spec(), json, callback -> {
        throw sneaky(new InterruptedException());
      });
    } finally {
      interrupted = Thread.interrupted(); // read and cleared, so no other test runs interrupted
    }

    assertThat(out).isInstanceOf(CallbackOutcome.HandlerFailed.class);
    assertThat(interrupted).isTrue();
  }

  @Test
  void handleWhenTheSignedDeliveryIdIsNotVisibleAsciiThenRejectedAsAnInvalidIdNotAsAMissingSignature() {
    for (String id : List.of("msg_\u00fc1", "msg 1")) {
      String signature = WebhookSigning.v1(SPEC_SECRET, id, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8));

      CallbackOutcome out = guard().handle(standard(id, SPEC_TIMESTAMP, SPEC_BODY, signature), json, handler);

      assertThat(out.reason()).as(id).isEqualTo(CallbackReason.DELIVERY_ID_INVALID);
      assertThat(out.httpStatus()).isEqualTo(400);
    }
    assertThat(handled).isEmpty();
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).extracting(AuditEvent::reasons)
        .containsOnly(List.of("DELIVERY_ID_INVALID"));
  }

  /**
   * Regression: a signed delivery id refused as invalid went into the rejection's audit record whole, whatever it held
   * (a line break, or a NUL that a JDBC audit trail cannot store, so the rejection went unaudited there); it is now
   * recorded cut to 255 characters, with each character that could break a line or hide text replaced.
   */
  @Test
  void handleWhenTheSignedDeliveryIdIsInvalidThenItsRejectionRecordsItCutAndPrintable() {
    String id = "msg_\n" + "x".repeat(100) + "\u0000";
    String signature = WebhookSigning.v1(SPEC_SECRET, id, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8));

    CallbackOutcome out = guard().handle(standard(id, SPEC_TIMESTAMP, SPEC_BODY, signature), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.DELIVERY_ID_INVALID);
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.details().get("deliveryId")).isEqualTo("msg_?" + "x".repeat(100) + "?"));
  }

  @Test
  void handleWhenTheSignedDeliveryIdIsOver255CharactersThenRejectedAsAnInvalidIdNotAsAMissingSignature() {
    String id = "msg_" + "x".repeat(252);
    String signature = WebhookSigning.v1(SPEC_SECRET, id, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8));

    CallbackOutcome out = guard().handle(standard(id, SPEC_TIMESTAMP, SPEC_BODY, signature), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.DELIVERY_ID_INVALID);
    assertThat(out.httpStatus()).isEqualTo(400);
    assertThat(((CallbackOutcome.Rejected) out).message()).contains("256 characters").contains("1 to 255");
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheSpecExampleIsHandledThenItsIdIsNotRejected() {
    // the control for the test above: an ordinary id passes the same path
    assertThat(guard().handle(spec(), json, handler).reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.deliveryId()).isEqualTo(SPEC_ID));
  }
}
