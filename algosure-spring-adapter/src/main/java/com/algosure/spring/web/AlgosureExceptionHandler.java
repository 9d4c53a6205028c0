package com.algosure.spring.web;

import com.algosure.audit.AuditIds;
import com.algosure.spring.AuthorizationDecisionException;
import com.algosure.spring.IntegrationOutcomeException;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.UnauthenticatedException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the adapter's exceptions into RFC 9457 problem responses in Spring MVC. Ordered early so that a
 * host's catch-all handler does not turn a denial into a 500; replace the bean to change the mapping.
 *
 * <p>Only the adapter's own exceptions are answered here. Spring MVC's refusals (an unknown path 404, a method 405, a
 * media type 415) stay the host's: Spring Boot answers them with its {@code /error} JSON unless
 * {@code spring.mvc.problemdetails.enabled=true}, which makes them RFC 9457 problems too (without {@code reason} and
 * {@code decisionId}); a host that wants them in the adapter's format extends {@code ResponseEntityExceptionHandler}
 * with {@link ProblemResponses}, as the example's {@code MvcProblems} does. The adapter does not take that over, so
 * that a host's own handling of them is never replaced behind its back.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AlgosureExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(AlgosureExceptionHandler.class);

  private final ProblemResponses problems;
  private final Clock clock;

  /**
   * @param problems builds the responses
   * @param clock the clock for {@code Retry-After}
   */
  public AlgosureExceptionHandler(ProblemResponses problems, Clock clock) {
    this.problems = Objects.requireNonNull(problems, "problems");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * @param e a guarded integration that did not end in an accepted fact
   * @param request the request
   * @return 403, 428, 429, 409, 422, 400, 500, 502 or 503
   */
  @ExceptionHandler(IntegrationOutcomeException.class)
  public ResponseEntity<byte[]> integration(IntegrationOutcomeException e, HttpServletRequest request) {
    String id = AuditIds.next();
    LOG.info("guarded integration ended {} ({}): {}", e.outcome().kind(), id, e.getMessage());
    return problems.entity(problems.integration(e.outcome(), id, clock.instant()), request);
  }

  /**
   * @param e a decision that did not permit
   * @param request the request
   * @return 403, 428 (approval or step-up required; a step-up with RFC 9470's challenge), or 503 where the
   *     decision could not be made now
   */
  @ExceptionHandler(AuthorizationDecisionException.class)
  public ResponseEntity<byte[]> decision(AuthorizationDecisionException e, HttpServletRequest request) {
    return problems.entity(problems.decision(e.decision()), request);
  }

  /**
   * @param e a method that needed an actor was called without one
   * @param request the request
   * @return 401
   */
  @ExceptionHandler(UnauthenticatedException.class)
  public ResponseEntity<byte[]> unauthenticated(UnauthenticatedException e, HttpServletRequest request) {
    String id = AuditIds.next();
    LOG.info("unauthenticated call refused ({}): {}", id, e.getMessage());
    return problems.entity(problems.unauthenticated(id), request);
  }

  /**
   * @param e the request named its context with an invalid value
   * @param request the request
   * @return 400, whose {@code decisionId} is the id of the refusal's audit record where it was audited
   *     ({@link InvalidRequestContextException#problemId()})
   */
  @ExceptionHandler(InvalidRequestContextException.class)
  public ResponseEntity<byte[]> invalidContext(InvalidRequestContextException e, HttpServletRequest request) {
    String id = e.problemId().orElseGet(AuditIds::next);
    LOG.info("invalid request context refused ({}): {}", id, e.getMessage());
    return problems.entity(problems.invalidContext(e.source(), id), request);
  }

  /**
   * The adapter found the service's own configuration wrong while answering a call (an annotation's expression that
   * does not fit its method, a consent scope the provider is not configured with): the caller did nothing wrong.
   *
   * @param e what is wrong, for the log (it names the property or method, never the caller's data)
   * @param request the request
   * @return 500, a fixed detail and an id that is also in the ERROR log line, never the exception's message
   */
  @ExceptionHandler(InvalidAlgosureConfigurationException.class)
  public ResponseEntity<byte[]> misconfigured(InvalidAlgosureConfigurationException e, HttpServletRequest request) {
    String id = AuditIds.next();
    LOG.error("the service's Algosure configuration is wrong ({}): {}", id, e.getMessage());
    return problems.entity(problems.of(500, "INTERNAL_ERROR", "The service failed to answer because of an error on its "
        + "side; nothing was done: try again later, and if it keeps failing, report the decisionId.",
        Map.of("decisionId", id), Map.of()), request);
  }
}
