package com.algosure.authz.token;

import com.algosure.authz.AuthorizationException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An access token was refused. Carries the {@link TokenRejectionReason} and, where it was known, the issuer the
 * token named. The message says what was wrong and where (header, claim) and never contains the token, its
 * signature or a claim that could be a secret.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class TokenRejectedException extends AuthorizationException {

  private static final long serialVersionUID = 1L;

  private final TokenRejectionReason reason;
  private final @Nullable String issuer;

  /**
   * Creates a rejection.
   *
   * @param reason why the token was refused
   * @param message what was wrong, where, and what to do; must not contain the token
   */
  public TokenRejectedException(TokenRejectionReason reason, String message) {
    this(reason, null, message, null);
  }

  /**
   * Creates a rejection.
   *
   * @param reason why the token was refused
   * @param issuer the issuer the token named, if known
   * @param message what was wrong, where, and what to do; must not contain the token
   * @param cause the underlying failure, if any; its message must not contain the token either
   */
  public TokenRejectedException(TokenRejectionReason reason, @Nullable String issuer, String message,
      @Nullable Throwable cause) {
    super("access token rejected (" + Objects.requireNonNull(reason, "reason") + "): " + message, cause);
    this.reason = reason;
    this.issuer = issuer;
  }

  /** @return why the token was refused */
  public TokenRejectionReason reason() {
    return reason;
  }

  /** @return the issuer the token named, if the token got as far as naming one */
  public Optional<String> issuer() {
    return Optional.ofNullable(issuer);
  }
}
