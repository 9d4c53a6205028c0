package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.authz.Actor;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretLease;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 8: resolves the secrets the provider declares, for this call only (a {@code {tenant}} template
 * reference resolves to the call's tenant's secret). Leases are cached no longer than
 * they last (checked against the injected clock on every use). Each use is audited by reference. A missing
 * or failing secret fails the call before anything is sent; an AI agent never receives a secret.
 */
final class SecretsStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsStep.class);

  private final SecretStore store;
  private final Clock clock;
  private final Auditor auditor;
  private final Cache<SecretRef, SecretLease> leases = Caffeine.newBuilder().maximumSize(10_000).build();

  SecretsStep(SecretStore store, Clock clock, Auditor auditor) {
    this.store = store;
    this.clock = clock;
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    Set<SecretRef> refs = c.provider().policy.secrets();
    if (refs.isEmpty()) {
      return c.proceed();
    }
    if (c.actor() instanceof Actor.Agent) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", OutcomeReason.SECRETS_NOT_FOR_AGENTS));
      return c.denied(OutcomeReason.SECRETS_NOT_FOR_AGENTS, "provider '" + c.request.provider()
          + "' needs secrets and AI agents never receive secrets: a person or service account must make this call");
    }
    Instant now = clock.instant();
    Map<SecretRef, Secret> resolved = new HashMap<>(refs.size() * 2);
    Map<SecretRef, SecretLease> used = new HashMap<>(refs.size() * 2);
    for (SecretRef declared : refs) {
      SecretRef ref;
      try {
        ref = declared.forTenant(c.request.tenantOrNull());
      } catch (IllegalArgumentException e) {
        ref = null;
      }
      SecretLease lease = ref == null ? null : lease(ref, now);
      if (lease == null) {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.SECRET_UNAVAILABLE)
            .detail("secretRef", ref == null ? declared.name() : ref.name()));
        return c.failed(OutcomeReason.SECRET_UNAVAILABLE, 0, "secret '" + (ref == null ? declared : ref)
            + "' is not available, so nothing was sent");
      }
      // the call looks the secret up by the declared reference; the audit names the tenant's concrete one
      resolved.put(declared, lease.secret());
      used.put(ref, lease);
    }
    for (Map.Entry<SecretRef, SecretLease> e : used.entrySet()) {
      auditor.emit(auditor.event(AuditEventType.CREDENTIAL_USE, c, "USED")
          .detail("secretRef", e.getKey().name()).detail("leaseExpiresAt", e.getValue().expiresAt().toString()));
    }
    c.secrets = Map.copyOf(resolved);
    return c.proceed();
  }

  private @org.jspecify.annotations.Nullable SecretLease lease(SecretRef ref, Instant now) {
    SecretLease cached = leases.getIfPresent(ref);
    if (cached != null && cached.validAt(now)) {
      return cached;
    }
    Optional<SecretLease> fresh;
    try {
      fresh = store.resolve(ref, now);
    } catch (RuntimeException e) {
      LOG.warn("secret store failed to resolve '{}': {}", ref, e.getClass().getName());
      return null;
    }
    if (fresh == null || fresh.isEmpty() || !fresh.get().validAt(now)) {
      leases.invalidate(ref);
      return null;
    }
    leases.put(ref, fresh.get());
    return fresh.get();
  }
}
