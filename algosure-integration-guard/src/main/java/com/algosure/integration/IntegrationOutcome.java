package com.algosure.integration;

import com.algosure.authz.AuthorizationDecision;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one {@link IntegrationGuard#execute} call: exactly one of seven outcomes, one per row of
 * the integration error table. Only {@link Accepted} carries a fact; everything else says why not and
 * what the caller can do.
 *
 * <table>
 *   <caption>Outcomes</caption>
 *   <tr><th>outcome</th><th>meaning</th><th>provider called?</th></tr>
 *   <tr><td>{@link Accepted}</td><td>a validated response, now an accepted fact</td><td>yes</td></tr>
 *   <tr><td>{@link Denied}</td><td>tenant, authorization, consent or transport refused</td><td>no</td></tr>
 *   <tr><td>{@link RateLimited}</td><td>our limit or the provider's; resubmit after {@code retryAfter}</td><td>maybe (a 429)</td></tr>
 *   <tr><td>{@link Rejected}</td><td>an invalid response (evidence kept) or a misused idempotency key</td><td>maybe</td></tr>
 *   <tr><td>{@link Failed}</td><td>transient failures past the bounded policy, or a non-retryable error</td><td>maybe</td></tr>
 *   <tr><td>{@link Escalated}</td><td>unknown provider state, handed to the owning domain</td><td>yes</td></tr>
 *   <tr><td>{@link Duplicate}</td><td>the idempotency key was used before; the first outcome, no second effect</td><td>no</td></tr>
 * </table>
 *
 * <p>Every outcome carries the original {@link IntegrationRequest}, so nothing of a request is lost: a
 * rate-limited or failed call is resubmitted with {@code guard.execute(outcome.request(), call)}.
 *
 * <p>All implementations are immutable records and thread-safe. Their {@code toString} never shows a
 * payload, a response body or the accepted value.
 *
 * @param <T> the type of the accepted value
 * @since 0.1.0
 */
public sealed interface IntegrationOutcome<T> permits IntegrationOutcome.Accepted, IntegrationOutcome.Denied,
    IntegrationOutcome.RateLimited, IntegrationOutcome.Rejected, IntegrationOutcome.Failed,
    IntegrationOutcome.Escalated, IntegrationOutcome.Duplicate {

  /** The kinds of outcome. */
  enum Kind {
    /** See {@link Accepted}. */
    ACCEPTED,
    /** See {@link Denied}. */
    DENIED,
    /** See {@link RateLimited}. */
    RATE_LIMITED,
    /** See {@link Rejected}. */
    REJECTED,
    /** See {@link Failed}. */
    FAILED,
    /** See {@link Escalated}. */
    ESCALATED,
    /** See {@link Duplicate}. */
    DUPLICATE
  }

  /** @return the request this outcome answers, as submitted */
  IntegrationRequest request();

  /** @return the machine-readable reason */
  OutcomeReason reason();

  /** @return the kind of outcome */
  default Kind kind() {
    return reason().kind();
  }

  /** @return whether this is an {@link Accepted} outcome (a fact) */
  default boolean accepted() {
    return this instanceof Accepted;
  }

  /** @return the accepted value; empty for every outcome but {@link Accepted} */
  default Optional<T> value() {
    return Optional.empty();
  }

  private static void require(OutcomeReason reason, Kind kind) {
    Objects.requireNonNull(reason, "reason");
    if (reason.kind() != kind) {
      throw new IllegalArgumentException("reason " + reason + " is for " + reason.kind() + ", not " + kind);
    }
  }

  /**
   * The provider's response was valid: an accepted fact.
   *
   * @param request the request
   * @param acceptedValue the validated value
   * @param attempts how many attempts it took
   * @param status the provider's HTTP status
   * @param safeFields the response fields the validator marked safe (also in the audit record)
   * @param <T> the value's type
   */
  record Accepted<T>(IntegrationRequest request, T acceptedValue, int attempts, int status, Map<String, String> safeFields)
      implements IntegrationOutcome<T> {
    /** @throws NullPointerException if a component is null */
    public Accepted {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(acceptedValue, "acceptedValue");
      safeFields = Map.copyOf(safeFields);
    }

    @Override
    public OutcomeReason reason() {
      return OutcomeReason.ACCEPTED;
    }

    @Override
    public Optional<T> value() {
      return Optional.of(acceptedValue);
    }

    @Override
    public String toString() {
      return "Accepted[" + request + ", attempts=" + attempts + ", status=" + status + ", safeFields=" + safeFields + "]";
    }
  }

  /**
   * Refused before anything was sent: tenant, authorization, consent, transport or agent rules. For an
   * authorization refusal the policy decision point's decision is carried (its effect says whether an
   * approval or a step-up would help); the decision point audited it.
   *
   * @param request the request
   * @param reason why
   * @param decision the authorization decision, where one was made
   * @param message a sentence for people
   * @param <T> the value's type
   */
  record Denied<T>(IntegrationRequest request, OutcomeReason reason, Optional<AuthorizationDecision> decision, String message)
      implements IntegrationOutcome<T> {
    /** @throws IllegalArgumentException if the reason is not a denial reason */
    public Denied {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.DENIED);
      Objects.requireNonNull(decision, "decision");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Rate limited, by our limit or the provider's. Nothing of the request is lost: resubmit
   * {@link #request()} at or after {@link #retryAfter()}.
   *
   * @param request the request
   * @param reason whose limit
   * @param retryAfter the earliest time a resubmission can succeed
   * @param attempts how many attempts reached the provider (0 if none)
   * @param <T> the value's type
   */
  record RateLimited<T>(IntegrationRequest request, OutcomeReason reason, Instant retryAfter, int attempts)
      implements IntegrationOutcome<T> {
    /** @throws IllegalArgumentException if the reason is not a rate-limit reason */
    public RateLimited {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.RATE_LIMITED);
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /**
   * Rejected: the provider's response was invalid (evidence kept, nothing accepted), or the request misused
   * an idempotency key.
   *
   * @param request the request
   * @param reason why
   * @param evidenceRef the reference of the kept evidence, for an invalid response
   * @param message a sentence for people (the rule that failed, never a value)
   * @param <T> the value's type
   */
  record Rejected<T>(IntegrationRequest request, OutcomeReason reason, Optional<String> evidenceRef, String message)
      implements IntegrationOutcome<T> {
    /** @throws IllegalArgumentException if the reason is not a rejection reason */
    public Rejected {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.REJECTED);
      Objects.requireNonNull(evidenceRef, "evidenceRef");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Failed: transient failures past the bounded policy, a non-retryable provider error, or a missing
   * secret or store before anything was sent. The idempotency key is released, so the caller may resubmit.
   *
   * @param request the request
   * @param reason why
   * @param attempts how many attempts were made (0 if none)
   * @param status the last HTTP status, or 0 if there was no response
   * @param message a sentence for people
   * @param retryAfter the earliest time a resubmission can be sent, where the guard knows it: for
   *     {@link OutcomeReason#CIRCUIT_OPEN}, when the provider's circuit breaker lets a trial call through (its open
   *     time, counted from when it opened); empty for every failure whose end the guard cannot tell
   * @param <T> the value's type
   */
  record Failed<T>(IntegrationRequest request, OutcomeReason reason, int attempts, int status, String message,
      Optional<Instant> retryAfter) implements IntegrationOutcome<T> {
    /**
     * @throws IllegalArgumentException if the reason is not a failure reason
     * @throws NullPointerException if a component is null
     */
    public Failed {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.FAILED);
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * A failure without a known retry time ({@link #retryAfter()} empty).
     *
     * @param request the request
     * @param reason why
     * @param attempts how many attempts were made (0 if none)
     * @param status the last HTTP status, or 0 if there was no response
     * @param message a sentence for people
     * @throws IllegalArgumentException if the reason is not a failure reason
     * @throws NullPointerException if a component is null
     * @since 0.1.0
     */
    public Failed(IntegrationRequest request, OutcomeReason reason, int attempts, int status, String message) {
      this(request, reason, attempts, status, message, Optional.empty());
    }
  }

  /**
   * Unknown state: the provider may or may not have acted. The evidence is kept, the escalation SPI received
   * it, and the idempotency key stays reserved, so a resubmission does not blindly send again.
   *
   * @param request the request
   * @param reason why
   * @param escalationId the escalation's id
   * @param evidenceRef the reference of the kept evidence
   * @param attempts how many attempts were made
   * @param <T> the value's type
   */
  record Escalated<T>(IntegrationRequest request, OutcomeReason reason, String escalationId, String evidenceRef, int attempts)
      implements IntegrationOutcome<T> {
    /** @throws IllegalArgumentException if the reason is not an escalation reason */
    public Escalated {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.ESCALATED);
      Objects.requireNonNull(escalationId, "escalationId");
      Objects.requireNonNull(evidenceRef, "evidenceRef");
    }
  }

  /**
   * The idempotency key was used before with the same payload: no second effect. When the first call has
   * completed, {@link #first()} is its outcome (accepted, rejected or escalated), replayed from what the
   * idempotency store keeps ({@link StoredOutcome}): its {@code request()} is this duplicate's request, which
   * has the same key and payload; while the first call runs, or when the store keeps only a summary, it is
   * empty.
   *
   * <p>A duplicate is not a fact: its {@link #value()} is empty, like every outcome's but {@link Accepted}'s,
   * so a caller that records a fact whenever {@code value()} is present records each fact once. A caller
   * that answers a resubmission with the first call's value (an idempotent API replaying its response) reads
   * it from {@link #first()}: {@code duplicate.first().flatMap(IntegrationOutcome::value)}.
   *
   * @param request the request
   * @param reason completed or in progress
   * @param first the first call's outcome, once it completed
   * @param <T> the value's type
   */
  record Duplicate<T>(IntegrationRequest request, OutcomeReason reason, Optional<IntegrationOutcome<T>> first)
      implements IntegrationOutcome<T> {
    /** @throws IllegalArgumentException if the reason is not a duplicate reason */
    public Duplicate {
      Objects.requireNonNull(request, "request");
      require(reason, Kind.DUPLICATE);
      Objects.requireNonNull(first, "first");
    }

    @Override
    public String toString() {
      return "Duplicate[" + request + ", " + reason + ", first=" + first.map(o -> o.kind().name()).orElse("running") + "]";
    }
  }
}
