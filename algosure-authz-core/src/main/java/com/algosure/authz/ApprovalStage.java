package com.algosure.authz;

import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.spi.Directory;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * High-impact actions (declared in the catalogue, or so marked by the domain rule) need an approval the
 * store knows under the id presented (a store answering with another approval is not trusted), bound to the same
 * tenant, action and resource, requested by this principal, already given and unexpired at the decision's time,
 * and given by someone else (four eyes, ignoring case: {@code ALICE} is alice; never by the agent that proposes, nor by
 * whoever impersonates the principal, see {@link IdentitySignals#impersonator()}, nor by anyone who acted for it
 * earlier in a delegation chain, see {@link IdentitySignals#priorActors()})
 * who is a person with access to the tenant in the directory (not a service account, not an unknown id). That
 * check can tell a client from a person only if the directory keeps clients out of its people's namespace, as
 * {@link Directory#serviceAccounts()} separates them; a host directory that also answers {@code tenantsOf} for
 * client ids lets a client with tenant access pass it.
 */
final class ApprovalStage implements Stage {

  private final ApprovalStore store;
  /** The people's directory (never the service accounts'): an approver must be a person with access to the tenant. */
  private final Directory people;

  ApprovalStage(ApprovalStore store, Directory people) {
    this.store = store;
    this.people = people;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.APPROVAL;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    if (!c.definition().highImpact() && !c.approvalRequired) {
      return null;
    }
    c.approvalRequired = true;
    String id = c.request().approvalIdOrNull();
    if (id == null) {
      return new Verdict(Effect.APPROVAL_REQUIRED, ReasonCode.APPROVAL_REQUIRED, c.definition().highImpact()
          ? "'" + c.action() + "' on " + c.resource() + " is high impact and needs an approval by another person"
          : "the domain rule of '" + c.resource().type() + "' requires an approval of '" + c.action() + "' on "
              + c.resource() + " by another person: " + c.domainApprovalReason);
    }
    if (!Identifiers.valid(id)) {
      // the caller's text, quoted safe to log; no approval has such an id (Approval requires an identifier)
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "approval id '" + Identifiers.printable(id)
          + "' is not valid: an approval id is 1 to 128 letters, digits or . _ - : @ /");
    }
    Optional<Approval> found = Stage.answered(store.find(id), "ApprovalStore.find");
    if (found.isEmpty()) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "approval '" + id + "' is unknown");
    }
    Approval a = found.get();
    if (!a.id().equals(id)) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "the approval store answered approval '" + a.id()
          + "' when asked for '" + id + "': only the approval presented counts; check the store's look-up");
    }
    // says which part differs, never the approval's own values: they are another tenant's, or another resource's (of
    // an organization the requester may not see), and the explanation reaches the caller and logs
    String differs = !a.tenant().equals(c.tenant()) ? "it was given in another tenant"
        : !a.action().equals(c.action()) ? "it approves another action"
        : !a.resource().equals(c.resource()) ? "it approves the action on another resource" : null;
    if (differs != null) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "approval '" + id + "' is not for this request ('" + c.action()
          + "' on " + c.resource() + " in tenant '" + c.tenant() + "'): " + differs);
    }
    if (!a.requestedBy().equals(c.principal().id())) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID,
          "approval '" + id + "' was requested by someone else, not by '" + c.principal().id() + "'");
    }
    if (a.approvedAt().isAfter(c.now())) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "approval '" + id + "' is not yet given: it is dated "
          + a.approvedAt() + ", after the decision's time " + c.now() + "; check the approver's clock or the store");
    }
    if (!c.now().isBefore(a.expiresAt())) {
      return Verdict.deny(ReasonCode.APPROVAL_EXPIRED, "approval '" + id + "' expired at " + a.expiresAt());
    }
    // identifiers are ASCII (Approval checks them), so ignoring case is exact: a case variant is the same person
    String approver = a.approvedBy();
    if (approver.equalsIgnoreCase(a.requestedBy()) || approver.equalsIgnoreCase(c.principal().id())
        || approver.equalsIgnoreCase(c.actor().id())) {
      return Verdict.deny(ReasonCode.APPROVAL_SELF_APPROVED,
          "approval '" + id + "' was given by the requester: it needs a second person");
    }
    // whoever acts as the principal by impersonation is the requester too: else one person asks as alice and approves
    // as themselves
    String impersonator = c.principal().signals().impersonator().orElse(null);
    if (impersonator != null && approver.equalsIgnoreCase(impersonator)) {
      return Verdict.deny(ReasonCode.APPROVAL_SELF_APPROVED, "approval '" + id + "' was given by '" + approver
          + "', who is impersonating (or acting by delegation for) the requester '" + c.principal().id()
          + "': it needs a second person");
    }
    // so is whoever acted for the principal earlier in a delegation chain (act.act...): they took part in the request
    List<String> priorActors = c.principal().signals().priorActors();
    for (int i = 0, n = priorActors.size(); i < n; i++) {
      if (approver.equalsIgnoreCase(priorActors.get(i))) {
        return Verdict.deny(ReasonCode.APPROVAL_SELF_APPROVED, "approval '" + id + "' was given by '" + approver
            + "', who acted for the requester '" + c.principal().id() + "' earlier in the delegation chain of this"
            + " request: it needs a second person, who took no part in the request");
      }
    }
    // four eyes means another person of this tenant: not a service account, nobody the directory does not know,
    // nobody without access to the tenant
    if (!Stage.answered(people.tenantsOf(approver), "Directory.tenantsOf").contains(c.tenant())) {
      return Verdict.deny(ReasonCode.APPROVAL_INVALID, "approval '" + id + "' was given by '" + approver
          + "', who is not a person with access to tenant '" + c.tenant() + "' in the directory");
    }
    c.approval = a;
    return null;
  }
}
