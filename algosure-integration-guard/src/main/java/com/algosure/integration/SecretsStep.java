package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.authz.Actor;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretLease;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
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
 * or failing secret fails the call before anything is sent; an AI agent never receives a secret. Under the
 * fail-closed audit policy a secret whose use cannot be audited is not used either: the call fails with
 * {@code AUDIT_FAILED} before anything is sent.
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
  /**
   * The leases, each dropped when it ends on the guard's clock (at the next use of the cache), not only ignored:
   * a secret whose tenant makes no further call is not kept in memory past its lease.
   */
  private final Cache<SecretRef, Leased> leases;
  /**
   * The cache's ticker: the guard-clock time (epoch nanoseconds) of the look-up in progress, published by
   * {@link #lease} before it touches the cache, so the cache expires leases on the time the step decides on without
   * reading the clock again on every call.
   */
  private volatile long tickerNanos;

  SecretsStep(SecretStore store, Clock clock, Auditor auditor) {
    this.store = store;
    this.clock = clock;
    this.auditor = auditor;
    this.leases = Caffeine.newBuilder().maximumSize(10_000).executor(Runnable::run)
        .ticker(() -> tickerNanos)
        .expireAfter(new Expiry<SecretRef, Leased>() {
          @Override
          public long expireAfterCreate(SecretRef ref, Leased lease, long currentTime) {
            return Math.max(0, nanos(lease.lease.expiresAt()) - currentTime);
          }

          @Override
          public long expireAfterUpdate(SecretRef ref, Leased lease, long currentTime, long currentDuration) {
            return expireAfterCreate(ref, lease, currentTime);
          }

          @Override
          public long expireAfterRead(SecretRef ref, Leased lease, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** @return an instant as nanoseconds since the epoch, saturated (a lease may end at {@link Instant#MAX}) */
  private static long nanos(Instant at) {
    long seconds = at.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + at.getNano();
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
    Unavailable missing = resolveAll(c, refs, now);
    return missing == null ? c.proceed() : unavailable(c, missing);
  }

  /** The common case, one declared secret, without the maps. */
  private <T> IntegrationOutcome<T> one(CallState<T> c, SecretRef declared, Instant now) {
    Unavailable missing = resolveOne(c, declared, now);
    return missing == null ? c.proceed() : unavailable(c, missing);
  }

  /**
   * Why a call's secrets were not handed out.
   *
   * @param ref the reference that could not be resolved, or whose use could not be audited
   * @param notAudited whether it resolved but its use could not be audited (fail-closed audit policy)
   */
  record Unavailable(String ref, boolean notAudited) {}

  /**
   * Renews the call's leases if one has expired by {@code now} (the guard's clock), before an attempt: each is
   * resolved again (from the cache if another call renewed it) and audited as a credential use.
   *
   * @return null if the call's secrets are valid at {@code now}, else the reference that could not be renewed (its
   *     failure already audited) or whose renewed use could not be audited: the attempt must not be sent
   */
  @Nullable Unavailable renewIfExpired(CallState<?> c, Instant now) {
    Instant expiresAt = c.secretsExpireAt;
    if (expiresAt == null || now.isBefore(expiresAt)) {
      return null;
    }
    Set<SecretRef> refs = c.provider().policy.secrets();
    Unavailable missing = refs.size() == 1 ? resolveOne(c, refs.iterator().next(), now) : resolveAll(c, refs, now);
    if (missing != null && !missing.notAudited()) {
      auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.SECRET_UNAVAILABLE)
          .detail("secretRef", missing.ref()).detail("attempt", Text.decimal(c.attempts + 1)));
    }
    return missing;
  }

  /** Resolves and audits every declared secret into the call; returns why one was not handed out, or null. */
  private @Nullable Unavailable resolveAll(CallState<?> c, Set<SecretRef> refs, Instant now) {
    Map<SecretRef, Secret> resolved = new HashMap<>(refs.size() * 2);
    Map<SecretRef, Leased> used = new HashMap<>(refs.size() * 2);
    Instant earliest = null;
    for (SecretRef declared : refs) {
      SecretRef ref = concrete(c, declared);
      Leased lease = ref == null ? null : lease(ref, now);
      if (lease == null) {
        return new Unavailable((ref == null ? declared : ref).name(), false);
      }
      // the call looks the secret up by the declared reference; the audit names the tenant's concrete one
      resolved.put(declared, lease.lease.secret());
      used.put(ref, lease);
      Instant at = lease.lease.expiresAt();
      earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
    }
    for (Map.Entry<SecretRef, Leased> e : used.entrySet()) {
      if (!audit(c, e.getKey(), e.getValue(), now)) {
        return new Unavailable(e.getKey().name(), true);
      }
    }
    c.secrets = Map.copyOf(resolved);
    c.secretsExpireAt = earliest;
    return null;
  }

  private @Nullable Unavailable resolveOne(CallState<?> c, SecretRef declared, Instant now) {
    SecretRef ref = concrete(c, declared);
    if (ref == null) {
      return new Unavailable(declared.name(), false);
    }
    Leased lease = lease(ref, now);
    if (lease == null) {
      return new Unavailable(ref.name(), false);
    }
    if (!audit(c, ref, lease, now)) {
      return new Unavailable(ref.name(), true);
    }
    c.secrets = Map.of(declared, lease.lease.secret());
    c.secretsExpireAt = lease.lease.expiresAt();
    return null;
  }

  private static @Nullable SecretRef concrete(CallState<?> c, SecretRef declared) {
    try {
      return declared.forTenant(c.tenant());
    } catch (IllegalArgumentException e) {
      // names the template and the tenant's id only, never a value
      LOG.warn("secret '{}' cannot be resolved for this tenant: {}", declared, e.getMessage());
      return null;
    }
  }

  private <T> IntegrationOutcome<T> unavailable(CallState<T> c, Unavailable missing) {
    if (missing.notAudited()) {
      return c.failed(OutcomeReason.AUDIT_FAILED, 0, "the use of secret '" + missing.ref()
          + "' could not be audited, so nothing was sent");
    }
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE, c, "FAILED", OutcomeReason.SECRET_UNAVAILABLE)
        .detail("secretRef", missing.ref()));
    return c.failed(OutcomeReason.SECRET_UNAVAILABLE, 0, "secret '" + missing.ref() + "' is not available, so nothing was sent");
  }

  /** @return false if the use could not be audited under the fail-closed policy: the secret must not be used */
  private boolean audit(CallState<?> c, SecretRef ref, Leased lease, Instant now) {
    return auditor.emit(auditor.event(AuditEventType.CREDENTIAL_USE, c, "USED", now)
        .detail("secretRef", ref.name()).detail("leaseExpiresAt", lease.expiresAt)) || !auditor.failClosed();
  }

  /** @return how many leases the cache holds, once its expired ones are gone; for tests */
  long cachedLeases() {
    leases.cleanUp();
    return leases.estimatedSize();
  }

  private @Nullable Leased lease(SecretRef ref, Instant now) {
    long nanos = nanos(now);
    if (nanos != tickerNanos) { // written when time has moved, so threads do not contend for the field's cache line
      tickerNanos = nanos;
    }
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
