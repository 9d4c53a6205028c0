package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the guard keeps about a call it could not turn into an accepted fact: a rejected (invalid) response
 * or an unknown state. The raw response body is kept here for review (never in the audit trail), so an
 * evidence store holds data that must be protected like the provider's own.
 *
 * <p>Immutable and thread-safe; {@link #toString()} shows sizes, not the body.
 *
 * @param kind why it was kept: {@code REJECTED_RESPONSE} or {@code UNKNOWN_STATE}
 * @param tenant the tenant
 * @param provider the provider
 * @param action the provider action
 * @param idempotencyKey the caller's idempotency key, if any
 * @param correlationId the caller's correlation id, if any
 * @param requestFingerprint the request's fingerprint (payload, content type, endpoint override)
 * @param attempts how many attempts were made
 * @param status the last response's HTTP status, if there was a response
 * @param responseBody the last response's raw body (empty if none)
 * @param lastError what the last attempt ended with (an exception class, a validation message)
 * @param at when it was kept
 * @since 0.1.0
 */
public record Evidence(String kind, TenantId tenant, ProviderId provider, String action,
    Optional<String> idempotencyKey, Optional<String> correlationId, String requestFingerprint, int attempts,
    OptionalInt status, byte[] responseBody, String lastError, Instant at) {

  /** @throws NullPointerException if a component is null */
  public Evidence {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(requestFingerprint, "requestFingerprint");
    Objects.requireNonNull(status, "status");
    responseBody = Objects.requireNonNull(responseBody, "responseBody").clone();
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(at, "at");
  }

  /** @return a copy of the raw response body */
  @Override
  public byte[] responseBody() {
    return responseBody.clone();
  }

  @Override
  public String toString() {
    return "Evidence[" + kind + ", tenant=" + tenant + ", provider=" + provider + ", action=" + action
        + ", idempotencyKey=" + idempotencyKey.orElse("-") + ", attempts=" + attempts + ", status=" + status
        + ", body=" + responseBody.length + " bytes, lastError=" + lastError + ", at=" + at + "]";
  }
}
