package com.algosure.authz;

/**
 * A role catalogue could not be loaded or built: the message and {@link #location()} name the bad entry.
 *
 * @since 0.1.0
 */
public final class InvalidRoleCatalogException extends AuthorizationException {

  private static final long serialVersionUID = 1L;

  private final String location;

  /**
   * @param location where in the catalogue (a JSON path such as {@code roles.clerk.permissions[1]})
   * @param problem what is wrong there and what to do
   */
  public InvalidRoleCatalogException(String location, String problem) {
    super("role catalogue, at " + location + ": " + problem);
    this.location = location;
  }

  /** @param location where @param problem what @param cause the parser's failure */
  public InvalidRoleCatalogException(String location, String problem, Throwable cause) {
    super("role catalogue, at " + location + ": " + problem, cause);
    this.location = location;
  }

  /** @return where in the catalogue the problem is */
  public String location() {
    return location;
  }
}
