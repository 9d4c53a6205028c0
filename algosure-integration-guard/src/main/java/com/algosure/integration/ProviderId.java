package com.algosure.integration;

/**
 * The identifier of an external provider (a mail service, a signature service, a government registry), as
 * registered with the {@link IntegrationGuard} or the {@code CallbackGuard}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value 1 to 64 lower-case letters, digits, {@code -}, {@code _} or {@code .}
 * @since 0.1.0
 */
public record ProviderId(String value) {

  /**
   * Checks the value.
   *
   * @throws IllegalArgumentException if the value is null, empty, too long or has other characters
   */
  public ProviderId {
    if (value == null || value.isEmpty() || value.length() > 64) {
      throw new IllegalArgumentException("provider id must be 1 to 64 characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        throw new IllegalArgumentException("provider id '" + Text.printable(value)
            + "' is not valid: use lower-case letters, digits, '-', '_' or '.'");
      }
    }
  }

  /**
   * Creates an identifier.
   *
   * @param value the identifier
   * @return the identifier
   * @throws IllegalArgumentException if the value is not valid
   */
  public static ProviderId of(String value) {
    return new ProviderId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
