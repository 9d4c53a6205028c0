package com.algosure.integration.inbound;

import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_BODY;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_ID;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_SECRET;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_SIGNATURE;
import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_TIMESTAMP;
import static com.algosure.integration.inbound.CallbackGuardTest.secret;
import static com.algosure.integration.inbound.CallbackGuardTest.standard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.authz.TenantId;
import com.algosure.testing.MutableClock;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * The Standard Webhooks verifier on its own: the signature header as the specification writes it (and as
 * leniently as before), the signed content, and the per-thread {@code Mac}s it keys once and reuses.
 */
class StandardWebhooksVerifierTest {

  static final TenantId ACME = TenantId.of("acme");
  static final String SPEC_B64 = SPEC_SIGNATURE.substring("v1,".length());

  final StandardWebhooksVerifier spec = StandardWebhooksVerifier.builder().secret(secret(SPEC_SECRET)).build();

  Verification verify(String signatureHeader) {
    return spec.verify(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, signatureHeader), ACME);
  }

  static CallbackRequest signed(String whsec, String provider, String id, long ts, String body) {
    return CallbackRequest.builder(provider)
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header("webhook-signature", WebhookSigning.v1(whsec, id, ts, body.getBytes(StandardCharsets.UTF_8)))
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  /**
   * Delivers with the rotated-out credential before its not-after, 1 ms before it and at it, then with the current one:
   * the rotated-out one verifies the first two only, the current one still verifies.
   */
  private static <C> void assertVerifiesUntilItsNotAfterOnly(MutableClock clock, Instant notAfter,
      java.util.function.BiFunction<C, String, CallbackOutcome> deliver, C rotatedOut, C current) {
    CallbackOutcome before = deliver.apply(rotatedOut, "msg_old_1");
    clock.set(notAfter.minusMillis(1));
    CallbackOutcome lastMoment = deliver.apply(rotatedOut, "msg_old_2");
    clock.set(notAfter);
    CallbackOutcome expired = deliver.apply(rotatedOut, "msg_old_3");
    CallbackOutcome now = deliver.apply(current, "msg_new_1");

    assertThat(before.accepted()).isTrue();
    assertThat(lastMoment.accepted()).isTrue();
    assertThat(expired.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(now.accepted()).isTrue();
  }

  /**
   * Regression: a fixed secret kept during a rotation verified forever, so a rotated-out secret (one the provider no
   * longer signs with, and that may have leaked) could still sign callbacks years later. A secret given a not-after
   * stops verifying at that instant on the verifier's clock, and the guard audits which secret verified.
   */
  @Test
  void handleWhenARotatedOutSecretIsPastItsNotAfterThenItNoLongerVerifiesAndTheNewOneStillDoes() {
    String oldSecret = WebhookSigning.newWhsec();
    String newSecret = WebhookSigning.newWhsec();
    MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
    Instant notAfter = clock.instant().plusSeconds(3600);
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().clock(clock)
                .secret(Secret.of(SecretRef.of("webhooks/new"), newSecret))
                .secret(Secret.of(SecretRef.of("webhooks/old"), oldSecret), notAfter)
                .build())
            .build())
        .build();
    java.util.function.BiFunction<String, String, CallbackOutcome> deliver = (whsec, id) -> guard.handle(
        signed(whsec, "acme-mail", id, clock.instant().getEpochSecond(), SPEC_BODY), PayloadValidator.bytes(1024), c -> { });

    assertVerifiesUntilItsNotAfterOnly(clock, notAfter, deliver, oldSecret, newSecret);
  }

  /**
   * Regression: a {@code v1a} public key had no not-after, unlike a fixed secret, so a rotated-out key (one whose
   * private half the provider retired, and that may have leaked) verified callbacks for as long as the verifier lived.
   * A key given a not-after stops verifying at that instant on the verifier's clock.
   */
  @Test
  void handleWhenARotatedOutPublicKeyIsPastItsNotAfterThenItNoLongerVerifiesAndTheNewOneStillDoes() {
    Ed25519PrivateKeyParameters oldKey = WebhookSigning.newEd25519Key();
    Ed25519PrivateKeyParameters newKey = WebhookSigning.newEd25519Key();
    MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
    Instant notAfter = clock.instant().plusSeconds(3600);
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().clock(clock)
                .publicKey(WebhookSigning.whpk(newKey))
                .publicKey(WebhookSigning.whpk(oldKey), notAfter)
                .build())
            .build())
        .build();
    java.util.function.BiFunction<Ed25519PrivateKeyParameters, String, CallbackOutcome> deliver = (key, id) -> {
      long ts = clock.instant().getEpochSecond();
      byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
      return guard.handle(standard(id, ts, SPEC_BODY, WebhookSigning.v1a(key, id, ts, body)),
          PayloadValidator.bytes(1024), c -> { });
    };

    assertVerifiesUntilItsNotAfterOnly(clock, notAfter, deliver, oldKey, newKey);
  }

  @Test
  void verifyWhenARawPublicKeyIsPastItsNotAfterThenSignatureInvalid() {
    Ed25519PrivateKeyParameters key = WebhookSigning.newEd25519Key();
    MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
    StandardWebhooksVerifier verifier = StandardWebhooksVerifier.builder().clock(clock)
        .publicKey(key.generatePublicKey().getEncoded(), clock.instant()).build();
    byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);

    Verification v = verifier.verify(standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY,
        WebhookSigning.v1a(key, SPEC_ID, SPEC_TIMESTAMP, body)), ACME);

    assertThat(v).isInstanceOfSatisfying(Verification.Failed.class,
        f -> assertThat(f.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID));
  }

  @Test
  void builderWhenTheClockIsSetTwiceThenRefused() {
    StandardWebhooksVerifier.Builder b = StandardWebhooksVerifier.builder().clock(java.time.Clock.systemUTC());

    assertThatThrownBy(() -> b.clock(java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalStateException.class).hasMessage("clock was already set");
  }

  @Test
  void verifyWhenPublishedExampleThenVerifiedWithIdTimestampAndTheBodyAsReceived() {
    Verification v = verify(SPEC_SIGNATURE);

    assertThat(v).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
      assertThat(ok.deliveryId()).isEqualTo(SPEC_ID);
      assertThat(ok.timestamp()).contains(Instant.ofEpochSecond(SPEC_TIMESTAMP));
      assertThat(new String(ok.payload(), StandardCharsets.UTF_8)).isEqualTo(SPEC_BODY);
    });
  }

  @Test
  void verifyWhenHeaderHasSurroundingWhitespaceAndEmptyEntriesThenTheValidEntryStillCounts() {
    assertThat(verify("  \t" + SPEC_SIGNATURE + " \t")).isInstanceOf(Verification.Verified.class);
    assertThat(verify("v1,bm90IGEgc2lnbmF0dXJl   " + SPEC_SIGNATURE)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void verifyWhenSignatureIsUnpaddedBase64ThenVerifiedAsTheJdkDecoderReadsIt() {
    assertThat(SPEC_B64).endsWith("=");

    assertThat(verify("v1," + SPEC_B64.substring(0, SPEC_B64.length() - 1))).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void verifyWhenVersionOnlyResemblesV1ThenTheEntryIsIgnored() {
    for (String header : List.of("v10," + SPEC_B64, "xv1," + SPEC_B64, "V1," + SPEC_B64, "v1a," + SPEC_B64, "v1;" + SPEC_B64,
        "v1", "v1,", ",", "", " ", "v1," + SPEC_B64 + ",extra", "v1,\t" + SPEC_B64, "v1," + SPEC_B64 + "\tv1,AAAA")) {
      assertThat(verify(header)).as(header).isInstanceOfSatisfying(Verification.Failed.class,
          f -> assertThat(f.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID));
    }
  }

  @Test
  void verifyWhenTheMatchingSignatureIsTheSixteenthEntryThenVerifiedAndBeyondItIgnored() {
    String fifteen = "v1,bm90IGEgc2lnbmF0dXJl ".repeat(15);
    // empty entries count as entries, as they did when the header was split on single spaces
    String fifteenWithEmpties = "v1,bm90IGEgc2lnbmF0dXJl ".repeat(13) + "  ";

    assertThat(verify(fifteen + SPEC_SIGNATURE)).isInstanceOf(Verification.Verified.class);
    assertThat(verify(fifteenWithEmpties + SPEC_SIGNATURE)).isInstanceOf(Verification.Verified.class);
    assertThat(verify(fifteen + "v1,bm90IGEgc2lnbmF0dXJl " + SPEC_SIGNATURE)).isInstanceOf(Verification.Failed.class);
    assertThat(verify(fifteenWithEmpties + " " + SPEC_SIGNATURE)).isInstanceOf(Verification.Failed.class);
  }

  @Test
  void verifyWhenTheDeliveryIdIsNotAsciiThenTheSignedContentIsItsUtf8() {
    String id = "msg_\u00e9t\u00e9_\u2603";
    byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
    CallbackRequest good = standard(id, SPEC_TIMESTAMP, SPEC_BODY, WebhookSigning.v1(SPEC_SECRET, id, SPEC_TIMESTAMP, body));
    CallbackRequest latin1 = standard(id, SPEC_TIMESTAMP, SPEC_BODY, "v1," + Base64.getEncoder().encodeToString(
        Signatures.hmacSha256(Base64.getDecoder().decode(SPEC_SECRET.substring(6)),
            (id + "." + SPEC_TIMESTAMP + ".").getBytes(StandardCharsets.ISO_8859_1), body)));

    assertThat(spec.verify(good, ACME)).isInstanceOf(Verification.Verified.class);
    assertThat(spec.verify(latin1, ACME)).isInstanceOf(Verification.Failed.class);
  }

  @Test
  void verifyWhenAForgeryPrecedesAValidDeliveryOnTheSameThreadThenTheReusedMacStillVerifiesIt() {
    for (int i = 0; i < 3; i++) {
      assertThat(verify("v1,bm90IGEgc2lnbmF0dXJl")).isInstanceOf(Verification.Failed.class);
      assertThat(spec.verify(standard(SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 1}", SPEC_SIGNATURE), ACME))
          .isInstanceOf(Verification.Failed.class);
      assertThat(verify(SPEC_SIGNATURE)).isInstanceOf(Verification.Verified.class);
    }
  }

  @Test
  void verifyWhenTwoVerifiersWithDifferentSecretsTakeTurnsOnOneThreadThenEachUsesOnlyItsOwnSecret() {
    String other = WebhookSigning.newWhsec();
    StandardWebhooksVerifier second = StandardWebhooksVerifier.builder().secret(secret(other)).build();
    CallbackRequest forSpec = standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, SPEC_SIGNATURE);
    CallbackRequest forOther = signed(other, "acme-mail", SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

    for (int i = 0; i < 3; i++) {
      assertThat(spec.verify(forSpec, ACME)).isInstanceOf(Verification.Verified.class);
      assertThat(second.verify(forSpec, ACME)).isInstanceOf(Verification.Failed.class);
      assertThat(second.verify(forOther, ACME)).isInstanceOf(Verification.Verified.class);
      assertThat(spec.verify(forOther, ACME)).isInstanceOf(Verification.Failed.class);
    }
  }

  @Test
  void handleWhenManyThreadsShareTwoVerifiersThenEveryDeliveryIsJudgedByItsOwnRegistrationsSecret() throws Exception {
    String a = WebhookSigning.newWhsec();
    String b = WebhookSigning.newWhsec();
    CallbackGuard guard = CallbackGuard.builder().clock(MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP)))
        .auditSink(AuditSink.inMemory())
        .registration(CallbackRegistration.builder("provider-a").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(a)).build()).build())
        .registration(CallbackRegistration.builder("provider-b").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(WebhookSigning.newWhsec())).secret(secret(b)).build()).build())
        .build();
    int threads = 4;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<List<String>> work = () -> {
          start.await();
          List<String> wrong = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            String id = "msg_" + thread + "_" + i;
            String body = "{\"n\": " + i + ", \"pad\": \"" + "x".repeat(i * 7 % 3000) + "\"}";
            boolean toA = i % 2 == 0;
            boolean forged = i % 5 == 0; // signed with the other registration's secret
            String whsec = toA == forged ? b : a;
            CallbackOutcome out = guard.handle(signed(whsec, toA ? "provider-a" : "provider-b", id, SPEC_TIMESTAMP, body),
                PayloadValidator.bytes(4096), c -> { });
            CallbackReason expected = forged ? CallbackReason.SIGNATURE_INVALID : CallbackReason.ACCEPTED;
            if (out.reason() != expected) {
              wrong.add(id + ": " + out.reason());
            }
          }
          return wrong;
        };
        results.add(pool.submit(work));
      }
      start.countDown();
      for (Future<List<String>> r : results) {
        assertThat(r.get(60, TimeUnit.SECONDS)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requestWhenAHeaderNameRepeatsInAnotherCaseThenItsValuesFollowTheFirstSpellingsInOrder() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Webhook-Signature", List.of("v1,first"));
    headers.put("webhook-signature", new ArrayList<>(List.of("v1,second", "v1,third")));
    headers.put("webhook-id", List.of(SPEC_ID));

    CallbackRequest r = CallbackRequest.of(ProviderId.of("acme-mail"), headers, new byte[0]);

    assertThat(r.headers()).containsOnlyKeys("Webhook-Signature", "webhook-id");
    assertThat(r.headers().get("WEBHOOK-SIGNATURE")).containsExactly("v1,first", "v1,second", "v1,third");
    assertThat(r.header("webhook-signature")).contains("v1,first");
    assertThat(r.header("x-missing")).isEmpty();
  }
  @Test
  void builderWhenTheSecretIsShorterThanTheSpecificationsTwentyFourBytesThenRefusedNamingTheReferenceNotTheValue() {
    for (int bytes : new int[] {1, 16, 23}) {
      byte[] key = new byte[bytes];
      java.util.Arrays.fill(key, (byte) 0x5a);
      String whsec = "whsec_" + Base64.getEncoder().encodeToString(key);

      assertThatThrownBy(() -> StandardWebhooksVerifier.builder().secret(secret(whsec)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("webhook secret 'webhooks/acme-mail' is " + bytes + " bytes: Standard Webhooks secrets are random and"
              + " at least 24 bytes (192 bits); ask the provider for a new one")
          .hasMessageNotContaining(whsec.substring(6));
    }
    byte[] key = new byte[24];
    assertThat(StandardWebhooksVerifier.builder().secret(secret("whsec_" + Base64.getEncoder().encodeToString(key))).build())
        .isNotNull();
  }

  @Test
  void verifyWhenAPerTenantSecretIsShorterThanTwentyFourBytesThenTheCallbackIsNotVerified() {
    String tooShort = "whsec_" + Base64.getEncoder().encodeToString(new byte[] {7});
    byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
    StandardWebhooksVerifier source = StandardWebhooksVerifier.builder().secretSource(t -> List.of(secret(tooShort))).build();

    assertThatThrownBy(() -> source.verify(
            standard(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY, WebhookSigning.v1(tooShort, SPEC_ID, SPEC_TIMESTAMP, body)), ACME))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("webhooks/acme-mail");
  }
}
