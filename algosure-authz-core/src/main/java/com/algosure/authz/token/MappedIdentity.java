package com.algosure.authz.token;

import com.algosure.authz.Actor;
import com.algosure.authz.TenantId;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link KeycloakMapping} made of a token's claims: the actor (with its {@link com.algosure.authz.IdentitySignals})
 * and the tenants the token merely hints at. Tenant hints are never used for access; a tenant the host declared
 * trusted is in {@code actor().signals().trustedTenant()} instead.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actor the user or service account the claims describe
 * @param tenantHints tenants named by untrusted claims or group paths, for display or defaults only
 * @since 0.1.0
 */
public record MappedIdentity(Actor actor, Set<TenantId> tenantHints) {

  /** Copies the hints. */
  public MappedIdentity {
    Objects.requireNonNull(actor, "actor");
    tenantHints = Set.copyOf(tenantHints);
  }
}
