package com.algosure.authz.internal;

/**
 * Makes a value an attacker may have chosen (a token's header or claim, a rejected identifier) safe to put in a
 * message or a log line: cut to a length, and every character that could forge or hide text replaced by {@code ?}.
 * Those are the control characters (C0, DEL and C1: {@code U+0000}-{@code U+001F}, {@code U+007F}-{@code U+009F}),
 * the line and paragraph separators ({@code U+2028}, {@code U+2029}), the format characters, which include the
 * bidirectional overrides and isolates ({@code U+202A}-{@code U+202E}, {@code U+2066}-{@code U+2069}), zero-width
 * characters and the invisible tag characters ({@code U+E0000}-{@code U+E007F}), and a lone surrogate. <b>Not
 * API.</b>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class UntrustedText {

  private UntrustedText() {}

  /**
   * @param value the untrusted value
   * @param max how many characters of it to keep; a longer value is cut and ends in {@code ...}
   * @return the value, cut, with every unsafe character replaced by {@code ?}
   */
  public static String printable(String value, int max) {
    String cut = value.length() > max ? value.substring(0, max) + "..." : value;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); ) {
      int cp = cut.codePointAt(i);
      int n = Character.charCount(cp);
      if (unsafe(cp)) {
        out.append('?');
      } else {
        out.append(cut, i, i + n);
      }
      i += n;
    }
    return out.toString();
  }

  /**
   * Like {@link #printable(String, int)}, but returns the value itself, without a copy, when it is already short
   * enough and safe: for values that are almost always ids, recorded on every decision.
   *
   * @param value the untrusted value
   * @param max how many characters of it to keep; a longer value is cut and ends in {@code ...}
   * @return the value, or its printable cut copy if it is longer than {@code max} or has an unsafe character
   */
  public static String safe(String value, int max) {
    if (value.length() > max) {
      return printable(value, max);
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (unsafe(cp)) {
        return printable(value, max);
      }
      i += Character.charCount(cp);
    }
    return value;
  }

  /** @return whether the code point could break a line, reorder or hide text, or is half a character */
  static boolean unsafe(int cp) {
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      return true;
    }
    if (cp < 0xa0) {
      return false; // printable ASCII: the common case, no table look-up
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE -> true;
      default -> false;
    };
  }
}
