package com.algosure.authz;

import com.algosure.authz.internal.UntrustedText;
import org.jspecify.annotations.Nullable;

/** Shared validation of identifier-like values; internal to the package. */
final class Identifiers {

  /** ASCII characters allowed in an identifier: letters, digits and {@code . _ - : @ /}. */
  private static final boolean[] ALLOWED = new boolean[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      ALLOWED[c] = true;
      ALLOWED[Character.toUpperCase(c)] = true;
    }
    for (char c = '0'; c <= '9'; c++) {
      ALLOWED[c] = true;
    }
    for (char c : "._:@/-".toCharArray()) {
      ALLOWED[c] = true;
    }
  }

  private Identifiers() {}

  static String require(String kind, String value) {
    if (value == null) {
      throw new IllegalArgumentException(kind + " must not be null");
    }
    if (!valid(value)) {
      throw new IllegalArgumentException(
          kind + " '" + printable(value) + "' is not valid: use 1 to 128 letters, digits or . _ - : @ /");
    }
    return value;
  }

  /**
   * Letters, digits and {@code . _ - : @ /}, 1 to 128 characters: enough for UUIDs, slugs and Keycloak ids.
   * A table look-up per character: every request names several identifiers, and a regex match cost more than
   * the rest of building the request.
   */
  static boolean valid(String value) {
    int n = value.length();
    if (n == 0 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !ALLOWED[c]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Cuts and escapes a rejected value so that a message never carries a huge string, nor one with control, line
   * separator, bidirectional or other format characters (see {@link UntrustedText}).
   */
  static String printable(String value) {
    return UntrustedText.printable(value, 64);
  }

  /**
   * A caller's text that is recorded on its own (a request's correlation id, task or approval id in an audit record
   * or a {@code toString}): the value itself when it is at most 128 characters with none that could forge or hide
   * text, as every identifier is; otherwise cut to 128 and made printable (see {@link UntrustedText}).
   */
  static @Nullable String recorded(@Nullable String value) {
    return value == null ? null : UntrustedText.safe(value, 128);
  }
}
