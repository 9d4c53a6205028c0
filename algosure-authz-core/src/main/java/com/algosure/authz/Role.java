package com.algosure.authz;

/**
 * An Algosure role, such as {@code filing-clerk}. Which permissions a role grants is declared in the
 * {@link RoleCatalog}; who holds it where is a {@link RoleBinding}, or a role signal of a validated token.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the role's name: 1 to 128 letters, digits or {@code . _ - : @ /}
 * @since 0.1.0
 */
public record Role(String name) {

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException if the name is not valid
   */
  public Role {
    Identifiers.require("role", name);
  }

  /**
   * Creates a role.
   *
   * @param name the role's name
   * @return the role
   * @throws IllegalArgumentException if the name is not valid
   */
  public static Role of(String name) {
    return new Role(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
