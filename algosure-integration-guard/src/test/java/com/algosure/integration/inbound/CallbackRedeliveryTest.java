package com.algosure.integration.inbound;

import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_BODY;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_ID;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_SECRET;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_TIMESTAMP;
import static com.algosure.integration.inbound.CallbackGuardTest.secret;
import static com.algosure.integration.inbound.CallbackGuardTest.standard;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.testing.MutableClock;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.Secret;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * Redeliveries and the dedupe fingerprint: a provider retries with a fresh timestamp (an old one would fail
 * the window) and, after a rotation, signs with another secret or key; the delivery must still be recognised
 * as the one already processed, while another payload under the same id must still be refused.
 */
class CallbackRedeliveryTest {

  static final Duration RETRY_DELAY = Duration.ofSeconds(90);

  final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
  final InMemoryAuditSink audit = AuditSink.inMemory();
  final List<VerifiedCallback<JsonNode>> handled = new CopyOnWriteArrayList<>();
  final CallbackHandler<JsonNode> handler = handled::add;
  final PayloadValidator<JsonNode> json = JsonValidator.builder().require("test", JsonType.INTEGER).build();
  final RecordingStore store = new RecordingStore(IdempotencyStore.inMemory(clock));

  CallbackGuard guard(StandardWebhooksVerifier verifier) {
    return guard(verifier, store);
  }

  CallbackGuard guard(StandardWebhooksVerifier verifier, IdempotencyStore dedupe) {
    return CallbackGuard.builder().clock(clock).auditSink(audit).dedupeStore(dedupe)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme").verifier(verifier).build())
        .build();
  }

  static CallbackRequest signed(String whsec, String id, long ts, String body) {
    return standard(id, ts, body, WebhookSigning.v1(whsec, id, ts, body.getBytes(StandardCharsets.UTF_8)));
  }

  static String sha256Hex(String body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** @return the timestamp of a retry: the clock moves on, and the provider signs the time of the new attempt */
  long later() {
    clock.advance(RETRY_DELAY);
    return clock.instant().getEpochSecond();
  }

  @Test
  void handleWhenAProcessedDeliveryIsRetriedWithANewTimestampThenDuplicateAndHandlerNotRunAgain() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());

    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    CallbackOutcome retry = guard.handle(signed(SPEC_SECRET, SPEC_ID, later(), SPEC_BODY), json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(retry.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(retry.httpStatus()).isEqualTo(200);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.CALLBACK_DUPLICATE)).hasSize(1);
  }

  @Test
  void handleWhenTheSameDeliveryIsResentAfterTheSecretSourceRotatedThenDuplicateAndHandlerNotRunAgain() {
    String next = WebhookSigning.newWhsec();
    AtomicReference<List<Secret>> active = new AtomicReference<>(List.of(secret(SPEC_SECRET)));
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secretSource(tenant -> active.get()).build());

    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    active.set(List.of(secret(next))); // rotated: the old secret is gone
    CallbackOutcome resent = guard.handle(signed(next, SPEC_ID, later(), SPEC_BODY), json, handler);
    CallbackOutcome oldSecret = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP + 91, SPEC_BODY), json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(resent.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(oldSecret.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenTheSameDeliveryIsResentSignedWithTheNextFixedSecretThenDuplicate() {
    String next = WebhookSigning.newWhsec();
    CallbackGuard before = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    // the host rebuilds its guard with the new secret first and the old one still active; the store is shared
    CallbackGuard during = guard(StandardWebhooksVerifier.builder().secret(secret(next)).secret(secret(SPEC_SECRET)).build());
    CallbackGuard after = guard(StandardWebhooksVerifier.builder().secret(secret(next)).build());

    CallbackOutcome first = before.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    CallbackOutcome resentDuring = during.handle(signed(next, SPEC_ID, later(), SPEC_BODY), json, handler);
    CallbackOutcome resentAfter = after.handle(signed(next, SPEC_ID, later(), SPEC_BODY), json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(resentDuring.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(resentAfter.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleWhenAnotherPayloadComesUnderAProcessedIdSignedWithTheNextSecretThenRejectedAsReused() {
    String next = WebhookSigning.newWhsec();
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(next)).secret(secret(SPEC_SECRET)).build());
    guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);

    CallbackOutcome other = guard.handle(signed(next, SPEC_ID, later(), "{\"test\": 7}"), json, handler);

    assertThat(other.reason()).isEqualTo(CallbackReason.DELIVERY_ID_REUSED);
    assertThat(other.httpStatus()).isEqualTo(409);
    assertThat(handled).hasSize(1);
    assertThat(audit.events(AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("DELIVERY_ID_REUSED"));
  }

  @Test
  void handleWhenAnotherPayloadComesUnderAnIdStillInFlightThenRejectedAsReused() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    List<CallbackOutcome> nested = new ArrayList<>();

    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, c -> {
      nested.add(guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 7}"), json, handler));
      nested.add(guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler));
    });

    assertThat(first.accepted()).isTrue();
    assertThat(nested).extracting(CallbackOutcome::reason)
        .containsExactly(CallbackReason.DELIVERY_ID_REUSED, CallbackReason.DUPLICATE_IN_PROGRESS);
    assertThat(handled).isEmpty();
  }

  @Test
  void handleWhenTheSameDeliveryIsResentSignedWithARotatedEd25519KeyThenDuplicate() {
    Ed25519PrivateKeyParameters old = WebhookSigning.newEd25519Key();
    Ed25519PrivateKeyParameters next = WebhookSigning.newEd25519Key();
    byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder()
        .publicKey(WebhookSigning.whpk(next)).publicKey(WebhookSigning.whpk(old)).build());

    CallbackOutcome first = guard.handle(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY,
        WebhookSigning.v1a(old, SPEC_ID, SPEC_TIMESTAMP, body)), json, handler);
    long ts = later();
    CallbackOutcome resent = guard.handle(standard(SPEC_ID, ts, SPEC_BODY, WebhookSigning.v1a(next, SPEC_ID, ts, body)), json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(resent.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  @Test
  void handleThenTheDedupeFingerprintIsTheSha256OfThePayloadOnlyAndTheReceivedEventCarriesIt() throws Exception {
    String next = WebhookSigning.newWhsec();
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(next)).secret(secret(SPEC_SECRET)).build());
    String expected = "sha256:" + sha256Hex(SPEC_BODY);

    guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    guard.handle(signed(next, SPEC_ID, later(), SPEC_BODY), json, handler);
    guard.handle(signed(next, "msg_other", later(), "{\"test\": 7}"), json, handler);

    // the same text as before this fingerprint was shared, so records already in a store still match
    assertThat(store.fingerprints).containsExactly(expected, expected, "sha256:" + sha256Hex("{\"test\": 7}"));
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).extracting(e -> e.details().get("sha256"))
        .containsExactly(expected, "sha256:" + sha256Hex("{\"test\": 7}"));
  }

  @Test
  void handleThenTheClaimOwnerNamesTheReceivedEventAndEveryEventHasItsOwnId() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());

    guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    guard.handle(signed(SPEC_SECRET, "msg_2", SPEC_TIMESTAMP, SPEC_BODY), json, handler);
    guard.handle(signed(SPEC_SECRET, "msg_2", SPEC_TIMESTAMP, SPEC_BODY), json, handler);

    List<AuditEvent> events = audit.events();
    assertThat(events).hasSize(5);
    assertThat(new HashSet<>(events.stream().map(AuditEvent::id).toList())).hasSize(5);
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).extracting(AuditEvent::id)
        .containsExactlyElementsOf(store.owners);
  }

  @Test
  void handleWhenTheHandlerHandlesAnotherCallbackOnTheSameThreadThenEachKeepsItsOwnFingerprint() throws Exception {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    String inner = "{\"test\": 99}";
    List<CallbackOutcome> nested = new ArrayList<>();

    CallbackOutcome outer = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, c -> {
      nested.add(guard.handle(signed(SPEC_SECRET, "msg_inner", SPEC_TIMESTAMP, inner), json, handler));
      handled.add(c);
    });

    assertThat(outer.accepted()).isTrue();
    assertThat(nested).singleElement().satisfies(o -> assertThat(o.accepted()).isTrue());
    assertThat(handled).extracting(VerifiedCallback::deliveryId).containsExactly("msg_inner", SPEC_ID);
    assertThat(audit.events(AuditEventType.CALLBACK_RECEIVED)).extracting(e -> e.details().get("sha256"))
        .containsExactly("sha256:" + sha256Hex(SPEC_BODY), "sha256:" + sha256Hex(inner));
    assertThat(store.fingerprints).containsExactly("sha256:" + sha256Hex(SPEC_BODY), "sha256:" + sha256Hex(inner));
  }

  @Test
  void handleWhenTheValidatorGetsTheBodyThenItIsTheVerifiedBytesAndTheRequestStillHandsOutCopies() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    CallbackRequest request = signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    List<String> seen = new ArrayList<>();

    CallbackOutcome out = guard.handle(request, payload -> {
      seen.add(new String(payload, StandardCharsets.UTF_8));
      return json.validate(payload);
    }, handler);
    byte[] copy = request.body();
    copy[0] = 'X';

    assertThat(out.accepted()).isTrue();
    assertThat(seen).containsExactly(SPEC_BODY);
    assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo(SPEC_BODY);
  }

  @Test
  void handleWhenTheHandlerRunsLongerThanTheDedupeTtlThenARedeliveryMeanwhileIsInProgressAndNotHandledBesideIt() {
    // the shortest TTL the guard allows: twice the tolerance
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit).dedupeStore(store)
        .tolerance(Duration.ofMinutes(5)).dedupeTtl(Duration.ofMinutes(10))
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build()).build())
        .build();
    List<CallbackOutcome> meanwhile = new ArrayList<>();

    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, c -> {
      handled.add(c);
      if (handled.size() == 1) {
        // still handling 11 minutes on: the provider, having had no answer, delivers it again (a fresh timestamp)
        clock.advance(Duration.ofMinutes(11));
        meanwhile.add(guard.handle(signed(SPEC_SECRET, SPEC_ID, clock.instant().getEpochSecond(), SPEC_BODY), json,
            handled::add));
      }
    });

    assertThat(meanwhile).singleElement().satisfies(o -> assertThat(o.reason()).as("%s", o)
        .isEqualTo(CallbackReason.DUPLICATE_IN_PROGRESS));
    assertThat(handled).hasSize(1);
    assertThat(first.accepted()).isTrue();
    clock.advance(Duration.ofMinutes(9));
    assertThat(guard.handle(signed(SPEC_SECRET, SPEC_ID, clock.instant().getEpochSecond(), SPEC_BODY), json, handler)
        .reason()).as("processed, and remembered for the TTL").isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  /**
   * Regression: the default dedupe TTL was 24 hours, shorter than the providers' redelivery schedules (Standard
   * Webhooks / Svix retry for about 27.5 hours after the first attempt). A delivery whose 200 never reached the
   * provider, and whose retries within 24 hours got no 2xx back either, was redelivered after its record expired,
   * signed anew (so inside the timestamp window), and handled a second time.
   */
  @Test
  void handleWhenAProcessedDeliveryIsRedelivered26HoursLaterThenDuplicateByDefault() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);

    clock.advance(Duration.ofHours(26));
    CallbackOutcome redelivery = guard.handle(signed(SPEC_SECRET, SPEC_ID, clock.instant().getEpochSecond(), SPEC_BODY),
        json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  /** Stripe redelivers an event for up to 3 days: its last attempt is still a duplicate under the default TTL. */
  @Test
  void handleWhenAProcessedDeliveryIsRedeliveredJustUnderThreeDaysLaterThenDuplicateByDefault() {
    CallbackGuard guard = guard(StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build());
    CallbackOutcome first = guard.handle(signed(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), json, handler);

    clock.advance(Duration.ofDays(3).minusMinutes(1));
    CallbackOutcome redelivery = guard.handle(signed(SPEC_SECRET, SPEC_ID, clock.instant().getEpochSecond(), SPEC_BODY),
        json, handler);

    assertThat(first.accepted()).isTrue();
    assertThat(redelivery.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).hasSize(1);
  }

  /** Passes every call on, and remembers the fingerprints and owners the guard claimed with. */
  static final class RecordingStore implements IdempotencyStore {
    final IdempotencyStore delegate;
    final List<String> fingerprints = new CopyOnWriteArrayList<>();
    final List<String> owners = new CopyOnWriteArrayList<>();

    RecordingStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
      fingerprints.add(fingerprint);
      ClaimResult r = delegate.claim(key, fingerprint, owner, ttl);
      if (r instanceof ClaimResult.Claimed) {
        owners.add(owner);
      }
      return r;
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
