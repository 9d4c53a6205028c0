package com.algosure.integration.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.OutcomeReason;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The {@link IdempotencyStoreContract} for a store that keeps its records outside the JVM (a database, Redis):
 * a completed key replays the outcome's summary (kind, reason, attempts, status, safe fields) and never the
 * accepted value or the request's payload; a stored outcome that cannot be decoded is an error, never a replay;
 * a host's outcome codec replaces the summary.
 */
public abstract class DistributedIdempotencyStoreContract extends IdempotencyStoreContract {

  /** @return the outcome as the store wrote it for this key, as text */
  protected abstract String storedOutcome(IdempotencyKey key);

  /** Overwrites the stored outcome of this completed key with text that is not an encoded outcome. */
  protected abstract void corruptStoredOutcome(IdempotencyKey key);

  /** @return the store's exception type */
  protected abstract Class<? extends RuntimeException> storeException();

  /** @return a store handle (reading {@link #clock}) that encodes and decodes outcomes with this codec */
  protected abstract IdempotencyStore storeWithCodec(Function<Object, String> encode, Function<String, Object> decode);

  @Override
  protected void assertReplays(Object replayed, IntegrationOutcome<String> completedWith) {
    assertThat(replayed).isEqualTo(Map.of("outcome", "integration", "kind", "ACCEPTED", "reason", "ACCEPTED",
        "attempts", 1, "status", 202, "safeFields", Map.of("messageId", "m-42")));
  }

  @Test
  void completeWhenOutcomeHoldsValueAndPayloadThenNeitherIsStored() {
    IdempotencyStore store = store();
    store.claim(key("stored"), FP, "owner-1", TTL);
    store.complete(key("stored"), "owner-1", accepted(), TTL);

    assertThat(storedOutcome(key("stored"))).contains("ACCEPTED").doesNotContain("message-42")
        .doesNotContain("someone@example.com");
  }

  @Test
  void claimWhenCompletedRecordHoldsUndecodableOutcomeThenThrowsInsteadOfReplaying() {
    IdempotencyStore store = store();
    store.claim(key("corrupt"), FP, "owner-1", TTL);
    store.complete(key("corrupt"), "owner-1", accepted(), TTL);
    corruptStoredOutcome(key("corrupt"));

    assertThatThrownBy(() -> store.claim(key("corrupt"), FP, "owner-2", TTL))
        .isInstanceOf(storeException())
        .hasMessage("a completed idempotency record's outcome could not be decoded (IllegalArgumentException); check "
            + "the store's outcome codec");
  }

  @Test
  void claimWhenHostCodecGivenThenItsOutcomeIsReplayed() {
    IdempotencyStore store = storeWithCodec(o -> ((IntegrationOutcome<?>) o).reason().name(), OutcomeReason::valueOf);
    store.claim(key("codec"), FP, "owner-1", TTL);
    store.complete(key("codec"), "owner-1", accepted(), TTL);

    assertThat(store.claim(key("codec"), FP, "owner-2", TTL)).isEqualTo(new ClaimResult.Completed(OutcomeReason.ACCEPTED));
  }
}
