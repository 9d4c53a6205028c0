package com.algosure.integration;

/**
 * What kind of external access a consent covers. The seed's scopes are constants; a host defines more with
 * {@link #of(String)}. A provider action declares the scope it needs when it is registered.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name 1 to 64 upper-case letters, digits or {@code _}
 * @since 0.1.0
 */
public record ConsentScope(String name) {

  /** Access to a customer's mail. */
  public static final ConsentScope MAIL = new ConsentScope("MAIL");
  /** Access to a customer's document storage. */
  public static final ConsentScope STORAGE = new ConsentScope("STORAGE");
  /** Access to a customer's messaging channels. */
  public static final ConsentScope MESSAGING = new ConsentScope("MESSAGING");
  /** Signing on a customer's behalf. */
  public static final ConsentScope SIGNATURES = new ConsentScope("SIGNATURES");
  /** Access to government records about a customer. */
  public static final ConsentScope GOVERNMENT_RECORDS = new ConsentScope("GOVERNMENT_RECORDS");
  /** Exchange of a customer's data with a partner. */
  public static final ConsentScope PARTNER_DATA = new ConsentScope("PARTNER_DATA");

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException if the name is null, empty, too long or has other characters
   */
  public ConsentScope {
    if (name == null || name.isEmpty() || name.length() > 64) {
      throw new IllegalArgumentException("consent scope must be 1 to 64 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        throw new IllegalArgumentException("consent scope '" + Text.printable(name)
            + "' is not valid: use upper-case letters, digits or '_'");
      }
    }
  }

  /**
   * A scope by name: one of the constants or a host-defined one.
   *
   * @param name the name
   * @return the scope
   * @throws IllegalArgumentException if the name is not valid
   */
  public static ConsentScope of(String name) {
    return new ConsentScope(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
