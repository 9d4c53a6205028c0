package com.algosure.spring.security;

import com.algosure.audit.AuditIds;
import com.algosure.authz.Actor;
import com.algosure.spring.AlgosureAuthentication;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.BearerTokenAuthenticator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates the {@link BearerTokenAuthenticationToken} that Spring Security's bearer-token filter
 * extracted: one call to the {@link BearerTokenAuthenticator} (the core validator), which either yields the
 * actor, carried on as an {@link AlgosureAuthentication}, or refuses the token with a
 * {@link RejectedTokenException} (401, {@code error="invalid_token"}; 503 for {@code JWKS_UNAVAILABLE}, the issuer's
 * keys could not be had to check it). Any other failure of the
 * authenticator is refused too (fail closed), as {@code TOKEN_INVALID}.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class BearerTokenAuthenticationProvider implements AuthenticationProvider {

  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenAuthenticationProvider.class);

  private final BearerTokenAuthenticator authenticator;
  private final AlgosureEventListener events;

  /**
   * @param authenticator validates the token
   * @param events told of every refused token
   */
  public BearerTokenAuthenticationProvider(BearerTokenAuthenticator authenticator, AlgosureEventListener events) {
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.events = Objects.requireNonNull(events, "events");
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String token = ((BearerTokenAuthenticationToken) authentication).getToken();
    Actor actor;
    try {
      actor = authenticator.authenticate(token);
    } catch (RuntimeException e) {
      throw refused(TokenRejections.reasonOf(e), e);
    }
    if (actor == null) {
      throw refused("TOKEN_INVALID", null);
    }
    return new AlgosureAuthentication(actor);
  }

  private RejectedTokenException refused(String reason, @Nullable Throwable cause) {
    String id = AuditIds.next();
    // the exception's class and reason only: its message may quote claims, and the token never appears
    LOG.info("bearer token refused ({}): {}{}", id, reason, cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
    events.onTokenRejected(reason);
    return new RejectedTokenException(reason, id);
  }

  @Override
  public boolean supports(Class<?> authentication) {
    return BearerTokenAuthenticationToken.class.isAssignableFrom(authentication);
  }
}
