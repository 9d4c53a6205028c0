package com.algosure.authz.spi;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.Actor;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * A recorded approval of one high-impact action on one resource in one tenant. The decision point checks
 * the binding itself (the id asked for, tenant, action, resource, given and not expired at the decision's time,
 * approver different from the requester) so that an approval store cannot permit by mistake.
 *
 * <p>The id, {@code requestedBy} and {@code approvedBy} must be identifiers as the SDK accepts them everywhere (1
 * to 128 ASCII letters, digits or {@code . _ - : @ /}): a variant with an invisible or non-ASCII character could
 * otherwise pass for someone else. The four-eyes check compares people ignoring case.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the approval's id, which a request presents
 * @param tenant the tenant it was given in
 * @param action the action it approves
 * @param resource the resource it approves the action on
 * @param requestedBy the subject id that asked for it
 * @param approvedBy the subject id of the person who approved: where the approval was given with a credential
 *     obtained by impersonation ({@link com.algosure.authz.IdentitySignals#impersonator()}), the impersonator, who
 *     gave it, not the user impersonated (or refuse such an approval): the decision point can compare only the
 *     person recorded here with the requester and whoever impersonates the requester
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

  /**
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the id, {@code requestedBy} or {@code approvedBy} is not a valid identifier
   */
  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(approvedBy, "approvedBy");
    Objects.requireNonNull(approvedAt, "approvedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    requireIdentifier("id", id, id);
    requireIdentifier("requestedBy", requestedBy, id);
    requireIdentifier("approvedBy", approvedBy, id);
  }

  /**
   * The audit record of this approval being given, for the workflow that records it (the decision point only sees
   * approvals used): an {@link AuditEventType#APPROVAL_GRANTED} event at {@link #approvedAt()}, outcome
   * {@code GRANTED}, with the tenant, the approver as actor (kind {@code user}), the action and the resource, and the
   * details {@code approvalId}, {@code requestedBy}, {@code approvedAt} and {@code expiresAt}. Record it through the
   * decision point's sink when the approval is stored, so that who approved what, for whom and when is traceable
   * before and apart from any decision that uses it. It holds ids and times only.
   *
   * @return a new event on every call
   * @since 0.1.0
   */
  public AuditEvent toAuditEvent() {
    return AuditEvent.builder(AuditEventType.APPROVAL_GRANTED, approvedAt)
        .outcome("GRANTED")
        .tenant(tenant.value())
        .actor(approvedBy, "user")
        .action(action.name())
        .resource(resource.toString())
        .detail("approvalId", id)
        .detail("requestedBy", requestedBy)
        .detail("approvedAt", approvedAt.toString())
        .detail("expiresAt", expiresAt.toString())
        .build();
  }

  /**
   * Checks a value with the SDK's identifier rules (those of a subject id, which {@link Actor#user} applies), so
   * that an approval names people exactly as requests and the directory do.
   */
  private static void requireIdentifier(String field, String value, String id) {
    try {
      Actor.user(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Approval." + field + " is not valid"
          + (field.equals("id") ? "" : " in approval '" + id + "'") // the id was checked first
          + ": use 1 to 128 ASCII letters, digits or . _ - : @ / (no spaces, invisible or non-ASCII characters),"
          + " as the directory knows the subject; fix the approval where the store builds it", e);
    }
  }

}
