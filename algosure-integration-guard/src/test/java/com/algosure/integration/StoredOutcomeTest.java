package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.OutcomeSummary;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the guard completes an idempotency key with: the first outcome without its request and payload, from
 * which a duplicate gets the first outcome back.
 */
class StoredOutcomeTest {

  static final String BASE = "https://api.acme-mail.example";

  GuardFixtures f;
  final AtomicInteger exchanges = new AtomicInteger();
  final ProviderCall<String> ok = ProviderCall.of(ctx -> {
    exchanges.incrementAndGet();
    return ProviderResponse.of(201, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
  }, payload -> new Validated<>("value-of-" + exchanges.get(), Map.of("id", "msg-1")));

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  static IdempotencyKey key(String k) {
    return new IdempotencyKey(TenantId.of(GuardFixtures.TENANT), ProviderId.of(GuardFixtures.PROVIDER), GuardFixtures.SEND, k);
  }

  @Test
  void executeWhenKeyCompletedThenTheDuplicateReplaysValueAttemptsStatusAndSafeFieldsAnsweringItsOwnRequest() {
    IntegrationGuard guard = f.guard(BASE);
    IntegrationOutcome<String> first = guard.execute(request("k-replay").build(), ok);
    IntegrationRequest again = request("k-replay").build(); // another request object: same key and payload

    IntegrationOutcome<String> duplicate = guard.execute(again, ok);

    assertThat(first.accepted()).isTrue();
    assertThat(exchanges).hasValue(1);
    assertThat(duplicate.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    IntegrationOutcome<String> replayed = ((IntegrationOutcome.Duplicate<String>) duplicate).first().orElseThrow();
    assertThat(replayed.value()).contains("value-of-1");
    assertThat(replayed).isInstanceOfSatisfying(IntegrationOutcome.Accepted.class, a -> {
      assertThat(a.acceptedValue()).isEqualTo("value-of-1");
      assertThat(a.attempts()).isEqualTo(1);
      assertThat(a.status()).isEqualTo(201);
      assertThat(a.safeFields()).isEqualTo(Map.of("id", "msg-1"));
    });
    assertThat(replayed.request()).isSameAs(again);
  }

  @Test
  void executeWhenTheFirstCallerOrADuplicateChangesItsJsonValueThenLaterReplaysStillShowTheFirstOutcomeAsItWas() {
    IntegrationGuard guard = f.guard(BASE);
    ProviderCall<JsonNode> json = ProviderCall.of(ctx -> ProviderResponse.of(201, Map.of(),
        "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8)), JsonValidator.builder().require("id", JsonType.STRING).build());

    JsonNode firstValue = guard.execute(request("k-json").build(), json).value().orElseThrow();
    ((ObjectNode) firstValue).put("id", "changed-by-the-first-caller");
    JsonNode replayed = replayedValue(guard.execute(request("k-json").build(), json));
    ((ObjectNode) replayed).put("note", "added-by-a-duplicate");
    JsonNode later = replayedValue(guard.execute(request("k-json").build(), json));

    assertThat(later.toString()).isEqualTo("{\"id\":\"msg-1\"}");
    assertThat(firstValue.toString()).isEqualTo("{\"id\":\"changed-by-the-first-caller\"}");
  }

  private static JsonNode replayedValue(IntegrationOutcome<JsonNode> duplicate) {
    assertThat(duplicate.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    return ((IntegrationOutcome.Duplicate<JsonNode>) duplicate).first().flatMap(IntegrationOutcome::value).orElseThrow();
  }

  @Test
  void duplicateOfAnAcceptedCallYieldsNoValueSoACallerRecordingValuesRecordsTheFactOnce() {
    IntegrationGuard guard = f.guard(BASE);
    List<String> facts = new ArrayList<>();
    guard.execute(request("k-fact-once").build(), ok).value().ifPresent(facts::add);

    IntegrationOutcome<String> duplicate = guard.execute(request("k-fact-once").build(), ok);
    duplicate.value().ifPresent(facts::add);

    assertThat(duplicate.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(duplicate.accepted()).isFalse();
    assertThat(duplicate.value()).isEmpty();
    assertThat(facts).containsExactly("value-of-1");
    assertThat(((IntegrationOutcome.Duplicate<String>) duplicate).first().flatMap(IntegrationOutcome::value))
        .contains("value-of-1");
  }

  @Test
  void executeWhenKeyCompletedThenTheStoreHoldsNoRequestAndNoPayload() throws Exception {
    f.guard(BASE).execute(request("k-held").build(), ok);

    ClaimResult held = f.idempotency.claim(key("k-held"), request("k-held").build().fingerprint(), "someone", Duration.ofHours(1));

    assertThat(held).isInstanceOfSatisfying(ClaimResult.Completed.class,
        c -> assertThat(c.outcome()).isInstanceOf(StoredOutcome.class));
    Object stored = ((ClaimResult.Completed) held).outcome();
    for (Class<?> type = stored.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        field.setAccessible(true);
        assertThat(field.get(stored)).as(field.getName()).isNotInstanceOf(IntegrationRequest.class).isNotInstanceOf(byte[].class);
      }
    }
  }

  @Test
  void executeWhenTheFirstCallWasRejectedAfterSendingThenTheDuplicateReplaysTheRejection() {
    ProviderCall<String> invalid = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(200, Map.of(), new byte[] {1});
    }, payload -> {
      throw new InvalidPayloadException("not JSON");
    });
    IntegrationGuard guard = f.guard(BASE);
    IntegrationOutcome<String> first = guard.execute(request("k-rejected").build(), invalid);

    IntegrationOutcome<String> duplicate = guard.execute(request("k-rejected").build(), invalid);

    assertThat(exchanges).hasValue(1);
    IntegrationOutcome<String> replayed = ((IntegrationOutcome.Duplicate<String>) duplicate).first().orElseThrow();
    assertThat(replayed).isInstanceOfSatisfying(IntegrationOutcome.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
      assertThat(r.evidenceRef()).isPresent().isEqualTo(((IntegrationOutcome.Rejected<?>) first).evidenceRef());
      assertThat(r.message()).isEqualTo(((IntegrationOutcome.Rejected<?>) first).message());
    });
  }

  @Test
  void escalatedOutcomesKeepTheirReferencesAndAttempts() {
    IntegrationRequest r = request("k-esc").build();
    IntegrationOutcome<String> escalated = new IntegrationOutcome.Escalated<>(r, OutcomeReason.FACT_NOT_AUDITED, "esc-1", "ev-1", 2);

    IntegrationOutcome<String> replayed = StoredOutcome.of(escalated).replay(r);

    assertThat(replayed).isEqualTo(escalated);
  }

  @Test
  void theDistributedStoresSummaryOfAStoredOutcomeIsTheSummaryOfItsOutcome() {
    IntegrationRequest r = request("k-sum").build();
    for (IntegrationOutcome<String> o : java.util.List.<IntegrationOutcome<String>>of(
        new IntegrationOutcome.Accepted<>(r, "v", 2, 201, Map.of("id", "m-1")),
        new IntegrationOutcome.Rejected<>(r, OutcomeReason.RESPONSE_INVALID, Optional.of("ev-1"), "invalid"),
        new IntegrationOutcome.Rejected<>(r, OutcomeReason.RESPONSE_TOO_LARGE, Optional.empty(), "too large"),
        new IntegrationOutcome.Escalated<>(r, OutcomeReason.UNKNOWN_STATE, "esc-1", "ev-2", 3))) {
      assertThat(OutcomeSummary.encode(StoredOutcome.of(o))).as(o.toString()).isEqualTo(OutcomeSummary.encode(o));
    }
  }

  @Test
  void onlyOutcomesThatCompleteAKeyAreStored() {
    IntegrationOutcome<String> failed = new IntegrationOutcome.Failed<>(request("k-f").build(), OutcomeReason.RETRIES_EXHAUSTED, 3, 503, "down");

    assertThatThrownBy(() -> StoredOutcome.of(failed)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only accepted, rejected and escalated outcomes are stored, not FAILED");
  }

  @Test
  void toStringNeverShowsTheAcceptedValue() {
    StoredOutcome s = StoredOutcome.of(new IntegrationOutcome.Accepted<>(request("k-s").build(), "secret-ish-value", 1, 200, Map.of()));

    assertThat(s.toString()).doesNotContain("secret-ish-value").contains("ACCEPTED");
  }
}
