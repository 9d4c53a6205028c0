package com.algosure.integration;

import java.util.List;

/**
 * Machine-readable reasons an {@link IntegrationOutcome} carries.
 *
 * @since 0.1.0
 */
public enum OutcomeReason {
  /** The provider's response was valid and became an accepted fact. */
  ACCEPTED(IntegrationOutcome.Kind.ACCEPTED),

  /** The request named no tenant. */
  TENANT_MISSING(IntegrationOutcome.Kind.DENIED),
  /** The request named no authenticated actor. */
  ACTOR_MISSING(IntegrationOutcome.Kind.DENIED),
  /** The provider is not registered with the guard. */
  PROVIDER_UNKNOWN(IntegrationOutcome.Kind.DENIED),
  /** The provider has no such action registered. */
  ACTION_UNKNOWN(IntegrationOutcome.Kind.DENIED),
  /** The policy decision point denied the action. */
  AUTHORIZATION_DENIED(IntegrationOutcome.Kind.DENIED),
  /** The action is high impact and needs an approval (the decision is in the outcome). */
  APPROVAL_REQUIRED(IntegrationOutcome.Kind.DENIED),
  /** The action needs multi-factor step-up (the decision is in the outcome). */
  STEP_UP_REQUIRED(IntegrationOutcome.Kind.DENIED),
  /** The policy decision point could not be asked. */
  AUTHORIZATION_UNAVAILABLE(IntegrationOutcome.Kind.DENIED),
  /** No consent covers the action's scope. */
  CONSENT_MISSING(IntegrationOutcome.Kind.DENIED),
  /** The consent for the action's scope has expired. */
  CONSENT_EXPIRED(IntegrationOutcome.Kind.DENIED),
  /** The consent for the action's scope was revoked. */
  CONSENT_REVOKED(IntegrationOutcome.Kind.DENIED),
  /** The consent registry could not answer. */
  CONSENT_UNAVAILABLE(IntegrationOutcome.Kind.DENIED),
  /** The endpoint is not {@code https} (or plain {@code http} to a host that is not an allowed loopback). */
  TRANSPORT_INSECURE(IntegrationOutcome.Kind.DENIED),
  /**
   * The request's endpoint override, or a request URI of the call, is not on one of the provider's allowed
   * origins (its registered endpoint's, or one added with {@link ProviderPolicy.Builder#allowedOrigin}); nothing
   * was sent, so the provider's credentials did not leave.
   */
  ENDPOINT_NOT_ALLOWED(IntegrationOutcome.Kind.DENIED),
  /** An AI agent asked for a call that needs secrets; agents never receive secrets. */
  SECRETS_NOT_FOR_AGENTS(IntegrationOutcome.Kind.DENIED),

  /** Our own limit for the tenant × provider (or provider-wide) is used up for now. */
  RATE_LIMIT_EXCEEDED(IntegrationOutcome.Kind.RATE_LIMITED),
  /**
   * The provider answered 429, or 503 with {@code Retry-After} (or its own signal); the key is paused until the
   * retry-after instant.
   */
  PROVIDER_RATE_LIMITED(IntegrationOutcome.Kind.RATE_LIMITED),
  /** The key is paused by an earlier 429 (or 503 with {@code Retry-After}) of the provider; nothing was sent. */
  PROVIDER_PAUSED(IntegrationOutcome.Kind.RATE_LIMITED),

  /** The provider's response failed validation; evidence kept. */
  RESPONSE_INVALID(IntegrationOutcome.Kind.REJECTED),
  /** The provider's response body was over the size limit; evidence kept. */
  RESPONSE_TOO_LARGE(IntegrationOutcome.Kind.REJECTED),
  /** The idempotency key was used before with another request (another payload, content type or endpoint override). */
  IDEMPOTENCY_KEY_REUSED(IntegrationOutcome.Kind.REJECTED),
  /** The provider requires an idempotency key and the request has none. */
  IDEMPOTENCY_KEY_MISSING(IntegrationOutcome.Kind.REJECTED),

  /** Transient failures lasted past the bounded retry policy. */
  RETRIES_EXHAUSTED(IntegrationOutcome.Kind.FAILED),
  /** A transient failure was not retried because the provider's retry budget is spent. */
  RETRY_BUDGET_EXHAUSTED(IntegrationOutcome.Kind.FAILED),
  /**
   * The provider's circuit breaker is open: nothing was sent, or, when it opened partway through the call, no
   * attempt after that (the outcome's attempts and message say how many were made before).
   */
  CIRCUIT_OPEN(IntegrationOutcome.Kind.FAILED),
  /** The provider answered with an error that is not retried (4xx other than 408/429, or 5xx other than 502-504). */
  PROVIDER_ERROR(IntegrationOutcome.Kind.FAILED),
  /** The provider call failed before anything was sent, for a reason that is not transient. */
  CALL_FAILED(IntegrationOutcome.Kind.FAILED),
  /** A secret the provider needs could not be resolved; nothing was sent. */
  SECRET_UNAVAILABLE(IntegrationOutcome.Kind.FAILED),
  /** The idempotency store could not answer; nothing was sent. */
  IDEMPOTENCY_UNAVAILABLE(IntegrationOutcome.Kind.FAILED),
  /**
   * The request's tenant holds as many live idempotency keys (in flight, or completed within their time to live) as
   * the store (in-memory or Redis) lets one tenant hold ({@code IdempotencyTenantFullException}); other tenants are still
   * served, and nothing was sent. A later call passes once the tenant's earlier keys expire.
   */
  IDEMPOTENCY_TENANT_LIMIT(IntegrationOutcome.Kind.FAILED),
  /** The rate-limit store could not answer; nothing was sent. */
  RATE_LIMIT_UNAVAILABLE(IntegrationOutcome.Kind.FAILED),
  /** The request could not be audited before it was sent (fail-closed audit policy); nothing was sent. */
  AUDIT_FAILED(IntegrationOutcome.Kind.FAILED),
  /** The guard itself failed unexpectedly before anything was sent. */
  GUARD_FAILURE(IntegrationOutcome.Kind.FAILED),

  /** The provider's state is unknown (timeout or failure after the request was sent); escalated. */
  UNKNOWN_STATE(IntegrationOutcome.Kind.ESCALATED),
  /** The provider acted but the accepted fact could not be audited (fail-closed audit policy); escalated. */
  FACT_NOT_AUDITED(IntegrationOutcome.Kind.ESCALATED),
  /**
   * The provider answered, but the call's idempotency key could not be completed with the outcome: the claim ran out
   * during the host's work after the answer (its validator, audit sink or evidence store) and another request took
   * the key meanwhile, or the idempotency store refused the completion. A resubmission under the key may be sent
   * again, so the answer is not accepted: it is escalated, with the answer as evidence, for the owning domain to
   * reconcile.
   */
  IDEMPOTENCY_KEY_LOST(IntegrationOutcome.Kind.ESCALATED),

  /** A call with the same key completed before; its outcome is returned. */
  DUPLICATE_COMPLETED(IntegrationOutcome.Kind.DUPLICATE),
  /** A call with the same key is still running; nothing was sent again. */
  DUPLICATE_IN_PROGRESS(IntegrationOutcome.Kind.DUPLICATE);

  private final IntegrationOutcome.Kind kind;
  /** The reason as an audit event's reason list, made once. */
  private final List<String> asReasons;

  OutcomeReason(IntegrationOutcome.Kind kind) {
    this.kind = kind;
    this.asReasons = List.of(name());
  }

  List<String> asReasons() {
    return asReasons;
  }

  /** @return the kind of outcome this reason belongs to */
  public IntegrationOutcome.Kind kind() {
    return kind;
  }
}
