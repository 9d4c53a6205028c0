package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An unknown provider state handed to the owning domain: the guard cannot tell whether the provider acted
 * (a timeout after the request was sent, a lost connection, an unrecorded fact). The idempotency key stays
 * reserved and the evidence is kept until the domain resolves it. Also what {@link EscalationHandler#review}
 * receives for a rejected answer to a request that may have changed something at the provider.
 *
 * <p>Immutable and thread-safe; carries ids, counts and references, never a secret or a body.
 *
 * @param id the escalation's id
 * @param tenant the tenant
 * @param provider the provider
 * @param action the provider action
 * @param idempotencyKey the caller's idempotency key, if it gave one
 * @param correlationId the caller's correlation id, if it gave one
 * @param attempts how many attempts were made
 * @param lastError what the last attempt ended with (an exception class or a status), never a message body
 * @param evidenceRef the reference of the evidence in the {@link EvidenceStore}
 * @param at when the state became unknown
 * @since 0.1.0
 */
public record Escalation(String id, TenantId tenant, ProviderId provider, String action,
    Optional<String> idempotencyKey, Optional<String> correlationId, int attempts, String lastError,
    String evidenceRef, Instant at) {

  /** @throws NullPointerException if a component is null */
  public Escalation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(evidenceRef, "evidenceRef");
    Objects.requireNonNull(at, "at");
  }
}
