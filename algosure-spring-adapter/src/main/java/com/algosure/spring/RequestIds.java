package com.algosure.spring;

import java.util.Optional;
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

  /**
   * The approval id the current request presents, as a resolver reads it, held to the same rule: a host's own
   * resolver may not check it, and an id refused from the header is never taken from another source.
   *
   * @param resolver the request context resolver
   * @return its approval id, if the request presents one
   * @throws InvalidRequestContextException if the resolver refuses the request's id, or gives one that is not valid
   *     (400, reason {@code REQUEST_CONTEXT_INVALID}); the exception never names the value
   */
  public static Optional<String> approvalId(RequestContextResolver resolver) {
    return resolver.approvalId().map(v -> approvalId("RequestContextResolver approvalId", v));
  }

  /**
   * The correlation id the current request gives, as a resolver reads it, held to the same rule: a host's own resolver
   * may not check it. One that is not valid is dropped, not an error, as the default resolver drops one from its
   * header: a correlation id is a convenience, and it goes into audit records and to providers as given.
   *
   * @param resolver the request context resolver
   * @return its correlation id, if it gives a valid one
   */
  public static Optional<String> correlationId(RequestContextResolver resolver) {
    return resolver.correlationId().filter(RequestIds::valid);
  }
}
