package com.algosure.integration;

import com.algosure.authz.internal.UntrustedText;

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

  /**
   * Cuts and escapes a rejected value so that a message never carries a huge string or one that could forge or hide
   * text (controls, line separators, bidi and other format characters), as the core's messages do.
   */
  static String printable(String value) {
    return UntrustedText.printable(value, 64);
  }
}
