package com.algosure.authz.internal;

import java.util.Locale;

/**
 * A JOSE header {@code typ} as the media type it names, for comparison. <b>Not API.</b>
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1.0
 */
public final class MediaTypes {

  private MediaTypes() {}

  /**
   * RFC 7515 §4.1.9 says a {@code typ} without a {@code /} means {@code application/} plus it, and media types compare
   * ignoring case (RFC 2045). So {@code at+jwt}, {@code AT+JWT} and {@code application/at+jwt} are one type.
   *
   * @param typ a header {@code typ}, or a configured type
   * @return the type lower case, without an {@code application/} prefix
   */
  public static String ofJoseType(String typ) {
    String t = typ.regionMatches(true, 0, "application/", 0, 12) ? typ.substring(12) : typ;
    return t.toLowerCase(Locale.ROOT);
  }
}
