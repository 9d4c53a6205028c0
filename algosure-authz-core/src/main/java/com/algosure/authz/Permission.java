package com.algosure.authz;

/**
 * An action that can be authorized, such as {@code filings:submit}. The name of a permission is the name of
 * the action a request asks for; what a permission needs (scope, entitlement, approval) is declared in the
 * {@link RoleCatalog}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the permission's name: 1 to 128 letters, digits or {@code . _ - : @ /}
 * @since 0.1.0
 */
public record Permission(String name) {

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException if the name is not valid
   */
  public Permission {
    Identifiers.require("permission", name);
  }

  /**
   * Creates a permission.
   *
   * @param name the permission's name
   * @return the permission
   * @throws IllegalArgumentException if the name is not valid
   */
  public static Permission of(String name) {
    return new Permission(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
