package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The values the guard's audit events carry, made without formatting or hashing on every call (a digest per
 * thread, hex written once, the lease expiry formatted once per lease, small numbers shared): they must be
 * exactly what a plain computation gives.
 */
class AuditDetailsTest {

  static final String BASE = "https://api.acme-mail.example";
  static final byte[] BODY = "{\"id\":\"msg-1\",\"n\":1}".getBytes(StandardCharsets.UTF_8);

  GuardFixtures f;
  final ProviderCall<JsonNode> ok = ProviderCall.of(ctx -> ProviderResponse.of(200, Map.of(), BODY),
      JsonValidator.builder().require("id", JsonType.STRING).safeField("id").build());

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static AuditEvent last(List<AuditEvent> events) {
    return events.get(events.size() - 1);
  }

  @Test
  void executeThenTheAttemptAndFactEventsCarryTheExactHashesSizesAndCounts() throws Exception {
    IntegrationRequest r = request("k-details").build();

    assertThat(f.guard(BASE).execute(r, ok).accepted()).isTrue();

    String bodyHash = sha256Hex(BODY);
    assertThat(r.fingerprint()).isEqualTo("sha256:" + sha256Hex(r.payload()));
    assertThat(f.audit.events(AuditEventType.INTEGRATION_REQUEST)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("fingerprint", r.fingerprint())
        .containsEntry("attempt", "1")
        .containsEntry("bytes", Integer.toString(r.payloadSize())));
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("sha256", bodyHash)
        .containsEntry("status", "200")
        .containsEntry("bytes", Integer.toString(BODY.length)));
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).singleElement().satisfies(e -> {
      assertThat(e.details()).containsEntry("sha256", bodyHash).containsEntry("attempts", "1").containsEntry("field.id", "msg-1");
      assertThat(e.reasons()).containsExactly("ACCEPTED");
    });
  }

  @Test
  void executeThenEachCredentialUseNamesTheExpiryOfTheLeaseItUsed() {
    IntegrationGuard guard = f.guard(BASE);

    guard.execute(request("k-lease-1").build(), ok);
    f.clock.advance(Duration.ofMinutes(2));
    guard.execute(request("k-lease-2").build(), ok); // the cached lease
    f.clock.advance(Duration.ofMinutes(4));
    guard.execute(request("k-lease-3").build(), ok); // the first lease ended: a new one

    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).extracting(e -> e.details().get("leaseExpiresAt"))
        .containsExactly("2026-11-23T10:05:00Z", "2026-11-23T10:05:00Z", "2026-11-23T10:11:00Z");
    assertThat(last(f.audit.events(AuditEventType.CREDENTIAL_USE)).timestamp()).isEqualTo(f.clock.instant());
  }

  @Test
  void hashesMadeOnManyThreadsAtOnceAreEachTheirPayloadsHash() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> wrong = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        wrong.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            byte[] payload = ("payload-" + thread + "-" + i).repeat(1 + i % 7).getBytes(StandardCharsets.UTF_8);
            String fingerprint = Payloads.fingerprint(payload);
            String hash = Payloads.sha256Hex(payload);
            if (!fingerprint.equals("sha256:" + sha256Hex(payload)) || !hash.equals(sha256Hex(payload))) {
              return fingerprint + " / " + hash + " for payload " + thread + "/" + i;
            }
          }
          return null;
        }));
      }
      for (Future<String> w : wrong) {
        assertThat(w.get(60, TimeUnit.SECONDS)).isNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void decimalTextIsIntegerToString() {
    for (int n = -3; n < 5_000; n++) {
      assertThat(Text.decimal(n)).isEqualTo(Integer.toString(n));
    }
    assertThat(Text.decimal(Integer.MIN_VALUE)).isEqualTo(Integer.toString(Integer.MIN_VALUE));
    assertThat(Payloads.hex(new byte[] {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff})).isEqualTo("00017f80ff");
  }
}
