package com.algosure.integration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A provider's answer to one attempt: status, headers and the raw body as received. Untrusted until the
 * call's {@link PayloadValidator} accepts it.
 *
 * <p>Immutable and thread-safe. Header names are case-insensitive. {@link #toString()} shows the status and
 * the body's size, never the body.
 *
 * @since 0.1.0
 */
public final class ProviderResponse {

  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  /** Set when the body was over the provider's size limit and was not read: the status and headers only. */
  private final boolean bodyOverLimit;

  private ProviderResponse(int status, Map<String, List<String>> headers, byte[] body) {
    this(status, headers, body, false);
  }

  private ProviderResponse(int status, Map<String, List<String>> headers, byte[] body, boolean bodyOverLimit) {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be 100 to 999, was " + status);
    }
    this.status = status;
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> {
      if (k != null) {
        h.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
      }
    });
    h.replaceAll((k, v) -> List.copyOf(v));
    this.headers = Collections.unmodifiableMap(h);
    this.body = body;
    this.bodyOverLimit = bodyOverLimit;
  }

  /**
   * @param status the HTTP status (or a provider adapter's equivalent)
   * @param headers the headers
   * @param body the body (copied)
   * @return the response
   * @throws IllegalArgumentException if the status is not 100 to 999
   */
  public static ProviderResponse of(int status, Map<String, List<String>> headers, byte[] body) {
    return new ProviderResponse(status, Objects.requireNonNull(headers, "headers"), Objects.requireNonNull(body, "body").clone());
  }

  static ProviderResponse ofOwned(int status, Map<String, List<String>> headers, byte[] body) {
    return new ProviderResponse(status, headers, body);
  }

  /** A response whose body was over the size limit: status and headers, an empty body, never a fact. */
  static ProviderResponse ofBodyOverLimit(int status, Map<String, List<String>> headers) {
    return new ProviderResponse(status, headers, new byte[0], true);
  }

  boolean bodyOverLimit() {
    return bodyOverLimit;
  }

  /** @return the status */
  public int status() {
    return status;
  }

  /** @return the headers, with case-insensitive names */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * @param name a header name, in any case
   * @return the header's first value, if present
   */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /** @return a copy of the raw body */
  public byte[] body() {
    return body.clone();
  }

  /** @return the body's size in bytes */
  public int bodySize() {
    return body.length;
  }

  byte[] bodyUnsafe() {
    return body;
  }

  /** @return whether the status is 2xx */
  public boolean successful() {
    return status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    return "ProviderResponse[status=" + status + ", body=" + (bodyOverLimit ? "over the limit, not read" : body.length + " bytes") + "]";
  }
}
