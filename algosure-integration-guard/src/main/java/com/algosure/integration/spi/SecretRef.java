package com.algosure.integration.spi;

/**
 * The name under which a secret is kept in the host's secrets management, such as
 * {@code acme-mail/api-key}. The reference is what the audit trail records; the value never is.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name 1 to 128 letters, digits or {@code . _ - /}, without empty or {@code .}/{@code ..} segments
 * @since 0.1.0
 */
public record SecretRef(String name) {

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException if the name is null, empty, too long, has other characters or a
   *     {@code .}, {@code ..} or empty path segment
   */
  public SecretRef {
    if (name == null || name.isEmpty() || name.length() > 128) {
      throw new IllegalArgumentException("secret reference must be 1 to 128 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || c == '/';
      if (!ok) {
        throw new IllegalArgumentException("secret reference has a character other than letters, digits or . _ - / at index " + i);
      }
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("secret reference '" + name + "' has an empty, '.' or '..' segment");
      }
    }
  }

  /**
   * Creates a reference.
   *
   * @param name the name
   * @return the reference
   * @throws IllegalArgumentException if the name is not valid
   */
  public static SecretRef of(String name) {
    return new SecretRef(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
