package com.algosure.examples.filings.web;

import com.algosure.audit.AuditIds;
import com.algosure.spring.web.AlgosureProblem;
import com.algosure.spring.web.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Spring MVC's own refusals (an unknown path, a method, content type or body the API does not take) as problems in the
 * adapter's format, like every other answer of the API: {@code reason} (the status's name, such as {@code NOT_FOUND}
 * or {@code UNSUPPORTED_MEDIA_TYPE}), a {@code type} with the adapter's prefix and a {@code decisionId}; the detail is
 * Spring's, which says what was wrong without quoting the body, and its headers ({@code Allow}, {@code Accept}) are
 * kept. It stands in for Spring Boot's handler of {@code spring.mvc.problemdetails}, whatever that property says, and
 * comes before the example's catch-all handler. Thread-safe.
 *
 * @since 0.1.0
 */
@RestControllerAdvice
@Order(0)
public class MvcProblems extends ResponseEntityExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(MvcProblems.class);

  private final ProblemResponses problems;

  /** @param problems writes the responses */
  public MvcProblems(ProblemResponses problems) {
    this.problems = Objects.requireNonNull(problems, "problems");
  }

  @Override
  protected ResponseEntity<Object> createResponseEntity(@Nullable Object body, HttpHeaders headers,
      HttpStatusCode statusCode, WebRequest request) {
    HttpServletRequest servlet = ((NativeWebRequest) request).getNativeRequest(HttpServletRequest.class);
    if (servlet == null) {
      return super.createResponseEntity(body, headers, statusCode, request);
    }
    HttpStatus status = HttpStatus.resolve(statusCode.value());
    String reason = status == null ? "HTTP_" + statusCode.value() : status.name();
    String detail = body instanceof ProblemDetail p && p.getDetail() != null ? p.getDetail()
        : "The request was refused (" + reason + ").";
    String id = AuditIds.next();
    LOG.debug("request refused by Spring MVC ({}): {}", id, reason);
    AlgosureProblem problem = problems.of(statusCode.value(), reason, detail, Map.of("decisionId", id), Map.of());
    ResponseEntity<byte[]> entity = problems.entity(problem, servlet);
    HttpHeaders out = new HttpHeaders();
    out.putAll(headers);
    out.putAll(entity.getHeaders());
    return new ResponseEntity<>(entity.getBody(), out, entity.getStatusCode());
  }
}
