package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.PROVIDER;
import static com.algosure.integration.GuardFixtures.SEND;
import static com.algosure.integration.GuardFixtures.TENANT;
import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression: the claim's time to live covers the call's attempts, not the host's slow work after the answer (its
 * validator, audit sink, evidence store). When the claim ran out in between, the store refused the completion, the
 * guard only logged it and answered ACCEPTED, and the key was free: a resubmission under the same key sent the call
 * again, a second effect.
 */
class ClaimRunsOutBeforeSettlingTest {

  private static final Duration TTL = Duration.ofMinutes(5);
  private static final String BODY = "{\"id\":\"msg-1\"}";

  private GuardFixtures f;
  private final AtomicInteger sent = new AtomicInteger();
  /** What the validator does after the answer, before it validates it (the host's slow work). */
  private Runnable slowWork = () -> { };

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  private ProviderPolicy policy() {
    // no network: the exchange below answers itself; the endpoint is only the provider's registered origin
    return GuardFixtures.provider("https://provider.example").idempotencyTtl(TTL).build();
  }

  private ProviderCall<String> call() {
    return ProviderCall.of(ctx -> {
      sent.incrementAndGet();
      return ProviderResponse.of(200, Map.of(), BODY.getBytes(StandardCharsets.UTF_8));
    }, payload -> {
      slowWork.run();
      return Validated.of(new String(payload, StandardCharsets.UTF_8));
    });
  }

  private static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of(TENANT), ProviderId.of(PROVIDER), SEND, k);
  }

  /** Moves the clock past the claim (held for the longer of the call's bound and the TTL: here the TTL). */
  private void claimRunsOut() {
    f.clock.advance(TTL.plusMinutes(1));
  }

  @Test
  void executeWhenTheClaimRunsOutWhileTheAnswerIsValidatedThenTheKeyIsTakenAgainAndAResubmissionIsADuplicate() {
    IntegrationGuard guard = f.guard(policy()).build();
    slowWork = this::claimRunsOut;

    IntegrationOutcome<String> first = guard.execute(request("k-slow").build(), call());
    slowWork = () -> { };
    IntegrationOutcome<String> again = guard.execute(request("k-slow").build(), call());

    assertThat(first.accepted()).as("%s", first).isTrue();
    assertThat(f.idempotency.isReserved(key("k-slow"))).as("the key is completed, not left free").isTrue();
    assertThat(again.reason()).as("%s", again).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(sent.get()).as("sent once, never again under the key").isEqualTo(1);
  }

  @Test
  void executeWhenTheClaimRunsOutAndAnotherCallTakesTheKeyMeanwhileThenEscalatedWithTheAnswerAsEvidence() {
    IntegrationGuard guard = f.guard(policy()).build();
    IntegrationRequest request = request("k-taken").build();
    slowWork = () -> {
      claimRunsOut();
      // a resubmission under the key claimed it once the first claim had run out, and is sending again
      assertThat(f.idempotency.claim(key("k-taken"), request.fingerprint(), "other-call", TTL))
          .isInstanceOf(ClaimResult.Claimed.class);
    };

    IntegrationOutcome<String> out = guard.execute(request, call());

    assertThat(out).as("%s", out).isInstanceOf(IntegrationOutcome.Escalated.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_LOST);
    assertThat(out.value()).isEmpty();
    assertThat(f.escalations.escalations()).hasSize(1);
    String ref = ((IntegrationOutcome.Escalated<String>) out).evidenceRef();
    assertThat(f.evidence.find(ref)).get().satisfies(e -> {
      assertThat(e.status()).isEqualTo(OptionalInt.of(200));
      assertThat(new String(e.responseBody(), StandardCharsets.UTF_8)).isEqualTo(BODY);
    });
  }

  @Test
  void executeWhenTheStoreRefusesTheCompletionThenEscalatedNotAccepted() {
    IdempotencyStore refusing = new IdempotencyStore() {
      @Override
      public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        return f.idempotency.claim(key, fingerprint, owner, ttl);
      }

      @Override
      public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        return false;
      }

      @Override
      public boolean release(IdempotencyKey key, String owner) {
        return f.idempotency.release(key, owner);
      }
    };
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(policy()).clock(f.clock)
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(refusing)
        .escalations(f.escalations).evidence(f.evidence).build();

    IntegrationOutcome<String> out = guard.execute(request("k-refused").build(), call());

    assertThat(out).as("%s", out).isInstanceOf(IntegrationOutcome.Escalated.class);
    assertThat(out.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_LOST);
    assertThat(f.escalations.escalations()).hasSize(1);
    assertThat(sent.get()).isEqualTo(1);
  }

  @Test
  void executeWhenTheClaimRunsOutBeforeAnInvalidAnswerIsRejectedThenTheKeyIsTakenAgainAndStaysCompleted() {
    IntegrationGuard guard = f.guard(policy()).build();
    ProviderCall<String> invalid = ProviderCall.of(ctx -> {
      sent.incrementAndGet();
      return ProviderResponse.of(200, Map.of(), BODY.getBytes(StandardCharsets.UTF_8));
    }, payload -> {
      claimRunsOut();
      throw new InvalidPayloadException("not what was asked for");
    });

    IntegrationOutcome<String> first = guard.execute(request("k-invalid").build(), invalid);
    IntegrationOutcome<String> again = guard.execute(request("k-invalid").build(), call());

    assertThat(first.reason()).as("%s", first).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(again.reason()).as("the rejection said the key stays completed: %s", again)
        .isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(sent.get()).isEqualTo(1);
  }

  @Test
  void executeWhenTheClaimHoldsThenTheKeyIsCompletedOnceAsBefore() {
    IntegrationGuard guard = f.guard(policy()).build();

    IntegrationOutcome<String> first = guard.execute(request("k-fast").build(), call());

    assertThat(first.accepted()).isTrue();
    assertThat(f.escalations.escalations()).isEmpty();
    assertThat(guard.execute(request("k-fast").build(), call())).isInstanceOf(IntegrationOutcome.Duplicate.class)
        .satisfies(d -> assertThat(((IntegrationOutcome.Duplicate<String>) d).first()).map(IntegrationOutcome::kind)
            .isEqualTo(Optional.of(IntegrationOutcome.Kind.ACCEPTED)));
    assertThat(sent.get()).isEqualTo(1);
  }
}
