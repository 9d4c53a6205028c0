package com.algosure.authz.token;

/**
 * Makes an untrusted value (a header or claim an attacker chose) safe to put in a message: quoted, cut to 64
 * characters, control characters replaced. Never used for the token itself, which no message contains.
 */
final class Printable {

  private static final int MAX = 64;

  private Printable() {}

  static String of(String value) {
    return "'" + raw(value) + "'";
  }

  static String raw(String value) {
    String cut = value.length() > MAX ? value.substring(0, MAX) + "..." : value;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
