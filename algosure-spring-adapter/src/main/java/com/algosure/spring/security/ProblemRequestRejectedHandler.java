package com.algosure.spring.security;

import com.algosure.audit.AuditIds;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Answers a request that Spring Security's firewall refuses before any filter runs (a {@code ;} path parameter, an
 * encoded {@code /} or {@code %}, a {@code ..} segment, a header it does not allow) with a 400 problem response,
 * reason {@code REQUEST_REJECTED}, instead of the servlet container's error page. The firewall's message (which may
 * quote the request) is neither in the response nor in the log line, which has the problem id. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ProblemRequestRejectedHandler implements RequestRejectedHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemRequestRejectedHandler.class);

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public ProblemRequestRejectedHandler(ProblemResponses problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  @Override
  public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e) {
    String id = AuditIds.next();
    LOG.info("request refused by the firewall ({}): REQUEST_REJECTED", id);
    problems.write(problems.of(400, "REQUEST_REJECTED",
        "The request's URL or headers are not allowed (such as ';', an encoded '/' or a '..' segment in the path): "
            + "send the URL in its plain, normalized form.", Map.of("decisionId", id), Map.of()), request, response);
  }
}
