package com.algosure.spring.security;

import com.algosure.audit.AuditIds;
import com.algosure.spring.web.AlgosureProblem;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers an unauthenticated request with a 401 problem response: {@code WWW-Authenticate: Bearer
 * error="invalid_token"} and the reason where a token was refused, a plain {@code WWW-Authenticate: Bearer}
 * where none was sent (RFC 6750, section 3.1); a token that could not be checked because the issuer's keys are
 * unavailable ({@code JWKS_UNAVAILABLE}) gets a 503 instead, without the challenge. A request whose credentials cannot be told apart (more than one
 * {@code Authorization} header, or a header and an {@code access_token} parameter) is answered with 400,
 * {@code WWW-Authenticate: Bearer error="invalid_request"} and the reason {@code INVALID_REQUEST}; no token is
 * ever echoed. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemAuthenticationEntryPoint.class);

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public ProblemAuthenticationEntryPoint(ProblemResponses problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  @Override
  public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) {
    if (e instanceof RejectedTokenException r) {
      problems.write(problems.tokenRejected(r.reason(), r.problemId()), request, response);
    } else if (e instanceof OAuth2AuthenticationException o
        && OAuth2ErrorCodes.INVALID_REQUEST.equals(o.getError().getErrorCode())) {
      // more than one bearer credential (or an empty one): picking one of them would be a guess
      String id = AuditIds.next();
      LOG.info("bearer credentials refused ({}): INVALID_REQUEST", id);
      problems.write(invalidRequest(id), request, response);
    } else if (e instanceof OAuth2AuthenticationException o) {
      // the bearer-token filter refused the header before any validation (malformed)
      String id = AuditIds.next();
      LOG.info("bearer token refused ({}): TOKEN_MALFORMED ({})", id, o.getError().getErrorCode());
      problems.write(problems.tokenRejected("TOKEN_MALFORMED", id), request, response);
    } else {
      problems.write(problems.unauthenticated(AuditIds.next()), request, response);
    }
  }

  private AlgosureProblem invalidRequest(String problemId) {
    return problems.of(400, "INVALID_REQUEST",
        "The request's credentials cannot be used as sent: send exactly one access token, in one 'Authorization: Bearer ...' header.",
        Map.of("decisionId", problemId),
        Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_request\", "
            + "error_description=\"send exactly one access token, in one Authorization header\""));
  }
}
