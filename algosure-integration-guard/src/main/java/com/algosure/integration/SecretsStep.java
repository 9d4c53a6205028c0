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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 8: resolves the secrets the provider declares, for this call only (a {@code {tenant}} template
 * reference resolves to the call's tenant's secret). Leases are cached no longer than
 * they last (checked against the injected clock on every use). Each use is audited by reference. A missing
 * or failing secret fails the call before anything is sent; an AI agent never receives a secret.
 *
 * <p>A call's leases may run out while it retries: before each attempt, {@code ResilientExecutionStep} asks
 * {@link #renewIfExpired} to resolve them again (audited as a credential use like the first), and sends
 * nothing if that fails.
 */
final class SecretsStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(SecretsStep.class);

  private final SecretStore store;
  private final Clock clock;
  private final Auditor auditor;
  private final Cache<SecretRef, Leased> leases =
      Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run).build();

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
    if (refs.size() == 1) {
      return one(c, refs.iterator().next(), now);
    }
    String missing = resolveAll(c, refs, now);
    return missing == null ? c.proceed() : unavailable(c, missing, "nothing was sent");
  }

  /** The common case, one declared secret, without the maps. */
  private <T> IntegrationOutcome<T> one(CallState<T> c, SecretRef declared, Instant now) {
    String missing = resolveOne(c, declared, now);
    return missing == null ? c.proceed() : unavailable(c, missing, "nothing was sent");
  }

  /**
   * Renews the call's leases if one has expired by {@code now} (the guard's clock), before an attempt: each is
   * resolved again (from the cache if another call renewed it) and audited as a credential use.
   *
   * @return null if the call's secrets are valid at {@code now}, else the reference that could not be renewed
   *     (its failure already audited): the attempt must not be sent
   */
  @Nullable String renewIfExpired(CallState<?> c, Instant now) {
    Instant expiresAt = c.secretsExpireAt;
    if (expiresAt == null || now.isBefore(expiresAt)) {
      return null;
    }
    Set<SecretRef> refs = c.provider().policy.secrets();
    String missing = refs.size() == 1 ? resolveOne(c, refs.iterator().next(), now) : resolveAll(c, refs, now);
    if (missing != null) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.SECRET_UNAVAILABLE)
          .detail("secretRef", missing).detail("attempt", Text.decimal(c.attempts + 1)));
    }
    return missing;
  }

  /** Resolves and audits every declared secret into the call; returns the reference that failed, or null. */
  private @Nullable String resolveAll(CallState<?> c, Set<SecretRef> refs, Instant now) {
    Map<SecretRef, Secret> resolved = new HashMap<>(refs.size() * 2);
    Map<SecretRef, Leased> used = new HashMap<>(refs.size() * 2);
    Instant earliest = null;
    for (SecretRef declared : refs) {
      SecretRef ref = concrete(c, declared);
      Leased lease = ref == null ? null : lease(ref, now);
      if (lease == null) {
        return (ref == null ? declared : ref).name();
      }
      // the call looks the secret up by the declared reference; the audit names the tenant's concrete one
      resolved.put(declared, lease.lease.secret());
      used.put(ref, lease);
      Instant at = lease.lease.expiresAt();
      earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
    }
    for (Map.Entry<SecretRef, Leased> e : used.entrySet()) {
      audit(c, e.getKey(), e.getValue(), now);
    }
    c.secrets = Map.copyOf(resolved);
    c.secretsExpireAt = earliest;
    return null;
  }

  private @Nullable String resolveOne(CallState<?> c, SecretRef declared, Instant now) {
    SecretRef ref = concrete(c, declared);
    Leased lease = ref == null ? null : lease(ref, now);
    if (lease == null) {
      return (ref == null ? declared : ref).name();
    }
    audit(c, ref, lease, now);
    c.secrets = Map.of(declared, lease.lease.secret());
    c.secretsExpireAt = lease.lease.expiresAt();
    return null;
  }

  private static @Nullable SecretRef concrete(CallState<?> c, SecretRef declared) {
    try {
      return declared.forTenant(c.request.tenantOrNull());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private <T> IntegrationOutcome<T> unavailable(CallState<T> c, String ref, String what) {
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.SECRET_UNAVAILABLE)
        .detail("secretRef", ref));
    return c.failed(OutcomeReason.SECRET_UNAVAILABLE, 0, "secret '" + ref + "' is not available, so " + what);
  }

  private void audit(CallState<?> c, SecretRef ref, Leased lease, Instant now) {
    auditor.emit(auditor.event(AuditEventType.CREDENTIAL_USE, c, "USED", now)
        .detail("secretRef", ref.name()).detail("leaseExpiresAt", lease.expiresAt));
  }

  private @Nullable Leased lease(SecretRef ref, Instant now) {
    Leased cached = leases.getIfPresent(ref);
    if (cached != null && cached.lease.validAt(now)) {
      return cached;
    }
    Optional<SecretLease> fresh;
    try {
      fresh = store.resolve(ref, now);
    } catch (Exception e) { // host code, a checked exception thrown sneakily included: the secret is unavailable
      LOG.warn("secret store failed to resolve '{}': {}", ref, e.getClass().getName());
      return null;
    }
    if (fresh == null || fresh.isEmpty() || !fresh.get().validAt(now)) {
      leases.invalidate(ref);
      return null;
    }
    Leased leased = new Leased(fresh.get());
    leases.put(ref, leased);
    return leased;
  }

  /** A lease with its expiry as the audit records it, formatted once per lease rather than on every use. */
  private static final class Leased {
    final SecretLease lease;
    final String expiresAt;

    Leased(SecretLease lease) {
      this.lease = lease;
      this.expiresAt = lease.expiresAt().toString();
    }
  }
}
