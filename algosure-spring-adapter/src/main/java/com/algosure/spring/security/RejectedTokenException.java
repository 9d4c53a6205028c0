package com.algosure.spring.security;

import java.util.Objects;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * A bearer token the {@link com.algosure.spring.BearerTokenAuthenticator} refused, as Spring Security sees it:
 * it carries the reason code and an id that is also in the log line. Never carries the token.
 *
 * @since 0.1.0
 */
public final class RejectedTokenException extends InvalidBearerTokenException {

  private static final long serialVersionUID = 1L;

  private final String reason;
  private final String problemId;

  /**
   * @param reason the reason code, such as {@code TOKEN_EXPIRED}
   * @param problemId an id for this refusal
   */
  public RejectedTokenException(String reason, String problemId) {
    super("the access token is not valid (" + Objects.requireNonNull(reason, "reason") + ")");
    this.reason = reason;
    this.problemId = Objects.requireNonNull(problemId, "problemId");
  }

  /** @return the reason code */
  public String reason() {
    return reason;
  }

  /** @return the id of this refusal, also in the log line */
  public String problemId() {
    return problemId;
  }
}
