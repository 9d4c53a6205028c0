package com.algosure.examples.filings.domain;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AgentGrant;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.InMemoryApprovalStore;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.OutcomeReason;
import com.algosure.spring.AlgosureAuthentication;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.Authorize;
import com.algosure.spring.CurrentDecision;
import com.algosure.spring.IntegrationOutcomeException;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.RequestIds;
import com.algosure.spring.UnauthenticatedException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;


/**
 * The filings use cases. Every method is authorized by the decision point before it runs ({@link Authorize},
 * or the {@link AlgosureAuthorizer} where the actor is an agent); the method then acts in the context the
 * decision resolved ({@link CurrentDecision}). No rule lives here: roles are in the catalogue, membership in the
 * directory, state rules in {@link FilingPolicy}. Thread-safe.
 *
 * @since 0.1.0
 */

public class FilingService {

  private final FilingRepository filings;
  private final InMemoryApprovalStore approvals;
  private final AuthoritySubmitter submitter;
  private final AgentGrants grants;
  private final AlgosureAuthorizer authorizer;
  private final RequestContextResolver context;
  private final Clock clock;
  private final Duration approvalValidity;
  private final Refusals refusals;
  private final AuditSink audit;

  /**
   * @param filings the filings
   * @param approvals the approvals
   * @param submitter submits through the integration guard
   * @param grants the agent grants
   * @param authorizer asks the decision point for agents
   * @param context the request's own context (its correlation id, for a refusal recorded before any decision)
   * @param clock the clock
   * @param approvalValidity how long an approval may be used
   * @param refusals records the service's own refusals of what the decision point permitted
   * @param audit the decision point's audit sink, where each approval given is recorded
   */
  public FilingService(FilingRepository filings, InMemoryApprovalStore approvals, AuthoritySubmitter submitter,
      AgentGrants grants, AlgosureAuthorizer authorizer, RequestContextResolver context, Clock clock,
      Duration approvalValidity, Refusals refusals, AuditSink audit) {
    this.filings = filings;
    this.approvals = approvals;
    this.submitter = submitter;
    this.grants = grants;
    this.authorizer = authorizer;
    this.context = context;
    this.clock = clock;
    this.approvalValidity = approvalValidity;
    this.refusals = refusals;
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /** @return the filings of the active organization */
  @Authorize(action = "filings:read", resourceType = "filing")
  public List<Filing> list() {
    AuthorizationDecision d = CurrentDecision.require();
    return filings.of(d.tenant().orElseThrow().value(), d.organization().orElseThrow().value());
  }

  /** @param title the title @return a new draft in the active organization */
  @Authorize(action = "filings:write", resourceType = "filing")
  public Filing create(String title) {
    AuthorizationDecision d = CurrentDecision.require();
    return filings.create(d.tenant().orElseThrow().value(), d.organization().orElseThrow().value(), title, actor().id());
  }

  /** @param filing a filing @return it, once reading it is permitted */
  @Authorize(action = "filings:read", resourceType = "filing", resourceId = "#filing.id()", tenant = "#filing.tenant()",
      organization = "#filing.organization()")
  public Filing read(Filing filing) {
    return filing;
  }

  /**
   * Approves a filing's submission: recorded as an {@link Approval} requested by the filing's creator and given by
   * the current person, for {@code filings:submit} on this filing only, valid for a limited time, and recorded in the
   * audit trail ({@link Approval#toAuditEvent()}) before it is kept: an approval that cannot be recorded is not given.
   * A person whose token was obtained by impersonation gives no approval ({@link ImpersonatedApprovalException}).
   *
   * @param filing the filing
   * @return the approval
   */
  @Authorize(action = "filings:approve", resourceType = "filing", resourceId = "#filing.id()", tenant = "#filing.tenant()",
      organization = "#filing.organization()")
  public Approval approve(Filing filing) {
    Actor approver = actor();
    if (approver.signals().impersonator().isPresent()) {
      // recorded as the impersonated person's, the approval would be a four-eyes check passed by someone else
      // (Approval.approvedBy): the impersonator's own approval is theirs to give, signed in as themselves
      throw new ImpersonatedApprovalException(refusals.record("APPROVAL_IMPERSONATED"));
    }
    Instant now = clock.instant();
    Approval given = new Approval("apr-" + UUID.randomUUID(), CurrentDecision.require().tenant().orElseThrow(),
        Permission.of("filings:submit"), ResourceRef.of("filing", filing.id()), filing.createdBy(), approver.id(), now,
        now.plus(approvalValidity));
    // recorded first: an approval kept without its record would permit a submission nobody can trace to its giving
    audit.record(given.toAuditEvent());
    Approval a = approvals.add(given);
    filings.update(filing.id(), f -> f.approved(a.id()));
    return a;
  }

  /**
   * Submits a filing through the integration guard, which authorizes it (with the approval the request presents),
   * checks consent and makes the idempotency key hold; then records the authority's reference.
   *
   * <p>A filing is submitted under one {@code Idempotency-Key}: the first request that reaches the guard holds the
   * filing for its key, so the same key replays the first receipt and another key is refused (409) instead of
   * sending the filing to the authority again. Only a caller the decision point permits to submit the filing holds it
   * (asked before the filing is held; the guard asks again); a caller it refuses never does. A request the guard
   * stops before anything was sent (denied, failed before any attempt, rate limited before the authority was asked
   * or by its first answer, a misused key) lets go of the filing, so that it is not held for a key that sent
   * nothing.
   *
   * @param filing the filing
   * @param idempotencyKey the request's idempotency key
   * @return the receipt (the first one again for a replay)
   * @throws FilingSubmittedException if the filing is submitted, or being submitted, under another key
   * @throws com.algosure.spring.AuthorizationDecisionException if the decision point refuses the caller the submission
   *     (before the filing is held)
   * @throws Exception never for the provider's failures (they become problem responses)
   */
  public Receipt submit(Filing filing, @Nullable String idempotencyKey) throws Exception {
    if (idempotencyKey == null) {
      return submitter.submit(filing.submission(), null); // the guard refuses it: IDEMPOTENCY_KEY_MISSING
    }
    if (filings.find(filing.id()).map(Filing::submissionKey).orElse(null) == null) {
      // held only by a caller the decision point permits to submit it (as the guard will ask it again): one refused
      // would otherwise hold it until the guard refused, and the owner's submission meanwhile be answered 409
      authorizeSubmission(filing);
    }
    Filing held = filings.update(filing.id(), f -> f.submissionKey() == null ? f.submittingUnder(idempotencyKey) : f)
        .orElseThrow();
    if (!idempotencyKey.equals(held.submissionKey())) {
      // tells no more than reading the filing does, and only to someone who may read it
      AuthorizationDecision read = authorizer.require(authorizer.request("filings:read", ResourceRef.of("filing",
          held.id())).tenant(held.tenant()).organization(held.organization()).build());
      throw new FilingSubmittedException("the filing is " + (held.state() == Filing.State.DRAFT ? "being submitted"
          : "submitted") + " under another Idempotency-Key: repeat that request to get its receipt; a new key would "
          + "send the filing to the authority a second time", refusals.record("FILING_SUBMITTED", read));
    }
    Receipt receipt;
    try {
      receipt = submitter.submit(held.submission(), idempotencyKey);
    } catch (IntegrationOutcomeException e) {
      if (nothingSent(e.outcome())) {
        letGo(filing.id(), idempotencyKey);
      }
      throw e;
    } catch (Exception e) {
      letGo(filing.id(), idempotencyKey); // refused before the guard ran (a key that is not one): nothing was sent
      throw e;
    }
    filings.update(filing.id(), f -> f.state() == Filing.State.DRAFT ? f.submitted(receipt.reference()) : f);
    return receipt;
  }

  /**
   * The decision the guard asks for before it sends: {@code filings:submit} on the filing, in its tenant and
   * organization, with the approval the request presents. A request that names another organization is refused as the
   * guard refuses it, before any decision.
   */
  private void authorizeSubmission(Filing filing) {
    sameOrganization(filing, "filings:submit");
    authorizer.require(authorizer.request("filings:submit", ResourceRef.of("filing", filing.id())).tenant(filing.tenant())
        .organization(filing.organization()).build());
  }

  /**
   * As {@code @Authorize} refuses a conflict between the request's organization and the one it binds, never picks one:
   * the request names the filing's organization or none. The refusal is audited as the adapter's are, under the id the
   * 400 names ({@link AlgosureAuthorizer#refused}).
   */
  private void sameOrganization(Filing filing, String action) {
    try {
      authorizer.requestedOrganization().filter(named -> !named.value().equals(filing.organization())).ifPresent(named -> {
        throw new InvalidRequestContextException("organization named by the request and by the filing",
            "they differ: name the filing's organization, or none");
      });
    } catch (InvalidRequestContextException e) {
      throw authorizer.refused(e, action, ResourceRef.of("filing", filing.id()), TenantId.of(filing.tenant()),
          OrganizationId.of(filing.organization()));
    }
  }

  private void letGo(String id, String key) {
    filings.update(id, f -> f.state() == Filing.State.DRAFT && key.equals(f.submissionKey()) ? f.submittingUnder(null) : f);
  }

  /**
   * Refused before the authority was asked, failed before any attempt was made (the guard's own audit, store or
   * secrets did not answer: {@link IntegrationOutcome.Failed#attempts()} is 0), or rate limited by its first answer;
   * anything else may have reached it and keeps the filing's key. A rate limit after an earlier attempt (a 504, say,
   * behind which the authority may have filed it) keeps the key too: only that key, which the authority recognises,
   * may send the filing again.
   */
  private static boolean nothingSent(IntegrationOutcome<?> outcome) {
    if (outcome instanceof IntegrationOutcome.RateLimited<?> limited) {
      return limited.attempts() == 0
          || limited.attempts() == 1 && limited.reason() == OutcomeReason.PROVIDER_RATE_LIMITED;
    }
    if (outcome instanceof IntegrationOutcome.Failed<?> failed) {
      return failed.attempts() == 0;
    }
    return outcome.kind() == IntegrationOutcome.Kind.DENIED || outcome.reason() == OutcomeReason.IDEMPOTENCY_KEY_REUSED;
  }

  /**
   * An AI agent drafts the text of a filing for the current person, under a grant: the decision point permits it
   * only inside the grant (task, tenant, organization, domain, capability) and only where the person could do it.
   * The draft is a proposal: submitting it still needs a person's approval. It is recorded in the audit trail by hash
   * ({@link AuthorizationDecision#agentOutputEvent}) before it is kept.
   *
   * @param filing the filing
   * @param grantId the grant the agent presents
   * @param task the task the agent works on
   * @param text the drafted text
   * @return the changed filing
   * @throws FilingChangedException if the filing was approved or submitted after the decision, before the change
   * @throws InvalidRequestContextException if the request names another organization than the filing's
   */
  public Filing draftByAgent(Filing filing, String grantId, String task, String text) {
    Actor agent = agentFor(grantId, filing);
    sameOrganization(filing, "filings:write");
    AuthorizationDecision write = authorizer.require(authorizer.request("filings:write", ResourceRef.of("filing",
        filing.id())).actor(agent).task(task).tenant(filing.tenant()).organization(filing.organization()).build());
    // what the agent proposes is recorded (by hash, under the decision, grant and task) before it is kept: a draft that
    // cannot be traced to the agent that wrote it is not kept
    audit.record(write.agentOutputEvent(clock.instant(), text.getBytes(StandardCharsets.UTF_8)));
    // the rule as the decision applied it, again at the change: an approval given meanwhile covers the text it approved
    try {
      return filings.update(filing.id(), f -> {
        if (f.state() != Filing.State.DRAFT || f.approvalId() != null) {
          throw new FilingChangedException("the filing was " + (f.state() == Filing.State.DRAFT ? "approved" : "submitted")
              + " while the draft was being authorized; nothing was changed: an approved filing cannot be edited");
        }
        return f.drafted(text, agent.id());
      }).orElseThrow();
    } catch (FilingChangedException e) {
      // recorded outside the repository's update, which holds the filing while it runs
      throw new FilingChangedException(
          Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()),
          refusals.record("FILING_CHANGED", write));
    }
  }

  /** @param tenant a tenant @return all its filings, for cross-tenant administration (privileged role and MFA) */
  @Authorize(action = "admin:filings:read", resourceType = "filing", tenant = "#tenant")
  public List<Filing> administer(String tenant) {
    return filings.of(tenant);
  }

  /**
   * @return the agent acting for the current person under that grant
   * @throws AgentGrantRefusedException if the grant is unknown or not the person's; the refusal is recorded as the
   *     person's refused {@code filings:write} of the filing
   */
  private Actor agentFor(String grantId, Filing filing) {
    Actor person = actor();
    AgentGrant grant = grants.find(grantId).orElse(null);
    if (grant == null) {
      // the unknown id is the caller's text: not recorded
      throw new AgentGrantRefusedException("unknown agent grant", refuseGrant(filing, Map.of()));
    }
    if (!(person instanceof Actor.User user) || !grant.onBehalfOf().equals(user.id())) {
      throw new AgentGrantRefusedException("the agent grant is not for the authenticated person",
          refuseGrant(filing, Map.of("agentGrant", grant.grantId())));
    }
    return Actor.agent(grant.agentId(), user, grant);
  }

  private String refuseGrant(Filing filing, Map<String, String> details) {
    // not authorizer.request(): it reads the request's organization and approval headers, and one that is not valid
    // would turn this refusal into a 400 and leave it unrecorded; the grant is refused whatever they say (as where they
    // name another organization), in the filing's own context
    AuthorizationRequest.Builder refused = AuthorizationRequest.builder().actor(actor()).action("filings:write")
        .resource(ResourceRef.of("filing", filing.id())).tenant(filing.tenant()).organization(filing.organization());
    RequestIds.correlationId(context).ifPresent(refused::correlationId);
    return refusals.record("AGENT_GRANT_REFUSED", refused.build(), details);
  }

  private static Actor actor() {
    return AlgosureAuthentication.currentActor().orElseThrow(() -> new UnauthenticatedException("the filings service"));
  }
}
