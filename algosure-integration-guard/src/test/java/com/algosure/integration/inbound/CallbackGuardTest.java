package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.TenantId;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.testing.MutableClock;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/** The inbound guard: signatures, timestamp window, dedupe, payload and handler rules. */
class CallbackGuardTest {

  // the Standard Webhooks specification's published example
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TIMESTAMP = 1614265330L;
  static final String SPEC_BODY = "{\"test\": 2432232314}";
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
  final InMemoryAuditSink audit = AuditSink.inMemory();
  final List<VerifiedCallback<JsonNode>> handled = new ArrayList<>();
  final CallbackHandler<JsonNode> handler = handled::add;
  final PayloadValidator<JsonNode> json = JsonValidator.builder().require("test", JsonType.INTEGER).safeField("test").build();

  static Secret secret(String value) {
    return Secret.of(SecretRef.of("webhooks/acme-mail"), value);
  }

  CallbackGuard guard(CallbackVerifier verifier) {
    return CallbackGuard.builder()
        .clock(clock)
        .auditSink(audit)
        .maxPayloadBytes(1024)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme").verifier(verifier).build())
        .build();
  }

  CallbackGuard specGuard() {
    return guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
  }

  static CallbackRequest standard(String id, long ts, String body, String signature) {
    return CallbackRequest.builder("acme-mail")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", signature)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static CallbackRequest spec() {
    return standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE);
  }

  @Test
  void handleWhenStandardWebhooksPublishedExampleThenAcceptedAndHandledOnce() {
    CallbackOutcome out = specGuard().handle(spec(), json, handler);

    assertThat(out).isEqualTo(new CallbackOutcome.Accepted(ProviderId.of("acme-mail"), TenantId.of("acme"), SPEC_ID));
    assertThat(out.httpStatus()).isEqualTo(200);
    assertThat(handled).singleElement().satisfies(c -> {
      assertThat(c.deliveryId()).isEqualTo(SPEC_ID);
      assertThat(c.tenant()).isEqualTo(TenantId.of("acme"));
      assertThat(c.timestamp()).contains(Instant.ofEpochSecond(SPEC_TIMESTAMP));
      assertThat(c.payload().get("test").asLong()).isEqualTo(2432232314L);
    });
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).hasSize(1);
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).singleElement().satisfies(e -> {
      assertThat(e.tenant()).contains("acme");
      assertThat(e.provider()).contains("acme-mail");
      assertThat(e.details()).containsEntry("deliveryId", SPEC_ID).containsEntry("field.test", "2432232314");
    });
  }

  @Test
  void handleWhenSecretHasNoWhsecPrefixThenItIsPlainBase64AndStillVerifies() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET.substring(6))).build());

    assertThat(guard.handle(spec(), json, handler).accepted()).isTrue();
  }

  @Test
  void handleWhenBodyIsTamperedThenRejectedAndHandlerNeverRuns() {
    CallbackOutcome out = specGuard().handle(standard(SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 2432232315}", SPEC_SIGNATURE), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(out.httpStatus()).isEqualTo(401);
    assertThat(handled).isEmpty();
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("SIGNATURE_INVALID"));
  }

  @Test
  void handleWhenBodyDiffersOnlyInWhitespaceThenRejectedBecauseRawBytesAreSigned() {
    CallbackOutcome out = specGuard().handle(standard(SPEC_ID, SPEC_TIMESTAMP, "{\"test\":2432232314}", SPEC_SIGNATURE), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  @Test
  void handleWhenSignedWithAnotherSecretThenRejected() {
    String wrong = WebhookSigning.v1(WebhookSigning.newWhsec(), SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY.getBytes(StandardCharsets.UTF_8));

    CallbackOutcome out = specGuard().handle(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, wrong), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenIdOrTimestampIsChangedThenRejected() {
    assertThat(specGuard().handle(standard("msg_other", SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE), json, handler).reason())
        .isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(specGuard().handle(standard(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY, SPEC_SIGNATURE), json, handler).reason())
        .isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  @Test
  void handleWhenSignatureHeadersAreMissingThenRejected() {
    CallbackRequest r = CallbackRequest.builder("acme-mail").header("webhook-id", SPEC_ID)
        .body(SPEC_BODY.getBytes(StandardCharsets.UTF_8)).build();

    assertThat(specGuard().handle(r, json, handler).reason()).isEqualTo(CallbackReason.SIGNATURE_MISSING);
  }

  @Test
  void handleWhenTimestampIsNotANumberThenRejected() {
    CallbackRequest r = CallbackRequest.builder("acme-mail").header("webhook-id", SPEC_ID)
        .header("webhook-timestamp", "yesterday").header("webhook-signature", SPEC_SIGNATURE)
        .body(SPEC_BODY.getBytes(StandardCharsets.UTF_8)).build();

    assertThat(specGuard().handle(r, json, handler).reason()).isEqualTo(CallbackReason.TIMESTAMP_INVALID);
  }

  @Test
  void handleWhenTimestampIsOlderThanTheToleranceThenRejectedAsStale() {
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));

    CallbackOutcome out = specGuard().handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTimestampIsExactlyAtTheToleranceThenAccepted() {
    clock.advance(Duration.ofMinutes(5));

    assertThat(specGuard().handle(spec(), json, handler).accepted()).isTrue();
  }

  @Test
  void handleWhenTimestampIsTooFarInTheFutureThenRejected() {
    clock.set(Instant.ofEpochSecond(SPEC_TIMESTAMP).minus(Duration.ofMinutes(5).plusSeconds(1)));

    CallbackOutcome out = specGuard().handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.TIMESTAMP_IN_FUTURE);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenSecretIsRotatedThenOldAndNewSignaturesVerifyUntilTheOldSecretIsRemoved() {
    String next = WebhookSigning.newWhsec();
    byte[] body = "{\"test\": 1}".getBytes(StandardCharsets.UTF_8);
    CallbackGuard during = guard(StandardWebhooksVerifier.builder().secret(secret(next)).secret(secret(SPEC_SECRET)).build());
    CallbackGuard after = guard(StandardWebhooksVerifier.builder().secret(secret(next)).build());

    CallbackOutcome signedWithNew = during.handle(standard("msg_new", SPEC_TIMESTAMP, "{\"test\": 1}",
        WebhookSigning.v1(next, "msg_new", SPEC_TIMESTAMP, body)), json, handler);
    CallbackOutcome signedWithOld = during.handle(spec(), json, handler);
    CallbackOutcome oldAfterRotation = after.handle(spec(), json, handler);

    assertThat(signedWithNew.accepted()).isTrue();
    assertThat(signedWithOld.accepted()).isTrue();
    assertThat(oldAfterRotation.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  /**
   * Regression: a webhook secret's use was audited nowhere, so after the old secret of a rotation leaked nobody could
   * tell the facts it verified from those the new one did. Each callback's events name the secret (by reference,
   * never by value) or the public key that verified it.
   */
  @Test
  void handleWhenTheSecretIsRotatedThenEachCallbacksEventsNameTheSecretThatVerifiedItByReference() {
    String next = WebhookSigning.newWhsec();
    Ed25519PrivateKeyParameters ed = WebhookSigning.newEd25519Key();
    byte[] body = "{\"test\": 1}".getBytes(StandardCharsets.UTF_8);
    CallbackGuard during = guard(StandardWebhooksVerifier.builder()
        .secret(Secret.of(SecretRef.of("webhooks/acme-mail/next"), next))
        .secret(Secret.of(SecretRef.of("webhooks/acme-mail/old"), SPEC_SECRET))
        .publicKey(WebhookSigning.whpk(ed))
        .build());

    CallbackOutcome signedWithNew = during.handle(standard("msg_new", SPEC_TIMESTAMP, "{\"test\": 1}",
        WebhookSigning.v1(next, "msg_new", SPEC_TIMESTAMP, body)), json, handler);
    // the old secret's signature after a forged entry, and both secrets' signatures in one header: the first listed
    // entry that matches names the secret
    CallbackOutcome signedWithOld = during.handle(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY,
        "v1,bm90IGEgc2lnbmF0dXJl " + SPEC_SIGNATURE), json, handler);
    CallbackOutcome signedWithKey = during.handle(standard("msg_ed", SPEC_TIMESTAMP, "{\"test\": 1}",
        WebhookSigning.v1a(ed, "msg_ed", SPEC_TIMESTAMP, body)), json, handler);

    assertThat(List.of(signedWithNew, signedWithOld, signedWithKey)).allMatch(CallbackOutcome::accepted);
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).extracting(e -> e.details().get("keyRef"))
        .containsExactly("webhooks/acme-mail/next", "webhooks/acme-mail/old", WebhookSigning.whpk(ed));
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).extracting(e -> e.details().get("keyRef"))
        .containsExactly("webhooks/acme-mail/next", "webhooks/acme-mail/old", WebhookSigning.whpk(ed));
    // a replay of the old secret's delivery is recorded with it too
    during.handle(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE), json, handler);
    assertThat(audit.events(AuditEventType.CALLBACK_DUPLICATE)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("keyRef", "webhooks/acme-mail/old"));
    assertThat(audit.events()).allSatisfy(e -> assertThat(e.toString()).doesNotContain(SPEC_SECRET.substring(6))
        .doesNotContain(next.substring(6)));
  }

  @Test
  void handleWhenTheSecretComesFromAPerTenantSourceThenTheEventsNameItsReference() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder()
        .secretSource(tenant -> List.of(Secret.of(SecretRef.of("webhooks/" + tenant.value() + "/v2"), WebhookSigning.newWhsec()),
            Secret.of(SecretRef.of("webhooks/" + tenant.value() + "/v1"), SPEC_SECRET)))
        .build());

    assertThat(guard.handle(spec(), json, handler).accepted()).isTrue();
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("keyRef", "webhooks/acme/v1"));
  }

  @Test
  void handleWhenHeaderCarriesSeveralSignaturesThenOneMatchIsEnough() {
    String several = "v1,bm90IGEgc2lnbmF0dXJl " + WebhookSigning.v1(WebhookSigning.newWhsec(), SPEC_ID, SPEC_TIMESTAMP,
        SPEC_BODY.getBytes(StandardCharsets.UTF_8)) + " " + SPEC_SIGNATURE;

    assertThat(specGuard().handle(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, several), json, handler).accepted()).isTrue();
  }

  @Test
  void handleWhenSecretsComeFromAPerTenantSourceThenThatTenantsSecretVerifies() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder()
        .secretSource(tenant -> tenant.value().equals("acme") ? List.of(secret(SPEC_SECRET)) : List.of()).build());

    assertThat(guard.handle(spec(), json, handler).accepted()).isTrue();
  }

  @Test
  void handleWhenV1aSignatureMadeWithAFreshEd25519KeyThenAccepted() {
    Ed25519PrivateKeyParameters key = WebhookSigning.newEd25519Key();
    byte[] body = "{\"test\": 42}".getBytes(StandardCharsets.UTF_8);
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().publicKey(WebhookSigning.whpk(key)).build());

    CallbackOutcome out = guard.handle(standard("msg_ed", SPEC_TIMESTAMP, "{\"test\": 42}",
        WebhookSigning.v1a(key, "msg_ed", SPEC_TIMESTAMP, body)), json, handler);

    assertThat(out.accepted()).isTrue();
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.payload().get("test").asInt()).isEqualTo(42));
  }

  @Test
  void handleWhenV1aSignatureIsFromAnotherKeyOrTheBodyIsTamperedThenRejected() {
    Ed25519PrivateKeyParameters key = WebhookSigning.newEd25519Key();
    Ed25519PrivateKeyParameters other = WebhookSigning.newEd25519Key();
    byte[] body = "{\"test\": 42}".getBytes(StandardCharsets.UTF_8);
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().publicKey(WebhookSigning.whpk(key)).build());

    CallbackOutcome wrongKey = guard.handle(standard("msg_ed", SPEC_TIMESTAMP, "{\"test\": 42}",
        WebhookSigning.v1a(other, "msg_ed", SPEC_TIMESTAMP, body)), json, handler);
    CallbackOutcome tampered = guard.handle(standard("msg_ed", SPEC_TIMESTAMP, "{\"test\": 43}",
        WebhookSigning.v1a(key, "msg_ed", SPEC_TIMESTAMP, body)), json, handler);

    assertThat(wrongKey.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(tampered.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenSameDeliveryIdArrivesAgainThenAcknowledgedAsDuplicateAndHandlerNotRunAgain() {
    CallbackGuard guard = specGuard();

    CallbackOutcome first = guard.handle(spec(), json, handler);
    CallbackOutcome second = guard.handle(spec(), json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(second.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(second.httpStatus()).isEqualTo(200);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.CALLBACK_DUPLICATE)).hasSize(1);
  }

  @Test
  void handleWhenSameDeliveryIdComesWithAnotherSignedPayloadThenRejected() {
    CallbackGuard guard = specGuard();
    guard.handle(spec(), json, handler);
    byte[] other = "{\"test\": 7}".getBytes(StandardCharsets.UTF_8);

    CallbackOutcome out = guard.handle(standard(SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 7}",
        WebhookSigning.v1(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, other)), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.DELIVERY_ID_REUSED);
    assertThat(handled).hasSize(1);
  }

  /**
   * Delivery ids are each provider's own: the same id from two providers of one tenant names two deliveries, each
   * handled once, never one provider's answered as the other's duplicate.
   */
  @Test
  void handleWhenTwoProvidersOfATenantSendTheSameDeliveryIdThenEachIsHandledAndOnlyItsOwnRedeliveryIsADuplicate() {
    String otherSecret = WebhookSigning.newWhsec();
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .registration(CallbackRegistration.builder("acme-sign").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(otherSecret)).build()).build())
        .build();
    CallbackRequest fromSign = CallbackRequest.builder("acme-sign").header("webhook-id", SPEC_ID)
        .header("webhook-timestamp", Long.toString(SPEC_TIMESTAMP))
        .header("webhook-signature", WebhookSigning.v1(otherSecret, SPEC_ID, SPEC_TIMESTAMP,
            SPEC_BODY.getBytes(StandardCharsets.UTF_8)))
        .body(SPEC_BODY.getBytes(StandardCharsets.UTF_8)).build();

    CallbackOutcome mail = guard.handle(spec(), json, handler);
    CallbackOutcome sign = guard.handle(fromSign, json, handler);
    CallbackOutcome signAgain = guard.handle(fromSign, json, handler);

    assertThat(mail.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(sign.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(signAgain.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).extracting(VerifiedCallback::provider)
        .containsExactly(ProviderId.of("acme-mail"), ProviderId.of("acme-sign"));
  }

  @Test
  void handleWhenProviderIsNotRegisteredThenRejected() {
    CallbackRequest r = CallbackRequest.builder("unknown-provider").header("webhook-id", SPEC_ID).body(new byte[1]).build();

    CallbackOutcome out = specGuard().handle(r, json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.UNKNOWN_PROVIDER);
    assertThat(out.httpStatus()).isEqualTo(404);
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).hasSize(1);
  }

  @Test
  void handleWhenTenantCannotBeResolvedThenRejectedBeforeTheSignature() {
    AtomicInteger verified = new AtomicInteger();
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("acme-mail")
            .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
            .verifier((r, t) -> {
              verified.incrementAndGet();
              return Verification.failed(CallbackReason.SIGNATURE_INVALID, "not reached");
            })
            .build())
        .build();

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.TENANT_MISSING);
    assertThat(verified).hasValue(0);
  }

  @Test
  void handleWhenPayloadIsOverTheSizeLimitThenRejectedBeforeAnySignatureWork() {
    AtomicInteger verified = new AtomicInteger();
    CallbackGuard guard = guard((r, t) -> {
      verified.incrementAndGet();
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "not reached");
    });
    CallbackRequest big = CallbackRequest.builder("acme-mail").body(new byte[1025]).build();

    CallbackOutcome out = guard.handle(big, json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.PAYLOAD_TOO_LARGE);
    assertThat(out.httpStatus()).isEqualTo(413);
    assertThat(verified).hasValue(0);
  }

  @Test
  void handleWhenSignedPayloadIsUnparseableThenRejectedAndHandlerNeverRuns() {
    String body = "{\"test\": ";
    String sig = WebhookSigning.v1(SPEC_SECRET, "msg_bad", SPEC_TIMESTAMP, body.getBytes(StandardCharsets.UTF_8));

    CallbackOutcome out = specGuard().handle(standard("msg_bad", SPEC_TIMESTAMP, body, sig), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(handled).isEmpty();
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
  }

  @Test
  void handleWhenHandlerThrowsThenNotMarkedProcessedAndARedeliverySucceeds() {
    CallbackGuard guard = specGuard();
    AtomicInteger calls = new AtomicInteger();
    CallbackHandler<JsonNode> flaky = c -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database down");
      }
      handled.add(c);
    };

    CallbackOutcome first = guard.handle(spec(), json, flaky);
    CallbackOutcome redelivery = guard.handle(spec(), json, flaky);

    assertThat(first).isInstanceOf(CallbackOutcome.HandlerFailed.class);
    assertThat(first.httpStatus()).isEqualTo(500);
    assertThat(redelivery.accepted()).isTrue();
    assertThat(calls).hasValue(2);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).hasSize(1);
  }

  /**
   * A handler that finds the payload names nothing it can act on (a filing it does not know) refuses it for good:
   * answered 400 PAYLOAD_INVALID, audited as a rejection (PAYLOAD_INVALID), no fact, and the delivery not
   * marked processed, so a corrected redelivery is judged afresh. It was HANDLER_FAILED (500), which tells the provider
   * to retry a delivery that can never succeed.
   */
  @Test
  void handleWhenHandlerRefusesThePayloadThenPayloadInvalidNotHandlerFailed() {
    CallbackGuard guard = specGuard();
    AtomicInteger calls = new AtomicInteger();
    CallbackHandler<JsonNode> refusing = c -> {
      if (calls.incrementAndGet() == 1) {
        throw new com.algosure.integration.InvalidPayloadException("the callback names no filing of its tenant");
      }
      handled.add(c);
    };

    CallbackOutcome first = guard.handle(spec(), json, refusing);
    CallbackOutcome redelivery = guard.handle(spec(), json, refusing);

    assertThat(first.reason()).isEqualTo(CallbackReason.PAYLOAD_INVALID);
    assertThat(first.httpStatus()).isEqualTo(400);
    assertThat(first.accepted()).isFalse();
    assertThat(audit.events(AuditEventType.INTEGRATION_FAILURE)).isEmpty();
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).contains("PAYLOAD_INVALID"));
    assertThat(redelivery.accepted()).isTrue();
    assertThat(calls).hasValue(2);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).hasSize(1);
  }

  @Test
  void handleWhenTheFactCannotBeAuditedThenReportedAndARedeliveryIsADuplicateNotASecondEffect() {
    CallbackGuard guard = CallbackGuard.builder().clock(clock)
        .auditSink(e -> {
          if (e.type() == AuditEventType.ACCEPTED_FACT) {
            throw new IllegalStateException("audit store down");
          }
        })
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();

    CallbackOutcome first = guard.handle(spec(), json, handler);
    CallbackOutcome redelivery = guard.handle(spec(), json, handler);

    assertThat(first.reason()).isEqualTo(CallbackReason.FACT_NOT_AUDITED);
    assertThat(first.httpStatus()).isEqualTo(500);
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenAnOutboundCallOfActionCallbackHoldsTheSameKeyInASharedStoreThenTheDeliveryIsStillHandled() {
    // one store for outbound keys and callback deliveries, as a host may share its Redis or JDBC store: an outbound
    // action may be named 'callback' (a valid permission), and its caller's key may equal a delivery id
    InMemoryIdempotencyStore shared = IdempotencyStore.inMemory(clock);
    shared.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "callback", SPEC_ID), "sha256:outbound",
        "an-outbound-call", Duration.ofMinutes(5));
    CallbackGuard guard = CallbackGuard.builder()
        .clock(clock)
        .auditSink(audit)
        .dedupeStore(shared)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out).isInstanceOf(CallbackOutcome.Accepted.class);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenTheInMemoryDedupeStoreIsFullThenRejectedForRedeliveryAndHandlerNeverRuns() {
    InMemoryIdempotencyStore full = IdempotencyStore.inMemory(clock, 1);
    full.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "callback", "an-earlier-delivery"), "fp", "o",
        Duration.ofHours(24));
    CallbackGuard guard = CallbackGuard.builder()
        .clock(clock)
        .auditSink(audit)
        .dedupeStore(full)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(out.httpStatus()).isGreaterThanOrEqualTo(500); // the provider redelivers later
    assertThat(handled).isEmpty();
  }

  /**
   * Regression: a delivery refused because the whole dedupe store (all tenants together) holds its maximum was answered
   * "the dedupe store failed", as if the store were down, while the tenant-bound refusal said which bound and what to do.
   */
  @Test
  void handleWhenTheWholeDedupeStoreIsFullThenTheMessageSaysItIsFullAndWhatToDo() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 2, 1);
    for (String other : List.of("globex", "initech")) { // other tenants fill it; acme holds none of its own bound
      store.claim(new IdempotencyKey(TenantId.of(other), ProviderId.of("acme-mail"), "#callback", "d-1"), "fp", "o",
          Duration.ofHours(24));
    }
    CallbackGuard guard = acmeMailGuard(store);

    List<String> lines;
    CallbackOutcome out;
    try (com.algosure.integration.LogCapture logs = new com.algosure.integration.LogCapture()) {
      out = guard.handle(spec(), json, handler);
      lines = logs.lines();
    }

    assertThat(out).isInstanceOfSatisfying(CallbackOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
      assertThat(r.message()).contains("full").contains("maximumKeys").contains("distributed store")
          .contains("redeliver later").doesNotContain("failed");
    });
    assertThat(out.httpStatus()).isEqualTo(503); // the provider redelivers later
    assertThat(lines).filteredOn(l -> l.startsWith(DedupeStep.class.getName())).singleElement()
        .satisfies(l -> assertThat(l).contains("full").contains("maximum of 2"));
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("error", com.algosure.integration.spi.IdempotencyStoreFullException.class.getName()));
    assertThat(handled).isEmpty();
  }

  /** @return a guard of the acme-mail registration (tenant acme, the spec's secret) over the given dedupe store */
  private CallbackGuard acmeMailGuard(InMemoryIdempotencyStore store) {
    return CallbackGuard.builder()
        .clock(clock)
        .auditSink(audit)
        .dedupeStore(store)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();
  }

  /** Attack: one tenant's deliveries fill the shared dedupe store to its own bound; the others' are still taken. */
  @Test
  void handleWhenTheTenantHoldsItsBoundOfDeliveryIdsThenRejectedForRedeliveryAndOtherTenantsAreStillServed() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 1);
    store.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "callback", "an-earlier-delivery"), "fp", "o",
        Duration.ofHours(24));
    CallbackGuard guard = acmeMailGuard(store);

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out).isInstanceOfSatisfying(CallbackOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
      assertThat(r.message()).contains("of this tenant").contains("redeliver later");
    });
    assertThat(out.httpStatus()).isEqualTo(503); // the provider redelivers later
    assertThat(handled).isEmpty();
    assertThat(store.claim(new IdempotencyKey(TenantId.of("globex"), ProviderId.of("acme-mail"), "#callback", "d-1"), "fp",
        "o", Duration.ofHours(24))).as("another tenant's delivery id").isSameAs(ClaimResult.claimed());
  }

  /**
   * Regression: a delivery refused because its tenant holds the dedupe store's per-tenant bound was logged without the
   * tenant and audited as any store failure, so neither told an operator which tenant is at its bound (a quota to raise,
   * or a flood of validly signed deliveries to look into) rather than a store that is down.
   */
  @Test
  void handleWhenTheTenantHoldsItsBoundOfDeliveryIdsThenTheLogNamesTheTenantAndTheAuditSaysWhy() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 1);
    store.claim(new IdempotencyKey(TenantId.of("acme"), ProviderId.of("acme-mail"), "callback", "an-earlier-delivery"), "fp", "o",
        Duration.ofHours(24));
    CallbackGuard guard = acmeMailGuard(store);

    List<String> lines;
    try (com.algosure.integration.LogCapture logs = new com.algosure.integration.LogCapture()) {
      assertThat(guard.handle(spec(), json, handler).httpStatus()).isEqualTo(503);
      lines = logs.lines();
    }

    assertThat(lines).filteredOn(l -> l.startsWith(DedupeStep.class.getName())).singleElement()
        .satisfies(l -> assertThat(l).contains("tenant acme").contains("maximum"));
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("error", com.algosure.integration.spi.IdempotencyTenantFullException.class.getName()));
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheTenantHoldsItsBoundOfDeliveryIdsThenARedeliveryOfAProcessedOneIsStillAcknowledgedAsADuplicate() {
    InMemoryIdempotencyStore store = IdempotencyStore.inMemory(clock, 10, 1);
    CallbackGuard guard = acmeMailGuard(store);
    assertThat(guard.handle(spec(), json, handler).accepted()).isTrue(); // the tenant's one delivery id: at its bound
    String body = "{\"test\": 7}";
    CallbackOutcome another = guard.handle(standard("msg_another", SPEC_TIMESTAMP, body,
        WebhookSigning.v1(SPEC_SECRET, "msg_another", SPEC_TIMESTAMP, body.getBytes(StandardCharsets.UTF_8))), json, handler);

    CallbackOutcome redelivery = guard.handle(spec(), json, handler);

    assertThat(another.httpStatus()).isEqualTo(503);
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(redelivery.httpStatus()).isEqualTo(200);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenVerifierThrowsThenRejectedAndHandlerNeverRuns() {
    CallbackGuard guard = guard((r, t) -> {
      throw new IllegalStateException("key service down");
    });

    CallbackOutcome out = guard.handle(spec(), json, handler);

    assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(handled).isEmpty();
  }

  /**
   * @return a guard of the github registration (tenant acme, GitHub's documented test secret), verified by the
   *     GitHub-style verifier of these tests; GitHub signs no time, so the registration requires none
   */
  private CallbackGuard gitHubGuard() {
    return CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("github").tenant("acme")
            .verifier(new GitHubVerifier(Secret.of(SecretRef.of("webhooks/github"), "It's a Secret to Everybody")))
            .requireTimestamp(false)
            .build())
        .build();
  }

  @Test
  void handleWhenGitHubSignatureThroughAHostAddedVerifierThenAccepted() {
    CallbackGuard guard = gitHubGuard();
    CallbackRequest r = CallbackRequest.builder("github")
        .header("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
        .body("Hello, World!".getBytes(StandardCharsets.UTF_8))
        .build();
    List<String> bodies = new ArrayList<>();

    CallbackOutcome out = guard.handle(r, PayloadValidator.bytes(1024), c -> bodies.add(new String(c.payload(), StandardCharsets.UTF_8)));
    CallbackOutcome replay = guard.handle(r, PayloadValidator.bytes(1024), c -> bodies.add("again"));

    assertThat(out.accepted()).isTrue();
    assertThat(bodies).containsExactly("Hello, World!");
    assertThat(replay.reason()).isEqualTo(CallbackReason.DUPLICATE);
  }

  /**
   * Regression: GitHub signs the body only, not its {@code X-GitHub-Delivery} id nor any time, so a delivery keyed by
   * that header was handled again whenever it was replayed under a fresh id. Its dedupe key is the signed body's
   * hash, which a replay cannot change.
   */
  @Test
  void handleWhenACapturedGitHubDeliveryIsReplayedUnderAFreshDeliveryIdThenDuplicateAndNotHandledAgain() {
    CallbackGuard guard = gitHubGuard();
    java.util.function.Function<String, CallbackRequest> delivery = id -> CallbackRequest.builder("github")
        .header("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        .header("X-GitHub-Delivery", id)
        .body("Hello, World!".getBytes(StandardCharsets.UTF_8))
        .build();
    List<String> bodies = new ArrayList<>();

    CallbackOutcome out = guard.handle(delivery.apply("72d3162e-cc78-11e3-81ab-4c9367dc0958"), PayloadValidator.bytes(1024),
        c -> bodies.add("first"));
    clock.advance(Duration.ofHours(1));
    CallbackOutcome replay = guard.handle(delivery.apply("00000000-0000-0000-0000-000000000001"),
        PayloadValidator.bytes(1024), c -> bodies.add("replayed"));

    assertThat(out.accepted()).isTrue();
    assertThat(replay.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(bodies).containsExactly("first");
  }

  @Test
  void handleWhenGitHubSignatureDoesNotMatchThenRejected() {
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("github").tenant("acme")
            .verifier(new GitHubVerifier(Secret.of(SecretRef.of("webhooks/github"), "It's a Secret to Everybody")))
            .requireTimestamp(false).build())
        .build();
    CallbackRequest r = CallbackRequest.builder("github")
        .header("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
        .header("X-GitHub-Delivery", "d-2")
        .body("Hello, World?".getBytes(StandardCharsets.UTF_8))
        .build();

    assertThat(guard.handle(r, PayloadValidator.bytes(1024), c -> { }).reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
  }

  private static final Secret STRIPE_SECRET = Secret.of(SecretRef.of("webhooks/stripe"), "whsec_stripe_test_secret");

  /** @return a guard of the stripe registration (tenant acme) verified by the Stripe-style verifier of these tests */
  private CallbackGuard stripeGuard() {
    return CallbackGuard.builder().clock(clock).auditSink(audit)
        .registration(CallbackRegistration.builder("stripe").tenant("acme").verifier(new StripeVerifier(STRIPE_SECRET)).build())
        .build();
  }

  @Test
  void handleWhenStripeSignatureThroughAHostAddedVerifierThenAcceptedAndTheTimestampWindowApplies() {
    CallbackGuard guard = stripeGuard();
    String body = "{\"id\": \"evt_1\", \"test\": 5}";
    byte[] sig = Signatures.hmacSha256(STRIPE_SECRET.revealBytes(), (SPEC_TIMESTAMP + "." + body).getBytes(StandardCharsets.UTF_8));
    CallbackRequest r = CallbackRequest.builder("stripe")
        .header("Stripe-Signature", "t=" + SPEC_TIMESTAMP + ",v1=" + Signatures.hex(sig) + ",v0=ignored")
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();

    assertThat(guard.handle(r, json, handler).accepted()).isTrue();
    clock.advance(Duration.ofMinutes(6));
    CallbackRequest late = CallbackRequest.builder("stripe")
        .header("Stripe-Signature", "t=" + SPEC_TIMESTAMP + ",v1=" + Signatures.hex(sig))
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
    assertThat(guard.handle(late, json, handler).reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
  }

  /**
   * Regression: the Stripe example named the delivery by an {@code X-Event-Id} header, which Stripe's signature does not
   * cover, so a captured delivery replayed inside its window under a fresh id was handled again. Its dedupe key is the
   * event's id inside the signed body, which a replay cannot change.
   */
  @Test
  void handleWhenACapturedStripeDeliveryIsReplayedUnderAFreshEventIdHeaderThenDuplicateAndNotHandledAgain() {
    CallbackGuard guard = stripeGuard();
    String body = "{\"id\": \"evt_1\", \"test\": 5}";
    byte[] sig = Signatures.hmacSha256(STRIPE_SECRET.revealBytes(), (SPEC_TIMESTAMP + "." + body).getBytes(StandardCharsets.UTF_8));
    java.util.function.Function<String, CallbackRequest> delivery = id -> CallbackRequest.builder("stripe")
        .header("Stripe-Signature", "t=" + SPEC_TIMESTAMP + ",v1=" + Signatures.hex(sig))
        .header("X-Event-Id", id)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();

    CallbackOutcome out = guard.handle(delivery.apply("evt_1"), json, handler);
    clock.advance(Duration.ofMinutes(2));
    CallbackOutcome replay = guard.handle(delivery.apply("evt_replayed"), json, handler);

    assertThat(out.accepted()).isTrue();
    assertThat(replay.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.deliveryId()).isEqualTo("evt_1"));
  }

  @Test
  void handleWhenRegistrationRequiresATimestampAndTheSchemeSignsNoneThenRejected() {
    CallbackGuard guard = guard((r, t) -> Verification.verified("d-1", Optional.empty(), r.body()));

    assertThat(guard.handle(spec(), json, handler).reason()).isEqualTo(CallbackReason.TIMESTAMP_MISSING);
  }
  @Test
  void handleWhenTheDeliveryIdContainsADotThenAProcessedDeliveryCannotBeReframedAsANewOneAfterItsWindow() {
    // a provider's user chose a body field; its text ends the signed content <id>.<timestamp>.<body> as another
    // delivery's timestamp and body would
    long later = SPEC_TIMESTAMP + 3600;
    String body = "{\"note\":\"x." + later + ".payload\"}";
    String signature = WebhookSigning.v1(SPEC_SECRET, "msg_1", SPEC_TIMESTAMP, body.getBytes(StandardCharsets.UTF_8));
    CallbackGuard guard = specGuard();
    List<VerifiedCallback<byte[]>> raw = new ArrayList<>();
    assertThat(guard.handle(standard("msg_1", SPEC_TIMESTAMP, body, signature), PayloadValidator.bytes(1024), raw::add)
        .accepted()).isTrue();
    clock.set(Instant.ofEpochSecond(later));

    CallbackOutcome out = guard.handle(standard("msg_1." + SPEC_TIMESTAMP + ".{\"note\":\"x", later, "payload\"}", signature),
        PayloadValidator.bytes(1024), raw::add);

    assertThat(out.reason()).isEqualTo(CallbackReason.DELIVERY_ID_INVALID);
    assertThat(out.httpStatus()).isEqualTo(400);
    assertThat(raw).hasSize(1);
  }
}
