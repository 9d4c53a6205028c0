package com.algosure.spring;

import java.util.regex.Pattern;

/**
 * The one rule for the ids a request presents of its own, an approval id or a correlation id: 1 to 128 letters,
 * digits or {@code . _ : -}. The same rule wherever the id comes from (a header, an annotation's expression, a host's
 * own {@link RequestContextResolver}), so that an id refused from one source is not taken from another. Thread-safe.
 *
 * @since 0.1.0
 */
public final class RequestIds {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

  private RequestIds() {}

  /**
   * @param value an id
   * @return whether it is 1 to 128 letters, digits or {@code . _ : -}
   */
  public static boolean valid(String value) {
    return ID.matcher(value).matches();
  }

  /**
   * Checks an approval id the caller presents.
   *
   * @param source where the id came from, such as {@code header X-Approval-Id} or {@code @Authorize(approvalId)}
   * @param value the id
   * @return {@code value}, where it is valid
   * @throws InvalidRequestContextException if it is not (400, reason {@code REQUEST_CONTEXT_INVALID}); the exception
   *     names the source and the rule, never the value
   */
  public static String approvalId(String source, String value) {
    if (!valid(value)) {
      throw new InvalidRequestContextException(source, "not a valid approval id: use 1 to 128 letters, digits or . _ : -");
    }
    return value;
  }
}
