package com.algosure.integration;

import java.net.http.HttpRequest;
import java.util.Objects;

/** A provider call over the guard's HTTP client; see {@link ProviderCall#post}. Thread-safe. */
final class HttpProviderCall<T> implements ProviderCall<T> {

  private final String method;
  private final String path;
  private final RequestCustomizer customizer;
  private final PayloadValidator<T> validator;

  HttpProviderCall(String method, String path, RequestCustomizer customizer, PayloadValidator<T> validator) {
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.customizer = Objects.requireNonNull(customizer, "customizer");
    this.validator = Objects.requireNonNull(validator, "validator");
    if (method.isEmpty()) {
      throw new IllegalArgumentException("method must not be empty");
    }
  }

  @Override
  public ProviderResponse exchange(CallContext context) throws Exception {
    HttpRequest.Builder b = context.newRequest(path);
    if (context.payloadSizeIsZero()) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.method(method, context.payloadPublisher()).header("Content-Type", context.contentType());
    }
    customizer.customize(b, context);
    return context.send(b.build());
  }

  @Override
  public PayloadValidator<T> validator() {
    return validator;
  }

  @Override
  public boolean reportsSending() {
    return true;
  }

  @Override
  public String toString() {
    return "HttpProviderCall[" + method + " " + path + "]";
  }
}
