package com.algosure.examples.filings.web;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.DecisionStage;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.spring.AuthorizationDecisionException;
import com.algosure.spring.IntegrationOutcomeException;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Answers a request for a filing of a tenant the caller has no access to as if there were no such filing: 404,
 * {@code FILING_NOT_FOUND}, never a 403 that tells another tenant the id exists. The decision is audited as it
 * was (its id is in the response, as for any refusal). Only for requests that name a filing by its id; a refusal
 * at a later stage (organization, role, domain rule) is the caller's own tenant's business and stays a 403.
 */
final class OtherTenants {

  private OtherTenants() {}

  /**
   * @param useCase the use case, on a filing the request named
   * @param <T> what it returns
   * @return what it returns
   * @throws FilingNotFoundException if the decision refused the filing's tenant to the caller
   * @throws Exception whatever else the use case throws
   */
  static <T> T hidden(Callable<T> useCase) throws Exception {
    try {
      return useCase.call();
    } catch (AuthorizationDecisionException e) {
      throw notFoundIfTenantRefused(Optional.of(e.decision()), e);
    } catch (IntegrationOutcomeException e) {
      IntegrationOutcome<?> outcome = e.outcome();
      throw notFoundIfTenantRefused(outcome instanceof IntegrationOutcome.Denied<?> d ? d.decision() : Optional.empty(), e);
    }
  }

  private static RuntimeException notFoundIfTenantRefused(Optional<AuthorizationDecision> decision, RuntimeException e) {
    return decision.filter(d -> d.stage() == DecisionStage.TENANT)
        .<RuntimeException>map(d -> new FilingNotFoundException(d.decisionId())).orElse(e);
  }
}
