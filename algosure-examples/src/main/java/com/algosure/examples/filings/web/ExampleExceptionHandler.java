package com.algosure.examples.filings.web;

import com.algosure.audit.AuditIds;
import com.algosure.examples.filings.domain.AgentGrantRefusedException;
import com.algosure.examples.filings.domain.FilingChangedException;
import com.algosure.examples.filings.domain.FilingSubmittedException;
import com.algosure.examples.filings.domain.ImpersonatedApprovalException;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The example's own refusals as problem responses, in the adapter's format, and any exception nobody planned for as a
 * 500 problem that tells nothing of it. The adapter's denials and Spring MVC's own refusals are answered by their
 * handlers, which come first; this one is last in order.
 *
 * @since 0.1.0
 */
@RestControllerAdvice
public class ExampleExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ExampleExceptionHandler.class);

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public ExampleExceptionHandler(ProblemResponses problems) {
    this.problems = problems;
  }

  /**
   * An exception no other handler answers: 500, a fixed detail and a problem id, never the exception's text or stack.
   * The log line (ERROR) has the exception's class, where it was thrown and the problem id, not its message, which may
   * quote the caller's data. Spring Security's exceptions are left to its filter chain: a denial, and a header or
   * parameter value its firewall refuses when it is read during the call (a 400 problem, {@code REQUEST_REJECTED}).
   *
   * @param e the exception
   * @param request the request
   * A caller that closed the connection (a broken pipe while the answer is written) is no failure of the service: it is
   * logged at DEBUG, and nothing is written.
   *
   * @return 500, or null (nothing to write) where the caller has gone away
   * @throws Exception {@code e} itself, where it is Spring Security's
   */
  @ExceptionHandler(Exception.class)
  public @Nullable ResponseEntity<byte[]> unexpected(Exception e, HttpServletRequest request) throws Exception {
    if (e instanceof AccessDeniedException || e instanceof AuthenticationException
        || e instanceof RequestRejectedException) {
      throw e;
    }
    if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
      // the caller went away (broken pipe, connection reset): nothing failed here, and there is no one to answer
      LOG.debug("the caller closed the connection before the answer was written: {}", e.getClass().getName());
      return null;
    }
    String id = AuditIds.next();
    StackTraceElement[] at = e.getStackTrace();
    LOG.error("unexpected {} at {} ({}): INTERNAL_ERROR", e.getClass().getName(), at.length == 0 ? "?" : at[0], id);
    return problems.entity(problems.of(500, "INTERNAL_ERROR",
        "The service failed to answer because of an unexpected error on its side: try again later, and if it keeps "
            + "failing, report the decisionId.", Map.of("decisionId", id), Map.of()), request);
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
    return problems.entity(problems.of(409, "FILING_SUBMITTED",
        Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()),
        Map.of("decisionId", e.decisionId()),
        Map.of()), request);
  }

  /** @param e the filing changed after the decision @param request the request @return 409 */
  @ExceptionHandler(FilingChangedException.class)
  public ResponseEntity<byte[]> changed(FilingChangedException e, HttpServletRequest request) {
    return problems.entity(problems.of(409, "FILING_CHANGED",
        Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()),
        Map.of("decisionId", e.decisionId().orElseGet(AuditIds::next)),
        Map.of()), request);
  }

  /** @param e an approval asked for with an impersonated token @param request the request @return 403 */
  @ExceptionHandler(ImpersonatedApprovalException.class)
  public ResponseEntity<byte[]> impersonated(ImpersonatedApprovalException e, HttpServletRequest request) {
    return problems.entity(problems.of(403, "APPROVAL_IMPERSONATED",
        Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()),
        Map.of("decisionId", e.decisionId()),
        Map.of()), request);
  }

  /** @param e the agent's grant was refused @param request the request @return 403 */
  @ExceptionHandler(AgentGrantRefusedException.class)
  public ResponseEntity<byte[]> grantRefused(AgentGrantRefusedException e, HttpServletRequest request) {
    return problems.entity(problems.of(403, "AGENT_GRANT_REFUSED", "The agent's grant is unknown or not for you.",
        Map.of("decisionId", e.decisionId()), Map.of()), request);
  }
}
