package com.algosure.examples.filings.web;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.DecisionStage;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.examples.filings.domain.AgentGrantRefusedException;
import com.algosure.examples.filings.domain.Filing;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.spring.AlgosureAuthentication;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.AuthorizationDecisionException;
import com.algosure.spring.IntegrationOutcomeException;
import com.algosure.spring.InvalidRequestContextException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.stereotype.Component;

/**
 * Answers a request for a filing of a tenant the caller has no access to as if there were no such filing: 404,
 * {@code FILING_NOT_FOUND}, never a 403 that tells another tenant the id exists. The decision is audited as it
 * was (its id is in the response, as for any refusal). Only for requests that name a filing by its id; a refusal
 * at a later stage (organization, role, domain rule) is the caller's own tenant's business and stays a 403.
 *
 * <p>A request refused before any decision was made (its {@code X-Organization-Id} differs from the filing's
 * organization, its {@code Idempotency-Key} or {@code X-Approval-Id} is malformed, its agent grant is refused) would
 * tell the same: a 400 or 403 for an existing id, a 404 for an unknown one, and an organization guessed right told
 * apart from one guessed wrong. Such a refusal is answered 404 too where the decision point refuses the caller the
 * filing's tenant (that decision is made and audited for it, without the request's context).
 *
 * <p>A tenant stage that failed ({@code STAGE_FAILURE}: the directory did not answer) refused nothing on the merits:
 * it stays the adapter's 503, so that a caller of the filing's own tenant is never told its filing does not exist.
 * While the directory fails, another tenant's id is then told apart from an unknown one (503, 404); the outage is in
 * the log and the audit trail, and no filing's content is ever answered.
 */
@Component
final class OtherTenants {

  private final AlgosureAuthorizer authorizer;

  /** @param authorizer asks whether the caller may access the filing's tenant, where the use case refused first */
  OtherTenants(AlgosureAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  /**
   * @param filing the filing the request named
   * @param useCase the use case, on that filing
   * @param <T> what it returns
   * @return what it returns
   * @throws FilingNotFoundException if the filing's tenant is refused to the caller
   * @throws Exception whatever else the use case throws
   */
  <T> T hidden(Filing filing, Callable<T> useCase) throws Exception {
    try {
      return useCase.call();
    } catch (AuthorizationDecisionException e) {
      throw notFoundIfTenantRefused(Optional.of(e.decision()), e);
    } catch (IntegrationOutcomeException e) {
      IntegrationOutcome<?> outcome = e.outcome();
      throw notFoundIfTenantRefused(outcome instanceof IntegrationOutcome.Denied<?> d ? d.decision() : Optional.empty(), e);
    } catch (InvalidRequestContextException | AgentGrantRefusedException e) {
      throw notFoundIfTenantRefused(tenantDecision(filing), e);
    }
  }

  /** @return the decision on reading the filing in its tenant, without the request's organization or approval */
  private Optional<AuthorizationDecision> tenantDecision(Filing filing) {
    return AlgosureAuthentication.currentActor().map(actor -> authorizer.decide(AuthorizationRequest.builder()
        .actor(actor).action("filings:read").resource(ResourceRef.of("filing", filing.id())).tenant(filing.tenant())
        .build()));
  }

  private static RuntimeException notFoundIfTenantRefused(Optional<AuthorizationDecision> decision, RuntimeException e) {
    // a tenant stage that failed (the directory did not answer) decided nothing: not "another tenant's", the adapter's
    // 503
    return decision.filter(d -> !d.permitted() && d.stage() == DecisionStage.TENANT
            && d.reason() != ReasonCode.STAGE_FAILURE)
        .<RuntimeException>map(d -> new FilingNotFoundException(d.decisionId())).orElse(e);
  }
}
