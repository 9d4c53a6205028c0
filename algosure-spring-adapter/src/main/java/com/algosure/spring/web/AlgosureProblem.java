package com.algosure.spring.web;

import java.util.Map;
import java.util.Objects;

/**
 * One RFC 9457 problem response before it is written: status, the standard members, the extension members
 * ({@code reason}, {@code decisionId}, ...) and the response headers that go with it ({@code Retry-After},
 * {@code WWW-Authenticate}). Every value is a code, an id or a fixed sentence: never a token, a secret or
 * another tenant's data.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status the HTTP status
 * @param type the problem type URI
 * @param title a short, fixed summary of the problem type
 * @param detail a fixed sentence for people about this occurrence
 * @param extensions further members, in order
 * @param headers response headers
 * @since 0.1.0
 */
public record AlgosureProblem(
    int status, String type, String title, String detail, Map<String, Object> extensions, Map<String, String> headers) {

  /** @throws IllegalArgumentException if the status is not a 4xx or 5xx status */
  public AlgosureProblem {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a problem has a 4xx or 5xx status, not " + status);
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(detail, "detail");
    extensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extensions));
    headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
  }
}
