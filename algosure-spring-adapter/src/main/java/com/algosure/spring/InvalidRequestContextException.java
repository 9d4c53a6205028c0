package com.algosure.spring;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a request names its context (organization, approval) with a value that is not valid, or names it
 * in conflicting ways. Becomes a 400 problem response; the value itself is not echoed.
 *
 * <p>Where the {@link AlgosureAuthorizer} (or the {@link Authorize} interceptor) refuses an authenticated caller's
 * request context, it records the refusal in the audit trail first and throws the exception carrying the record's
 * id ({@link #problemId()}), which the 400 response carries as its {@code decisionId}.
 *
 * @since 0.1.0
 */
public final class InvalidRequestContextException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final @Nullable String problemId;

  /**
   * @param source where the value came from, such as {@code header X-Organization-Id}
   * @param problem what is wrong with it
   */
  public InvalidRequestContextException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
    this.problemId = null;
  }

  /** The same refusal, with the id of its audit record. */
  InvalidRequestContextException(InvalidRequestContextException refused, String problemId) {
    super(Objects.requireNonNull(refused.getMessage(), "message"));
    this.source = refused.source;
    this.problemId = Objects.requireNonNull(problemId, "problemId");
    setStackTrace(refused.getStackTrace());
    for (Throwable s : refused.getSuppressed()) {
      addSuppressed(s);
    }
  }

  /** @return where the invalid value came from, such as {@code header X-Organization-Id} */
  public String source() {
    return source;
  }

  /**
   * @return the id of the audit record of this refusal, also the {@code decisionId} of the 400 response; empty where
   *     the refusal was thrown outside the {@link AlgosureAuthorizer} (by a host calling a resolver itself, say) and
   *     so was not recorded
   * @since 0.1.0
   */
  public Optional<String> problemId() {
    return Optional.ofNullable(problemId);
  }
}
