package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The state of one call as it moves through the steps: what the steps found out (provider, endpoint,
 * decision, key, secrets, response) and where in the pipeline it is. One per call, used by one thread at
 * a time (the retry listener runs on the calling thread or Failsafe's scheduler, never concurrently).
 */
final class CallState<T> {

  final IntegrationRequest request;
  final ProviderCall<T> call;
  private final GuardStep[] steps;
  private int next;

  @Nullable ProviderRuntime provider;
  private @Nullable RateLimitKey tenantKey;
  Optional<ConsentScope> consentScope = Optional.empty();
  @Nullable String consentId;
  @Nullable AuthorizationDecision decision;
  @Nullable URI endpoint;
  @Nullable IdempotencyKey idempotencyKey;
  /** {@link #providerKey()}, once an attempt has asked for it. */
  private @Nullable String providerKey;
  @Nullable String owner;
  /**
   * The guard's ticker just before the key was claimed: the claim holds at least {@code ProviderRuntime#claimTtl}
   * from then (meaningful only while {@link #owner} is set).
   */
  long claimedNanos;
  Map<SecretRef, Secret> secrets = Map.of();
  /** When the earliest of the call's secret leases runs out (null: no secrets); renewed before an attempt after it. */
  @Nullable Instant secretsExpireAt;
  @Nullable ProviderResponse response;
  /** The hex SHA-256 of {@link #response}'s body, computed once for the response and fact audit records. */
  @Nullable String responseSha256;
  int attempts;
  volatile @Nullable Instant waitedUntil;
  boolean maybeSent;
  /**
   * Whether every attempt so far sent only {@code GET}, {@code HEAD} or {@code OPTIONS} through
   * {@link CallContext#send} (false once an attempt sent anything else, or used a client of its own).
   */
  boolean onlySafeMethods = true;
  String lastError = "none";

  CallState(IntegrationRequest request, ProviderCall<T> call, GuardStep[] steps) {
    this.request = request;
    this.call = call;
    this.steps = steps;
  }

  /** Runs the next step. */
  IntegrationOutcome<T> proceed() {
    return steps[next++].apply(this);
  }

  ProviderRuntime provider() {
    ProviderRuntime p = provider;
    if (p == null) {
      throw new IllegalStateException("provider step has not run");
    }
    return p;
  }

  /** @return the tenant × provider rate-limit key, made once per call */
  RateLimitKey tenantKey() {
    RateLimitKey k = tenantKey;
    if (k == null) {
      k = RateLimitKey.of(provider().policy.provider(), tenant());
      tenantKey = k;
    }
    return k;
  }

  /** @return the tenant: the tenant step, the first, denies a call without one, so every later step has it */
  TenantId tenant() {
    return castToNonNull(request.tenantOrNull());
  }

  @Nullable Actor actor() {
    return request.actorOrNull();
  }

  /**
   * @return whether the request may have reached the provider: an attempt reported it may have, or an
   *     exchange was entered (whatever escapes after that cannot prove that nothing left)
   */
  boolean mayHaveSent() {
    return maybeSent || attempts > 0;
  }

  /** @return whether resending is safe: attempts were made, and every one sent only GET, HEAD or OPTIONS */
  boolean resendSafe() {
    return attempts > 0 && onlySafeMethods;
  }

  IntegrationOutcome<T> denied(OutcomeReason reason, String message) {
    return new IntegrationOutcome.Denied<>(request, reason, Optional.ofNullable(decision), message);
  }

  IntegrationOutcome<T> failed(OutcomeReason reason, int status, String message) {
    return new IntegrationOutcome.Failed<>(request, reason, attempts, status, message);
  }

  /** @param retryAfter when a resubmission can be sent, where the guard knows it (an open circuit's trial) */
  IntegrationOutcome<T> failed(OutcomeReason reason, int status, String message, Instant retryAfter) {
    return new IntegrationOutcome.Failed<>(request, reason, attempts, status, message, Optional.of(retryAfter));
  }

  IntegrationOutcome<T> rateLimited(OutcomeReason reason, Instant retryAfter) {
    return new IntegrationOutcome.RateLimited<>(request, reason, retryAfter, attempts);
  }

  IntegrationOutcome<T> rejected(OutcomeReason reason, @Nullable String evidenceRef, String message) {
    return new IntegrationOutcome.Rejected<>(request, reason, Optional.ofNullable(evidenceRef), message);
  }

  /**
   * @return what the provider gets in its idempotency header, {@link IdempotencyKey#providerKey()} of the claimed key
   *     (null without one), derived on first use: a SHA-256 that a call whose exchange never builds a request through
   *     {@link CallContext} does not pay for. Attempts of a call run one after another; a racing read of an exchange
   *     that outlived its attempt derives the same immutable string again.
   */
  @Nullable String providerKey() {
    IdempotencyKey key = idempotencyKey;
    if (key == null) {
      return null;
    }
    String k = providerKey;
    if (k == null) {
      k = key.providerKey();
      providerKey = k;
    }
    return k;
  }
}
