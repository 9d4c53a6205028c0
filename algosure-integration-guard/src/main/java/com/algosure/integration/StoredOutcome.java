package com.algosure.integration;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The first outcome of an idempotency key as the guard completes the key with it
 * ({@link com.algosure.integration.spi.IdempotencyStore#complete}): everything a duplicate's replay shows
 * (kind, reason, attempts, status, accepted value, safe fields, evidence and escalation references, message),
 * without the request and its payload, so a store holding many keys does not hold their payloads. A duplicate
 * gets the first outcome back through {@link #replay(IntegrationRequest)}, answering the duplicate's own
 * request (the same key and the same payload fingerprint as the first).
 *
 * <p>Only accepted, rejected and escalated outcomes complete a key (the others release it). Immutable and
 * thread-safe; {@link #toString()} never shows the accepted value.
 *
 * <p>An accepted {@link JsonNode} value is kept as a copy of the first call's, and each replay (and
 * {@link #value()}) hands out a copy of its own: what the first caller or a duplicate does to its value never
 * changes what a later duplicate is shown. A value of another type is shared by the first call and every replay,
 * so it should be immutable (a record, a string).
 *
 * <p>The {@code JsonNode} copy is one per completed key: a key's replays show the first outcome as it was, which
 * no copy made only on replay could promise once the first caller has changed its own value.
 *
 * @since 0.1.0
 */
public abstract class StoredOutcome {

  private final OutcomeReason reason;

  private StoredOutcome(OutcomeReason reason) {
    this.reason = reason;
  }

  /**
   * @param outcome an accepted, rejected or escalated outcome
   * @return what a replay of it needs
   * @throws IllegalArgumentException if the outcome is of another kind (it never completes a key)
   */
  public static StoredOutcome of(IntegrationOutcome<?> outcome) {
    Objects.requireNonNull(outcome, "outcome");
    if (outcome instanceof IntegrationOutcome.Accepted<?> a) {
      return new Accepted(detached(a.acceptedValue()), a.attempts(), a.status(), a.safeFields());
    }
    if (outcome instanceof IntegrationOutcome.Rejected<?> r) {
      return new Rejected(r.reason(), r.evidenceRef().orElse(null), r.message());
    }
    if (outcome instanceof IntegrationOutcome.Escalated<?> e) {
      return new Escalated(e.reason(), e.escalationId(), e.evidenceRef(), e.attempts());
    }
    throw new IllegalArgumentException("only accepted, rejected and escalated outcomes are stored, not " + outcome.kind());
  }

  /** @return a {@link JsonNode} as a copy nobody else holds (JSON values are mutable); any other value as it is */
  private static Object detached(Object value) {
    return value instanceof JsonNode node ? node.deepCopy() : value;
  }

  /**
   * The first outcome again, as the answer to a duplicate.
   *
   * @param request the duplicate's request
   * @param <T> the accepted value's type (the first call's: a key is used with one kind of call)
   * @return the first outcome, carrying {@code request}
   */
  public abstract <T> IntegrationOutcome<T> replay(IntegrationRequest request);

  /** @return the kind of the first outcome */
  public IntegrationOutcome.Kind kind() {
    return reason.kind();
  }

  /** @return the reason of the first outcome */
  public OutcomeReason reason() {
    return reason;
  }

  /** @return how many attempts the first call made (0 for a rejection) */
  public int attempts() {
    return 0;
  }

  /** @return the provider's HTTP status of an accepted outcome, else 0 */
  public int status() {
    return 0;
  }

  /** @return the accepted value (a {@link JsonNode} as a copy of its own); empty unless accepted */
  public Optional<Object> value() {
    return Optional.empty();
  }

  /** @return the safe fields of an accepted outcome, else empty */
  public Map<String, String> safeFields() {
    return Map.of();
  }

  /** @return the evidence reference of a rejected or escalated outcome, if any */
  public Optional<String> evidenceRef() {
    return Optional.empty();
  }

  /** @return the escalation id of an escalated outcome, else empty */
  public Optional<String> escalationId() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "StoredOutcome[" + reason + ", attempts=" + attempts() + ", status=" + status() + "]";
  }

  private static final class Accepted extends StoredOutcome {
    private final Object value;
    private final int attempts;
    private final int status;
    private final Map<String, String> safeFields;

    Accepted(Object value, int attempts, int status, Map<String, String> safeFields) {
      super(OutcomeReason.ACCEPTED);
      this.value = value;
      this.attempts = attempts;
      this.status = status;
      this.safeFields = safeFields; // already an immutable copy in the outcome
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> IntegrationOutcome<T> replay(IntegrationRequest request) {
      return new IntegrationOutcome.Accepted<>(request, (T) detached(value), attempts, status, safeFields);
    }

    @Override
    public int attempts() {
      return attempts;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public Optional<Object> value() {
      return Optional.of(detached(value));
    }

    @Override
    public Map<String, String> safeFields() {
      return safeFields;
    }
  }

  private static final class Rejected extends StoredOutcome {
    private final @Nullable String evidenceRef;
    private final String message;

    Rejected(OutcomeReason reason, @Nullable String evidenceRef, String message) {
      super(reason);
      this.evidenceRef = evidenceRef;
      this.message = message;
    }

    @Override
    public <T> IntegrationOutcome<T> replay(IntegrationRequest request) {
      return new IntegrationOutcome.Rejected<>(request, reason(), Optional.ofNullable(evidenceRef), message);
    }

    @Override
    public Optional<String> evidenceRef() {
      return Optional.ofNullable(evidenceRef);
    }
  }

  private static final class Escalated extends StoredOutcome {
    private final String escalationId;
    private final String evidenceRef;
    private final int attempts;

    Escalated(OutcomeReason reason, String escalationId, String evidenceRef, int attempts) {
      super(reason);
      this.escalationId = escalationId;
      this.evidenceRef = evidenceRef;
      this.attempts = attempts;
    }

    @Override
    public <T> IntegrationOutcome<T> replay(IntegrationRequest request) {
      return new IntegrationOutcome.Escalated<>(request, reason(), escalationId, evidenceRef, attempts);
    }

    @Override
    public int attempts() {
      return attempts;
    }

    @Override
    public Optional<String> evidenceRef() {
      return Optional.of(evidenceRef);
    }

    @Override
    public Optional<String> escalationId() {
      return Optional.of(escalationId);
    }
  }
}
