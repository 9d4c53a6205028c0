package com.algosure.integration;

/** Small text helpers for messages; internal. */
final class Text {

  private Text() {}

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
