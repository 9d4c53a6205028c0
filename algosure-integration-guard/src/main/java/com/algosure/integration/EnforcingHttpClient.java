package com.algosure.integration;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A client that checks the transport policy before every request; see {@link TransportPolicy#newHttpClient}.
 * The client a {@link CallContext} hands out is {@linkplain #forProvider restricted} to the call's provider's
 * allowed origins as well.
 */
final class EnforcingHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final TransportPolicy policy;
  /** The provider whose allowed origins every request must stay on, or null for the guard's shared client. */
  private final @Nullable ProviderPolicy provider;

  EnforcingHttpClient(HttpClient delegate, TransportPolicy policy) {
    this(delegate, policy, null);
  }

  private EnforcingHttpClient(HttpClient delegate, TransportPolicy policy, @Nullable ProviderPolicy provider) {
    this.delegate = delegate;
    this.policy = policy;
    this.provider = provider;
  }

  TransportPolicy policy() {
    return policy;
  }

  /** @return a view of this client (same connections) that also refuses requests off the provider's allowed origins */
  EnforcingHttpClient forProvider(ProviderPolicy provider) {
    return new EnforcingHttpClient(delegate, policy, provider);
  }

  /**
   * @param uri a request's URI
   * @throws TransportPolicyViolationException if the transport policy forbids it
   * @throws EndpointNotAllowedException if it is off the provider's allowed origins
   */
  void check(URI uri) {
    policy.check(uri);
    ProviderPolicy p = provider;
    if (p != null && !p.allowsOrigin(uri)) {
      throw new EndpointNotAllowedException(uri, p);
    }
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    check(request.uri());
    return delegate.send(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    check(request.uri());
    return delegate.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    check(request.uri());
    return delegate.sendAsync(request, handler, pushPromiseHandler);
  }

  @Override
  public String toString() {
    return "EnforcingHttpClient[" + policy + (provider == null ? "" : ", origins=" + provider.allowedOrigins()) + "]";
  }
}
