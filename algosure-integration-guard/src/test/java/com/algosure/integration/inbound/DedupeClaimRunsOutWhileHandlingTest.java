package com.algosure.integration.inbound;

import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_BODY;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_ID;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_SECRET;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_TIMESTAMP;
import static com.algosure.integration.inbound.CallbackGuardTest.secret;
import static com.algosure.integration.inbound.CallbackRedeliveryTest.signed;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.LogCapture;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regression: a delivery's claim holds for the longer of the dedupe TTL and {@link DedupeStep#MIN_CLAIM_TTL}, and a
 * handler has no time limit. When the claim ran out while a slow handler ran, the store refused the completion, the
 * guard only logged a warning and answered ACCEPTED with the delivery id free, so the provider's redelivery was handled
 * a second time: a duplicate effect.
 */
class DedupeClaimRunsOutWhileHandlingTest {

  private final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
  private final InMemoryAuditSink audit = AuditSink.inMemory();
  private final IdempotencyStore memory = IdempotencyStore.inMemory(clock);
  private final PayloadValidator<JsonNode> json = JsonValidator.builder().require("test", JsonType.INTEGER).build();
  private final AtomicInteger handled = new AtomicInteger();

  private CallbackGuard guard(IdempotencyStore store) {
    return CallbackGuard.builder().clock(clock).auditSink(audit).dedupeStore(store)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();
  }

  /** The handler's slow work: the claim (the default dedupe TTL here) runs out before it returns. */
  private void claimRunsOut() {
    clock.advance(DedupeStep.DEFAULT_TTL.plusMinutes(1));
  }

  /** @return the provider's redelivery of the spec delivery, signed at the clock's time */
  private CallbackRequest redelivery() {
    return signed(SPEC_SECRET, SPEC_ID, clock.instant().getEpochSecond(), SPEC_BODY);
  }

  @Test
  void handleWhenTheClaimRunsOutWhileTheHandlerRunsThenTheIdIsTakenAgainAndARedeliveryIsADuplicate() {
    CallbackGuard guard = guard(memory);

    CallbackOutcome first = guard.handle(redelivery(), json, cb -> {
      handled.incrementAndGet();
      claimRunsOut();
    });
    CallbackOutcome again = guard.handle(redelivery(), json, cb -> handled.incrementAndGet());

    assertThat(first.accepted()).as("%s", first).isTrue();
    assertThat(again.reason()).as("%s", again).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled.get()).as("handled once, never again for the same delivery").isEqualTo(1);
  }

  @Test
  void handleWhenTheClaimRunsOutAndARedeliveryIsHandledMeanwhileThenNotRecordedAnswered200AndAudited() {
    CallbackGuard guard = guard(memory);
    CallbackOutcome[] beside = new CallbackOutcome[1];

    CallbackOutcome first = guard.handle(redelivery(), json, cb -> {
      handled.incrementAndGet();
      claimRunsOut();
      // the provider's redelivery arrives once the claim ran out, and is handled beside this one
      beside[0] = guard.handle(redelivery(), json, again -> handled.incrementAndGet());
    });
    CallbackOutcome later = guard.handle(redelivery(), json, cb -> handled.incrementAndGet());

    assertThat(beside[0].accepted()).isTrue();
    assertThat(first.accepted()).as("%s", first).isFalse();
    assertThat(first.reason()).isEqualTo(CallbackReason.DELIVERY_NOT_RECORDED);
    assertThat(first.httpStatus()).as("the handler ran: the provider must not redeliver it").isEqualTo(200);
    assertThat(later.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled.get()).isEqualTo(2);
    assertThat(audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("DELIVERY_NOT_RECORDED");
      assertThat(e.tenant()).contains("acme");
      assertThat(e.details()).containsEntry("deliveryId", SPEC_ID);
      assertThat(e.toString()).doesNotContain(SPEC_BODY).doesNotContain(SPEC_SECRET);
    });
  }

  @Test
  void handleWhenTheClaimRunsOutAndTheLossIsLoggedThenWithDeliveryIdAndTenantButNeitherPayloadNorSecret() {
    CallbackGuard guard = guard(memory);
    try (LogCapture logs = new LogCapture()) {
      guard.handle(redelivery(), json, cb -> {
        claimRunsOut();
        guard.handle(redelivery(), json, again -> { });
      });

      assertThat(logs.lines()).filteredOn(l -> l.contains("DedupeStep")).anySatisfy(l ->
          assertThat(l).contains(SPEC_ID).contains("acme").contains("acme-mail"));
      assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains(SPEC_BODY));
      assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains(SPEC_SECRET.substring(6)));
    }
  }

  @Test
  void handleWhenTheStoreRefusesTheCompletionAlsoAfterTheIdIsTakenAgainThenNotRecordedNotAccepted() {
    CallbackGuard guard = guard(new Delegating(memory) {
      @Override
      public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        return false;
      }
    });

    CallbackOutcome out = guard.handle(redelivery(), json, cb -> handled.incrementAndGet());

    assertThat(out.reason()).as("%s", out).isEqualTo(CallbackReason.DELIVERY_NOT_RECORDED);
    assertThat(out.httpStatus()).isEqualTo(200);
    assertThat(audit.events(AuditEventType.INTEGRATION_FAILURE)).hasSize(1);
  }

  @Test
  void handleWhenTheStoreFailsToClaimTheIdAgainThenNotRecordedNotAccepted() {
    AtomicInteger claims = new AtomicInteger();
    CallbackGuard guard = guard(new Delegating(memory) {
      @Override
      public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        if (claims.incrementAndGet() > 1) {
          throw new IllegalStateException("store down");
        }
        return super.claim(key, fingerprint, owner, ttl);
      }
    });

    CallbackOutcome out = guard.handle(redelivery(), json, cb -> claimRunsOut());

    assertThat(out.reason()).as("%s", out).isEqualTo(CallbackReason.DELIVERY_NOT_RECORDED);
    assertThat(audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("error", IllegalStateException.class.getName()));
  }

  @Test
  void handleWhenTheClaimHoldsThenAcceptedAndTheStoreClaimedOnce() {
    AtomicInteger claims = new AtomicInteger();
    CallbackGuard guard = guard(new Delegating(memory) {
      @Override
      public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        claims.incrementAndGet();
        return super.claim(key, fingerprint, owner, ttl);
      }
    });

    CallbackOutcome out = guard.handle(redelivery(), json, cb -> handled.incrementAndGet());

    assertThat(out.accepted()).isTrue();
    assertThat(claims.get()).isEqualTo(1);
    assertThat(audit.events(AuditEventType.INTEGRATION_FAILURE)).isEmpty();
  }

  private static class Delegating implements IdempotencyStore {
    private final IdempotencyStore delegate;

    Delegating(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
      return delegate.claim(key, fingerprint, owner, ttl);
    }

    @Override
    public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
      return delegate.complete(key, owner, outcome, ttl);
    }

    @Override
    public boolean release(IdempotencyKey key, String owner) {
      return delegate.release(key, owner);
    }
  }
}
