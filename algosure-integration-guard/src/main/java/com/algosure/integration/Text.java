package com.algosure.integration;

/** Small text helpers for messages and audit details; internal. */
final class Text {

  /** The decimal text of 0 to 1023 (attempts, statuses, small sizes), made once instead of on every event. */
  private static final String[] DECIMALS = new String[1024];

  static {
    for (int i = 0; i < DECIMALS.length; i++) {
      DECIMALS[i] = Integer.toString(i);
    }
  }

  private Text() {}

  /** @return {@code Integer.toString(n)}, shared for small non-negative numbers */
  static String decimal(int n) {
    return n >= 0 && n < DECIMALS.length ? DECIMALS[n] : Integer.toString(n);
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
