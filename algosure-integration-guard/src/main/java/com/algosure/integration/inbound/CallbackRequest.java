package com.algosure.integration.inbound;

import com.algosure.integration.ProviderId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A provider's callback exactly as received: which registration it came in on (the provider, typically from
 * the URL path), its headers and its raw body bytes. Signatures are computed over these bytes as received,
 * never over a re-encoded form.
 *
 * <p>Immutable and thread-safe. Header names are case-insensitive. {@link #toString()} shows the provider
 * and the body's size, never headers or body.
 *
 * @since 0.1.0
 */
public final class CallbackRequest {

  private final ProviderId provider;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  private CallbackRequest(ProviderId provider, Map<String, List<String>> headers, byte[] body) {
    this.provider = Objects.requireNonNull(provider, "provider");
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> {
      if (k != null && v != null) {
        List<String> earlier = h.get(k);
        if (earlier == null) {
          h.put(k, List.copyOf(v)); // an immutable list (Map.of(..., List.of(...))) is kept, not copied
        } else {
          // the same name in another case: its values follow the earlier ones, under the first spelling
          List<String> merged = new ArrayList<>(earlier.size() + v.size());
          merged.addAll(earlier);
          merged.addAll(v);
          h.put(k, List.copyOf(merged));
        }
      }
    });
    this.headers = Collections.unmodifiableMap(h);
    this.body = body;
  }

  /**
   * @param provider the provider the callback came in for
   * @param headers the headers as received
   * @param body the raw body (copied)
   * @return the request
   */
  public static CallbackRequest of(ProviderId provider, Map<String, List<String>> headers, byte[] body) {
    return new CallbackRequest(provider, Objects.requireNonNull(headers, "headers"), Objects.requireNonNull(body, "body").clone());
  }

  /**
   * @param provider the provider
   * @return a builder
   */
  public static Builder builder(String provider) {
    return new Builder(ProviderId.of(provider));
  }

  /** @return the provider the callback came in for */
  public ProviderId provider() {
    return provider;
  }

  /** @return the headers, with case-insensitive names */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * @param name a header name, in any case
   * @return its first value, if present
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headerValue(name));
  }

  /** @param name a header name, in any case @return its first value, or null (the guard's own verifiers) */
  @Nullable String headerValue(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** @return a copy of the raw body */
  public byte[] body() {
    return body.clone();
  }

  /** @return the body's size in bytes */
  public int bodySize() {
    return body.length;
  }

  /**
   * The body itself, not a copy: for the guard's own verifiers, which only read it and may hand it on as the
   * verified payload (the guard reads it no more once the validator has seen it).
   */
  byte[] bodyUnsafe() {
    return body;
  }

  @Override
  public String toString() {
    return "CallbackRequest[provider=" + provider + ", body=" + body.length + " bytes]";
  }

  /** Builds a {@link CallbackRequest}; not thread-safe. */
  public static final class Builder {
    private final ProviderId provider;
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private byte[] body = new byte[0];

    private Builder(ProviderId provider) {
      this.provider = provider;
    }

    /**
     * @param name a header name
     * @param value a value (added to earlier ones)
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>()).add(Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * @param body the raw body (copied)
     * @return this builder
     */
    public Builder body(byte[] body) {
      this.body = Objects.requireNonNull(body, "body").clone();
      return this;
    }

    /** @return the request */
    public CallbackRequest build() {
      return new CallbackRequest(provider, headers, body);
    }
  }
}
