package com.algosure.authz.spi;

import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A recorded approval of one high-impact action on one resource in one tenant. The decision point checks
 * the binding itself (tenant, action, resource, expiry, approver different from the requester) so that an
 * approval store cannot permit by mistake.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the approval's id, which a request presents
 * @param tenant the tenant it was given in
 * @param action the action it approves
 * @param resource the resource it approves the action on
 * @param requestedBy the subject id that asked for it
 * @param approvedBy the subject id of the person who approved
 * @param approvedAt when
 * @param expiresAt until when it may be used
 * @since 0.1.0
 */
public record Approval(
    String id,
    TenantId tenant,
    Permission action,
    ResourceRef resource,
    String requestedBy,
    String approvedBy,
    Instant approvedAt,
    Instant expiresAt) {

  /** @throws NullPointerException if a component is null */
  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(approvedBy, "approvedBy");
    Objects.requireNonNull(approvedAt, "approvedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
