package com.algosure.spring;

/**
 * Thrown when an {@link Authorize}d method is called without an authenticated Algosure actor, for example
 * from a path the security filter chain leaves public. Becomes a 401 problem response.
 *
 * @since 0.1.0
 */
public final class UnauthenticatedException extends AlgosureSpringException {

  private static final long serialVersionUID = 1L;

  /** @param where the method or path that needed an actor */
  public UnauthenticatedException(String where) {
    super(where + " needs an authenticated actor and the request has none: send an access token as 'Authorization: Bearer ...'");
  }
}
