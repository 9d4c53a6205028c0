package com.algosure.authz;

/**
 * The identifier of a tenant, the outermost isolation boundary of Algosure data.
 *
 * <p>Immutable and thread-safe. Values are 1 to 128 characters of letters, digits and {@code . _ - : @ /}.
 *
 * @param value the identifier as the directory knows it
 * @since 0.1.0
 */
public record TenantId(String value) {

  /**
   * Checks the value.
   *
   * @throws IllegalArgumentException if the value is null, empty, too long or has other characters
   */
  public TenantId {
    Identifiers.require("tenant id", value);
  }

  /**
   * Creates an identifier.
   *
   * @param value the identifier
   * @return the identifier
   * @throws IllegalArgumentException if the value is not a valid identifier
   */
  public static TenantId of(String value) {
    return new TenantId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
