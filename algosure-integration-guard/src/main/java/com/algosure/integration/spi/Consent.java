package com.algosure.integration.spi;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An approved consent: a tenant (optionally one organization and one data subject) allows external access
 * of one scope until it expires or is revoked.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the consent's id, recorded in the audit trail
 * @param tenant the tenant that consented
 * @param organization the organization it is limited to, or empty for the whole tenant
 * @param subject the data subject it is limited to, or empty for every subject of the tenant
 * @param scope what it allows
 * @param grantedAt when it was approved
 * @param expiresAt when it stops being valid
 * @param revokedAt when it was revoked, if it was
 * @since 0.1.0
 */
public record Consent(String id, TenantId tenant, Optional<OrganizationId> organization, Optional<String> subject,
    ConsentScope scope, Instant grantedAt, Instant expiresAt, Optional<Instant> revokedAt) {

  /** @throws IllegalArgumentException if a value is missing or it expires before it was granted */
  public Consent {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("consent id must not be empty");
    }
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(grantedAt, "grantedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(revokedAt, "revokedAt");
    if (!expiresAt.isAfter(grantedAt)) {
      throw new IllegalArgumentException("consent " + id + " expires (" + expiresAt + ") before it was granted (" + grantedAt + ")");
    }
  }

  /**
   * @param query what a call asks for
   * @return whether this consent is about that tenant, scope, organization and subject (valid or not)
   */
  public boolean covers(ConsentQuery query) {
    return tenant.equals(query.tenant()) && scope.equals(query.scope())
        && (organization.isEmpty() || organization.equals(query.organization()))
        && (subject.isEmpty() || subject.equals(query.subject()));
  }

  /**
   * The consent's status for a call at {@code now}. A recorded revocation counts whatever its time says: the
   * instance that revoked may read a clock ahead of the checking instance's, and a revocation takes effect on the
   * next call, never some time after it.
   *
   * @param now the current time
   * @return the consent's status at that time
   */
  public ConsentStatus statusAt(Instant now) {
    if (revokedAt.isPresent()) {
      return ConsentStatus.REVOKED;
    }
    if (!now.isBefore(expiresAt)) {
      return ConsentStatus.EXPIRED;
    }
    return now.isBefore(grantedAt) ? ConsentStatus.MISSING : ConsentStatus.GRANTED;
  }

  /**
   * @param at when it was revoked
   * @return a copy revoked at that time
   */
  public Consent revokedAt(Instant at) {
    return new Consent(id, tenant, organization, subject, scope, grantedAt, expiresAt, Optional.of(at));
  }
}
