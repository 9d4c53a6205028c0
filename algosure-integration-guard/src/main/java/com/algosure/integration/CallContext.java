package com.algosure.integration;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ProviderCall} gets for one attempt: the request's ids and payload, the secrets the provider
 * declared (this call only), the guard's transport-enforcing HTTP client, and helpers that forward the
 * idempotency key and the correlation id.
 *
 * <p>One context per attempt; not shared between threads. The secrets it hands out are for the provider
 * request only: never log them or put them in an exception message.
 *
 * @since 0.1.0
 */
public final class CallContext {

  private final IntegrationRequest request;
  private final URI endpoint;
  private final int attempt;
  private final Map<SecretRef, Secret> secrets;
  private final HttpClient client;
  private final Duration attemptTimeout;
  private final int maxResponseBytes;
  private final String idempotencyHeader;
  /** The call, whose {@link CallState#providerKey()} is forwarded in {@link #idempotencyHeader} (derived on first use). */
  private final CallState<?> call;
  private final String correlationHeader;
  /** The guard's ticker and its reading when the attempt started: what is left of the attempt timeout. */
  private final LongSupplier ticker;
  private final long startedNanos;
  private final long attemptTimeoutNanos;
  private volatile boolean sent;
  /** Whether every request {@link #send} sent was GET, HEAD or OPTIONS (false before any). */
  private volatile boolean onlySafeMethods;
  private volatile boolean sentAny;
  /** Whether {@link #httpClient()} was handed out: what the call sent with it is not seen by {@link #send}. */
  private volatile boolean clientHandedOut;
  /** Whether the call declared with {@link #markSent()} a request that {@link #send} did not send (method unseen). */
  private volatile boolean sentUnseen;
  /** Whether {@link #send} sent a request other than GET, HEAD or OPTIONS before the latest one it sent. */
  private volatile boolean unsafeSentBefore;
  /** Whether {@link #send} got an answer to a request other than GET, HEAD or OPTIONS (it reached the provider). */
  private volatile boolean unsafeAnswered;

  CallContext(IntegrationRequest request, URI endpoint, int attempt, Map<SecretRef, Secret> secrets, HttpClient client,
      Duration attemptTimeout, int maxResponseBytes, String idempotencyHeader, CallState<?> call,
      String correlationHeader, LongSupplier ticker, long startedNanos, long attemptTimeoutNanos) {
    this.request = request;
    this.endpoint = endpoint;
    this.attempt = attempt;
    this.secrets = secrets;
    this.client = client;
    this.attemptTimeout = attemptTimeout;
    this.maxResponseBytes = maxResponseBytes;
    this.idempotencyHeader = idempotencyHeader;
    this.call = call;
    this.correlationHeader = correlationHeader;
    this.ticker = ticker;
    this.startedNanos = startedNanos;
    this.attemptTimeoutNanos = attemptTimeoutNanos;
  }

  /** @return the tenant */
  public TenantId tenant() {
    TenantId t = request.tenantOrNull();
    if (t == null) {
      throw new IllegalStateException("no tenant: the guard never calls a provider without one");
    }
    return t;
  }

  /** @return the active organization, if named */
  public Optional<OrganizationId> organization() {
    return request.organization();
  }

  /** @return the provider */
  public ProviderId provider() {
    return request.provider();
  }

  /** @return the action */
  public String action() {
    return request.action().name();
  }

  /**
   * @return the caller's idempotency key, which the guard scopes to the tenant, provider and action; what the
   *     provider gets is {@link #providerIdempotencyKey()}
   */
  public Optional<String> idempotencyKey() {
    return request.idempotencyKey();
  }

  /**
   * @return the key to forward to the provider for this call, which {@link #newRequest(String)} sets as the
   *     provider's idempotency header: derived from the tenant, provider, action and the caller's key
   *     ({@link IdempotencyKey#providerKey()}), the same on every attempt and resubmission, never another tenant's.
   *     An exchange that builds its own requests forwards this, never the caller's key, which another tenant of a
   *     shared provider account may use too
   * @since 0.1.0
   */
  public Optional<String> providerIdempotencyKey() {
    return Optional.ofNullable(call.providerKey());
  }

  /** @return the caller's correlation id, if any */
  public Optional<String> correlationId() {
    return request.correlationId();
  }

  /** @return the attempt number, 1 for the first */
  public int attempt() {
    return attempt;
  }

  /** @return the endpoint for this call (the request's override or the provider's), already policy-checked */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The per-attempt timeout. The guard never interrupts an attempt; when the attempt returns, an attempt that
   * took longer is a timeout (an unknown state once sent) whatever it returned, so a late answer is never
   * taken as a fact. {@link #send} bounds the whole exchange by it, reading the body included; a custom
   * exchange must itself stop waiting by then (the requests of {@link #newRequest(String)} carry it as their
   * request timeout, which bounds the wait for the response headers only).
   *
   * @return the per-attempt timeout
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** @return a copy of the payload bytes */
  public byte[] payload() {
    return request.payload();
  }

  /** @return the payload's media type */
  public String contentType() {
    return request.contentType();
  }

  /** @return the payload as a body publisher (no copy) */
  public HttpRequest.BodyPublisher payloadPublisher() {
    return HttpRequest.BodyPublishers.ofByteArray(request.payloadUnsafe());
  }

  /**
   * A secret the provider declared, resolved for this call.
   *
   * @param ref the reference
   * @return the secret
   * @throws IllegalStateException if the provider did not declare it
   */
  public Secret secret(SecretRef ref) {
    Secret s = secrets.get(ref);
    if (s == null) {
      throw new IllegalStateException("secret '" + ref + "' is not declared for provider '" + provider()
          + "': declare it with ProviderPolicy.builder(...).secret(\"" + ref + "\")");
    }
    return s;
  }

  /**
   * @return the guard's HTTP client: TLS 1.2+, no redirects, every request checked against the transport policy
   *     and the provider's allowed origins before anything is sent. What the call sends with it is not seen by
   *     the guard, so an attempt that asked for it is never taken for one that sent only safe methods (a
   *     rejected answer is then handed for review, and a 502 or 504 without an idempotency key is not re-sent)
   */
  public HttpClient httpClient() {
    clientHandedOut = true;
    return client;
  }

  /**
   * A request builder for a path under the endpoint, with the idempotency key header (when the request has
   * a key: {@link #providerIdempotencyKey()}), the correlation header (when it has an id) and the per-attempt
   * timeout already set.
   *
   * @param path a path relative to the endpoint, such as {@code messages} (empty for the endpoint itself): it goes
   *     under the endpoint's path, with or without a trailing slash ({@code https://h/v1} and
   *     {@code https://h/v1/} both make {@code https://h/v1/messages})
   * @return the builder
   * @throws EndpointNotAllowedException if the path resolves to another origin (scheme, host, port) than the
   *     endpoint, such as {@code //other.host/x}, or leaves the endpoint's path ({@code /admin}, or a {@code ..} or
   *     {@code .} segment, percent-encoded or not, with a {@code ;} parameter or between backslashes, as a path built
   *     from a caller's value may hold); nothing is sent
   */
  public HttpRequest.Builder newRequest(String path) {
    URI uri = path.isEmpty() ? endpoint : resolved(path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(attemptTimeout);
    String providerKey = call.providerKey();
    if (providerKey != null) {
      b.header(idempotencyHeader, providerKey);
    }
    String correlation = request.correlationIdOrNull();
    if (correlation != null) {
      b.header(correlationHeader, correlation);
    }
    return b;
  }

  /** @return the path resolved under the endpoint, checked to stay on its origin and under its path */
  private URI resolved(String path) {
    URI base = under(endpoint);
    URI uri = base.resolve(path);
    if (!TransportPolicy.origin(endpoint).equals(TransportPolicy.originOrNull(uri))) {
      // a path such as //other.host/x or https://other.host/x resolves to another host: never send the credential there
      throw new EndpointNotAllowedException(uri, "the request path resolves to another origin than the endpoint "
          + TransportPolicy.origin(endpoint) + ": pass a path relative to the endpoint, such as \"messages\"");
    }
    if (!staysUnder(base, uri)) {
      // messages/../../admin/keys reaches /admin/keys on the same origin, with the tenant's credential: a path made
      // from a caller's value (an id) must not pick another of the provider's resources
      throw new EndpointNotAllowedException(uri, "the request path leaves the endpoint's path on "
          + TransportPolicy.origin(endpoint) + " (it starts with '/' or has a '.' or '..' segment): pass a path"
          + " relative to the endpoint without them, such as \"messages\", and check values put into it");
    }
    return uri;
  }

  /**
   * @return whether {@code uri}'s path is under {@code base}'s path (which ends with a slash, or is empty: the root)
   *     and has no {@code .} or {@code ..} segment once decoded ({@code %2e%2e} is {@code ..} to many servers), also
   *     with {@code ;} parameters ({@code ..;x}) or between backslashes ({@code %5c})
   */
  private static boolean staysUnder(URI base, URI uri) {
    String under = base.getPath();
    String path = uri.getPath();
    if (path == null || !path.startsWith(under == null || under.isEmpty() ? "/" : under)) {
      return false;
    }
    // a backslash is a separator to IIS and others, and Tomcat and Jetty drop a segment's ';' parameters before they
    // resolve dot segments: "..;x", and ".." between backslashes, climb as ".." does
    for (String segment : path.split("[/\\\\]", -1)) {
      int parameters = segment.indexOf(';');
      String name = parameters < 0 ? segment : segment.substring(0, parameters);
      if (name.equals(".") || name.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return the endpoint as a base its relative paths go under: itself if its path is empty or ends with a slash,
   *     else with a slash added (URI resolution replaces a base's last segment: {@code https://h/v1} with
   *     {@code messages} would be {@code https://h/messages}, a path the user never meant)
   */
  private static URI under(URI endpoint) {
    String path = endpoint.getRawPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return endpoint;
    }
    // the query and fragment go: a relative path's resolution drops them anyway
    return URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path + "/");
  }

  /**
   * @param header a header name the guard sets on provider requests
   * @param option the option it was configured with, for the message
   * @return the name
   * @throws IllegalArgumentException if the HTTP client would refuse to set it (not a token, or a header the client
   *     sets itself), which would fail every call's request before sending
   */
  static String requireHeaderName(String header, String option) {
    try {
      HttpRequest.newBuilder().header(header, "0");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " must be a header name the HTTP client may set (letters, digits and "
          + "! # $ % & ' * + - . ^ _ ` | ~, not one the client sets itself such as Host or Content-Length), was '"
          + Text.printable(header) + "'");
    }
    return header;
  }

  /**
   * Sends a request with the guard's client and reads the response, at most the provider's response size
   * limit, all within what is left of the attempt timeout: a response whose headers or body do not arrive in
   * time is abandoned (the exchange is cancelled) and this throws {@link HttpTimeoutException}, which the guard
   * treats as a timeout after sending (an unknown state). Marks the attempt as sent just before any byte may
   * leave.
   *
   * <p>A successful (2xx) response whose body is over the size limit throws {@link ResponseTooLargeException}.
   * Any other response over the limit is returned with its status and headers and an empty body, so that it is
   * still classified by its status (a 503 retried, a 429 with its {@code Retry-After}); its body is not read,
   * and the guard never takes it as a fact.
   *
   * @param httpRequest the request
   * @return the response
   * @throws TransportPolicyViolationException if the request's URI breaks the transport policy, or is not on
   *     one of the provider's allowed origins ({@link EndpointNotAllowedException}); nothing is sent
   * @throws ResponseTooLargeException if a 2xx response's body is over the limit
   * @throws HttpTimeoutException if the attempt timeout passes before the response is read
   * @throws IOException if sending or receiving fails
   * @throws InterruptedException if the thread was interrupted (the exchange is cancelled)
   */
  public ProviderResponse send(HttpRequest httpRequest) throws IOException, InterruptedException {
    if (client instanceof EnforcingHttpClient e) {
      e.check(httpRequest.uri());
    }
    long left = attemptTimeoutNanos - (ticker.getAsLong() - startedNanos);
    if (left <= 0) {
      throw new HttpTimeoutException("the attempt timeout of " + attemptTimeout.toMillis() + " ms passed before sending");
    }
    String method = httpRequest.method();
    boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    if (sentAny && !onlySafeMethods) {
      unsafeSentBefore = true;
    }
    onlySafeMethods = safe && (!sentAny || onlySafeMethods);
    sentAny = true;
    sent = true;
    CompletableFuture<HttpResponse<BoundedBody>> exchange = client.sendAsync(httpRequest, BoundedBody.handler(maxResponseBytes));
    HttpResponse<BoundedBody> r;
    try {
      r = exchange.get(left, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new HttpTimeoutException("no complete response within the attempt timeout of " + attemptTimeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      exchange.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw rethrown(e.getCause());
    }
    if (!safe) {
      unsafeAnswered = true;
    }
    BoundedBody body = r.body();
    if (!body.overLimit()) {
      return ProviderResponse.ofOwned(r.statusCode(), r.headers().map(), body.bytes());
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      throw new ResponseTooLargeException(maxResponseBytes, r.statusCode());
    }
    return ProviderResponse.ofBodyOverLimit(r.statusCode(), r.headers().map());
  }

  /** The exchange's own failure, as {@code HttpClient.send} would have thrown it. */
  private static IOException rethrown(@Nullable Throwable cause) {
    if (cause instanceof IOException io) {
      return io;
    }
    if (cause instanceof RuntimeException re) {
      throw re;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new IOException(cause == null ? "the exchange failed" : cause.getClass().getName(), cause);
  }

  /**
   * Declares that the request may have reached the provider. A custom exchange that does not use
   * {@link #send} calls this just before its first byte leaves, so that a timeout after it is treated as
   * an unknown state (escalated), not as a transient failure (retried).
   */
  public void markSent() {
    sent = true;
    sentUnseen = true; // sent by the call's own means: its method is unknown, so never taken for a safe one
  }

  /**
   * @return whether every request of this attempt went through {@link #send} with a safe method (GET, HEAD,
   *     OPTIONS), which may be re-sent after a 502 or 504 even without an idempotency key; false once the call
   *     asked for {@link #httpClient()}, or declared with {@link #markSent()} a request of its own, whose methods
   *     {@link #send} does not see
   */
  boolean sentOnlySafeMethods() {
    return onlySafeMethods && !clientHandedOut && !sentUnseen;
  }

  /**
   * @return whether a request of this attempt that may have changed something at the provider may have been sent
   *     before the one that failed or answered last: an earlier request through {@link #send} other than GET, HEAD
   *     or OPTIONS, or any request through {@link #httpClient()} or by the call's own means ({@link #markSent()}),
   *     whose order {@link #send} does not see. Re-running such an attempt sends that request again.
   */
  boolean mayHaveActedBeforeLastRequest() {
    return unsafeSentBefore || clientHandedOut || sentUnseen;
  }

  /**
   * @return whether a request of this attempt that may have changed something at the provider may have been sent
   *     before the exchange threw: as {@link #mayHaveActedBeforeLastRequest()}, or a request other than GET, HEAD or
   *     OPTIONS that {@link #send} sent was answered (the exchange failed after it, polling say)
   */
  boolean mayHaveActedBeforeFailure() {
    return unsafeAnswered || mayHaveActedBeforeLastRequest();
  }

  /** @return whether the attempt declared that the request may have left */
  public boolean sent() {
    return sent;
  }

  @Override
  public String toString() {
    return "CallContext[" + request + ", attempt=" + attempt + ", secrets=" + Arrays.toString(secrets.keySet().toArray()) + "]";
  }

  boolean payloadSizeIsZero() {
    return request.payloadSize() == 0;
  }
}
