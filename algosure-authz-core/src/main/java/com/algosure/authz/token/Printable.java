package com.algosure.authz.token;

import com.algosure.authz.internal.UntrustedText;

/**
 * Makes an untrusted value (a header or claim an attacker chose) safe to put in a message: quoted, cut to 64
 * characters, control, line-separator, bidirectional and other format characters replaced (see
 * {@link UntrustedText}). Never used for the token itself, which no message contains.
 */
final class Printable {

  private static final int MAX = 64;

  private Printable() {}

  static String of(String value) {
    return "'" + raw(value) + "'";
  }

  static String raw(String value) {
    return UntrustedText.printable(value, MAX);
  }
}
