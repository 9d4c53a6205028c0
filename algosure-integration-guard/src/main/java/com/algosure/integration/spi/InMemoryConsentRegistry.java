package com.algosure.integration.spi;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Consents held in memory, for tests and examples. Thread-safe; a revocation is seen by the next check, and of
 * concurrent revocations of one consent exactly one finds it.
 *
 * @since 0.1.0
 */
public final class InMemoryConsentRegistry implements ConsentRegistry {

  private final Clock clock;
  private final Map<TenantId, List<Consent>> byTenant = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  InMemoryConsentRegistry(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public ConsentCheck check(ConsentQuery query, Instant now) {
    List<Consent> consents = byTenant.get(query.tenant());
    if (consents == null) {
      return ConsentCheck.missing();
    }
    Consent revoked = null;
    Consent expired = null;
    for (Consent c : consents) {
      if (!c.covers(query)) {
        continue;
      }
      ConsentStatus s = c.statusAt(now);
      if (s == ConsentStatus.GRANTED) {
        return new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id()));
      }
      if (s == ConsentStatus.REVOKED) {
        revoked = c;
      } else if (s == ConsentStatus.EXPIRED) {
        expired = c;
      }
    }
    if (revoked != null) {
      return new ConsentCheck(ConsentStatus.REVOKED, Optional.of(revoked.id()));
    }
    return expired != null ? new ConsentCheck(ConsentStatus.EXPIRED, Optional.of(expired.id())) : ConsentCheck.missing();
  }

  /**
   * Records a consent.
   *
   * @param consent the consent
   * @return the consent
   */
  public Consent grant(Consent consent) {
    byTenant.computeIfAbsent(consent.tenant(), t -> new CopyOnWriteArrayList<>()).add(consent);
    return consent;
  }

  /**
   * Records a tenant-wide consent, granted now.
   *
   * @param tenant the tenant
   * @param scope the scope
   * @param expiresAt when it expires
   * @return the consent, with a fresh id
   */
  public Consent grant(TenantId tenant, ConsentScope scope, Instant expiresAt) {
    return grant(new Consent("consent-" + ids.incrementAndGet(), tenant, Optional.empty(), Optional.empty(), scope,
        clock.instant(), expiresAt, Optional.empty()));
  }

  /**
   * Records a consent limited to an organization and a data subject, granted now.
   *
   * @param tenant the tenant
   * @param organization the organization
   * @param subject the data subject
   * @param scope the scope
   * @param expiresAt when it expires
   * @return the consent, with a fresh id
   */
  public Consent grant(TenantId tenant, OrganizationId organization, String subject, ConsentScope scope, Instant expiresAt) {
    return grant(new Consent("consent-" + ids.incrementAndGet(), tenant, Optional.of(organization), Optional.of(subject),
        scope, clock.instant(), expiresAt, Optional.empty()));
  }

  /**
   * Revokes a consent now; the next check sees it. Every consent recorded under the id is revoked (a consent
   * renewed under its id, or ids the host gave to consents of several tenants), so none of them still covers a call.
   *
   * @param consentId the consent's id
   * @return whether an unrevoked consent with that id was found
   */
  public synchronized boolean revoke(String consentId) {
    // One revocation at a time, so of two revoking the same id only the first finds it unrevoked (a host emitting its
    // "revoked" event on true emits it once); each list is rewritten in one step (replaceAll holds the list's lock),
    // so a check never sees the consent removed and not yet re-added as revoked (MISSING), nor a revoked copy twice.
    Instant now = clock.instant();
    boolean[] found = {false};
    for (List<Consent> list : byTenant.values()) {
      list.replaceAll(c -> {
        if (c.id().equals(consentId) && c.revokedAt().isEmpty()) {
          found[0] = true;
          return c.revokedAt(now);
        }
        return c;
      });
    }
    return found[0];
  }
}
