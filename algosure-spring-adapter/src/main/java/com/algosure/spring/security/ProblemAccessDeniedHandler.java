package com.algosure.spring.security;

import com.algosure.audit.AuditIds;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers an access denial of the security filter chain itself (not of the decision point, whose denials
 * carry their own decision) with a 403 problem response. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemAccessDeniedHandler.class);

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public ProblemAccessDeniedHandler(ProblemResponses problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) {
    String id = AuditIds.next();
    LOG.info("request to {} denied by the security filter chain ({}): {}", request.getRequestURI(), id,
        e.getClass().getSimpleName());
    problems.write(problems.accessDenied(id), request, response);
  }
}
