package com.algosure.examples.filings.web;

import com.algosure.audit.AuditIds;
import com.algosure.examples.filings.domain.AgentGrantRefusedException;
import com.algosure.examples.filings.domain.FilingChangedException;
import com.algosure.examples.filings.domain.FilingSubmittedException;
import com.algosure.examples.filings.domain.ImpersonatedApprovalException;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The example's own refusals as problem responses, in the adapter's format.
 *
 * @since 0.1.0
 */
@RestControllerAdvice
public class ExampleExceptionHandler {

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public ExampleExceptionHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  /** @param e no such filing @param request the request @return 404 */
  @ExceptionHandler(FilingNotFoundException.class)
  public ResponseEntity<byte[]> notFound(FilingNotFoundException e, HttpServletRequest request) {
    return problems.entity(problems.of(404, "FILING_NOT_FOUND", "There is no such filing.",
        Map.of("decisionId", e.decisionId().orElseGet(AuditIds::next)), Map.of()), request);
  }

  /** @param e the filing is submitted under another idempotency key @param request the request @return 409 */
  @ExceptionHandler(FilingSubmittedException.class)
  public ResponseEntity<byte[]> submitted(FilingSubmittedException e, HttpServletRequest request) {
    return problems.entity(problems.of(409, "FILING_SUBMITTED", e.getMessage(), Map.of("decisionId", AuditIds.next()),
        Map.of()), request);
  }

  /** @param e the filing changed after the decision @param request the request @return 409 */
  @ExceptionHandler(FilingChangedException.class)
  public ResponseEntity<byte[]> changed(FilingChangedException e, HttpServletRequest request) {
    return problems.entity(problems.of(409, "FILING_CHANGED", e.getMessage(), Map.of("decisionId", AuditIds.next()),
        Map.of()), request);
  }

  /** @param e an approval asked for with an impersonated token @param request the request @return 403 */
  @ExceptionHandler(ImpersonatedApprovalException.class)
  public ResponseEntity<byte[]> impersonated(ImpersonatedApprovalException e, HttpServletRequest request) {
    return problems.entity(problems.of(403, "APPROVAL_IMPERSONATED", e.getMessage(), Map.of("decisionId", AuditIds.next()),
        Map.of()), request);
  }

  /** @param e the agent's grant was refused @param request the request @return 403 */
  @ExceptionHandler(AgentGrantRefusedException.class)
  public ResponseEntity<byte[]> grantRefused(AgentGrantRefusedException e, HttpServletRequest request) {
    return problems.entity(problems.of(403, "AGENT_GRANT_REFUSED", "The agent's grant is unknown or not for you.",
        Map.of("decisionId", AuditIds.next()), Map.of()), request);
  }
}
