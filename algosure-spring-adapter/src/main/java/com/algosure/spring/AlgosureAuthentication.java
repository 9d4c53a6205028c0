package com.algosure.spring;

import com.algosure.authz.Actor;
import com.algosure.authz.internal.ActorKinds;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The Spring Security {@code Authentication} of a request whose bearer token the core validator accepted:
 * it carries the authenticated {@link Actor} (with its identity signals) and nothing else. It grants no
 * authorities: what the actor may do is decided per call by the policy decision point, never by Spring
 * authorities. The token itself is not kept.
 *
 * <p>Immutable once created and thread-safe.
 *
 * @since 0.1.0
 */
public final class AlgosureAuthentication extends AbstractAuthenticationToken {

  private static final long serialVersionUID = 1L;

  private final transient Actor actor;

  /** @param actor the authenticated actor */
  public AlgosureAuthentication(Actor actor) {
    super(List.of());
    this.actor = Objects.requireNonNull(actor, "actor");
    super.setAuthenticated(true);
  }

  /**
   * The actor of the current thread's security context, if it holds an {@link AlgosureAuthentication}.
   *
   * @return the current actor, or empty if the request is not authenticated by Algosure
   */
  public static Optional<Actor> currentActor() {
    return SecurityContextHolder.getContext().getAuthentication() instanceof AlgosureAuthentication a
        ? Optional.of(a.actor) : Optional.empty();
  }

  /** @return the authenticated actor */
  public Actor actor() {
    return actor;
  }

  /** @return the actor */
  @Override
  public Actor getPrincipal() {
    return actor;
  }

  /** @return always an empty string: the token is not kept after validation */
  @Override
  public Object getCredentials() {
    return "";
  }

  /** @return the actor's subject id */
  @Override
  public String getName() {
    return actor.id();
  }

  /**
   * @param authenticated must be false
   * @throws IllegalArgumentException if asked to mark the authentication as authenticated again
   */
  @Override
  public void setAuthenticated(boolean authenticated) {
    if (authenticated) {
      throw new IllegalArgumentException("an AlgosureAuthentication is created authenticated; it cannot be re-marked");
    }
    super.setAuthenticated(false);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AlgosureAuthentication other && actor.equals(other.actor) && isAuthenticated() == other.isAuthenticated();
  }

  @Override
  public int hashCode() {
    return actor.hashCode();
  }

  @Override
  public String toString() {
    return "AlgosureAuthentication[" + ActorKinds.of(actor) + " " + actor.id() + "]";
  }
}
