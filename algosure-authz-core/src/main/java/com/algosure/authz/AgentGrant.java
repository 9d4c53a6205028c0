package com.algosure.authz;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A grant that lets an AI agent act for a user: limited to one task, one tenant, optionally one
 * organization, one domain (resource type) and a set of capabilities (permissions), until it expires.
 *
 * <p>The decision point trusts the grant it is given (it keeps no record of grants, nor of their revocation): load it
 * from the host's own records of issued, unrevoked grants, never from what the caller sends.
 *
 * <p>Immutable and thread-safe.
 *
 * @param grantId the grant's id, for audit
 * @param agentId the agent the grant is for
 * @param onBehalfOf the subject id of the user the agent acts for
 * @param task the task the agent works on; requests must name the same task
 * @param tenant the tenant the agent may act in
 * @param organization the organization the agent may act in, if limited to one (then never on the tenant as a whole:
 *     a {@link PermissionScope#TENANT tenant-scoped} capability is denied)
 * @param domain the resource type (domain) the agent may act on
 * @param capabilities the permissions the agent may use (further limited by the user's own)
 * @param expiresAt when the grant stops being valid
 * @since 0.1.0
 */
public record AgentGrant(
    String grantId,
    String agentId,
    String onBehalfOf,
    String task,
    TenantId tenant,
    Optional<OrganizationId> organization,
    String domain,
    Set<Permission> capabilities,
    Instant expiresAt) {

  /** @throws IllegalArgumentException if a value is missing or not valid */
  public AgentGrant {
    Identifiers.require("grant id", grantId);
    Identifiers.require("agent id", agentId);
    Identifiers.require("user id", onBehalfOf);
    Identifiers.require("task", task);
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(organization, "organization");
    Identifiers.require("domain", domain);
    capabilities = Set.copyOf(Objects.requireNonNull(capabilities, "capabilities"));
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
