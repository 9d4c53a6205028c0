package com.algosure.authz;

import java.util.regex.Pattern;

/** Shared validation of identifier-like values; internal to the package. */
final class Identifiers {

  /** Letters, digits and {@code . _ - : @ /}, 1 to 128 characters: enough for UUIDs, slugs and Keycloak ids. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/\\-]{1,128}");

  private Identifiers() {}

  static String require(String kind, String value) {
    if (value == null) {
      throw new IllegalArgumentException(kind + " must not be null");
    }
    if (!ID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          kind + " '" + printable(value) + "' is not valid: use 1 to 128 letters, digits or . _ - : @ /");
    }
    return value;
  }

  /** Cuts and escapes a rejected value so that a message never carries a huge or control-laden string. */
  static String printable(String value) {
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
