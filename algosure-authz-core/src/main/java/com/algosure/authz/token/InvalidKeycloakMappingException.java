package com.algosure.authz.token;

import com.algosure.authz.AuthorizationException;

/**
 * A {@link KeycloakMapping} could not be loaded from JSON: the message and {@link #location()} name the bad entry
 * (for example {@code groups[1].pattern}) and say what to write instead.
 *
 * @since 0.1.0
 */
public final class InvalidKeycloakMappingException extends AuthorizationException {

  private static final long serialVersionUID = 1L;

  private final String location;

  /**
   * @param location where in the mapping (a path such as {@code clientRoles[0].client})
   * @param problem what is wrong there and what to do
   */
  public InvalidKeycloakMappingException(String location, String problem) {
    super("Keycloak mapping, at " + location + ": " + problem);
    this.location = location;
  }

  /**
   * @param location where in the mapping
   * @param problem what is wrong there and what to do
   * @param cause the parser's or builder's failure
   */
  public InvalidKeycloakMappingException(String location, String problem, Throwable cause) {
    super("Keycloak mapping, at " + location + ": " + problem, cause);
    this.location = location;
  }

  /** @return where in the mapping the problem is */
  public String location() {
    return location;
  }
}
