package com.algosure.integration;

import static com.algosure.authz.internal.Options.once;

import com.algosure.authz.Permission;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.SecretRef;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the guard treats one provider: its endpoint, its actions (and the consent scope each needs), the
 * secrets it needs, its rate limits, and its resilience (retry, backoff, retry budget, circuit breaker,
 * per-attempt timeout) and idempotency settings. Every value has a safe default except the endpoint and at
 * least one action.
 *
 * <pre>{@code
 * ProviderPolicy mail = ProviderPolicy.builder("acme-mail")
 *     .endpoint(URI.create("https://api.acme-mail.example/v1/"))
 *     .action("mail:send", ConsentScope.MAIL)
 *     .secret("acme-mail/api-key")
 *     .tenantRateLimit(RateLimit.of(10, Duration.ofSeconds(1)))
 *     .maxAttempts(4)
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. The builder refuses to set an option twice and checks cross-field rules in
 * {@link Builder#build()}.
 *
 * @since 0.1.0
 */
public final class ProviderPolicy {

  private final ProviderId provider;
  private final URI endpoint;
  private final Set<String> allowedOrigins;
  private final Map<Permission, Optional<ConsentScope>> actions;
  private final Set<SecretRef> secrets;
  private final Optional<RateLimit> tenantRateLimit;
  private final Optional<RateLimit> providerRateLimit;
  private final int maxAttempts;
  private final Duration maxRetryDuration;
  private final Duration backoffInitial;
  private final Duration backoffMax;
  private final double jitter;
  private final Duration attemptTimeout;
  private final int breakerFailures;
  private final int breakerWindow;
  private final Duration breakerOpenFor;
  private final double retryBudgetRatio;
  private final int retryBudgetMinimum;
  private final Duration retryBudgetWindow;
  private final Duration retryAfterCap;
  private final Duration defaultRetryAfter;
  private final Duration idempotencyTtl;
  private final boolean requireIdempotencyKey;
  private final String idempotencyHeader;
  private final Duration duplicateWait;
  private final int maxResponseBytes;

  private ProviderPolicy(Builder b) {
    this.provider = b.provider;
    this.endpoint = Objects.requireNonNull(b.endpoint);
    LinkedHashSet<String> origins = new LinkedHashSet<>();
    origins.add(TransportPolicy.origin(endpoint));
    origins.addAll(b.allowedOrigins);
    this.allowedOrigins = Collections.unmodifiableSet(origins);
    this.actions = Map.copyOf(b.actions);
    this.secrets = Set.copyOf(b.secrets);
    this.tenantRateLimit = Optional.ofNullable(b.tenantRateLimit);
    this.providerRateLimit = Optional.ofNullable(b.providerRateLimit);
    this.maxAttempts = b.maxAttempts == null ? 3 : b.maxAttempts;
    this.maxRetryDuration = or(b.maxRetryDuration, Duration.ofSeconds(30));
    this.backoffInitial = or(b.backoffInitial, Duration.ofMillis(200));
    this.backoffMax = or(b.backoffMax, Duration.ofSeconds(5));
    this.jitter = b.jitter == null ? 0.25 : b.jitter;
    this.attemptTimeout = or(b.attemptTimeout, Duration.ofSeconds(10));
    this.breakerFailures = b.breakerFailures == null ? 5 : b.breakerFailures;
    this.breakerWindow = b.breakerWindow == null ? 10 : b.breakerWindow;
    this.breakerOpenFor = or(b.breakerOpenFor, Duration.ofSeconds(30));
    this.retryBudgetRatio = b.retryBudgetRatio == null ? 0.2 : b.retryBudgetRatio;
    this.retryBudgetMinimum = b.retryBudgetMinimum == null ? 10 : b.retryBudgetMinimum;
    this.retryBudgetWindow = or(b.retryBudgetWindow, Duration.ofSeconds(10));
    this.retryAfterCap = or(b.retryAfterCap, Duration.ofSeconds(1));
    this.defaultRetryAfter = or(b.defaultRetryAfter, Duration.ofSeconds(1));
    this.idempotencyTtl = or(b.idempotencyTtl, Duration.ofHours(24));
    this.requireIdempotencyKey = b.requireIdempotencyKey == null || b.requireIdempotencyKey;
    this.idempotencyHeader = b.idempotencyHeader == null ? "Idempotency-Key" : b.idempotencyHeader;
    this.duplicateWait = or(b.duplicateWait, Duration.ZERO);
    this.maxResponseBytes = b.maxResponseBytes == null ? 1024 * 1024 : b.maxResponseBytes;
  }

  private static Duration or(@Nullable Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  /**
   * @param provider the provider's id
   * @return a new builder
   * @throws IllegalArgumentException if the id is not valid
   */
  public static Builder builder(String provider) {
    return new Builder(ProviderId.of(provider));
  }

  /**
   * @param provider the provider's id
   * @return a new builder
   */
  public static Builder builder(ProviderId provider) {
    return new Builder(Objects.requireNonNull(provider, "provider"));
  }

  /** @return the provider */
  public ProviderId provider() {
    return provider;
  }

  /** @return the registered endpoint */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The origins ({@code scheme://host:port}, lower case, with the scheme's default port written out) a call to
   * this provider may go to: the registered endpoint's, first, then those added with
   * {@link Builder#allowedOrigin(URI)}. A request's endpoint override, and every request URI of a call, must
   * have one of them, or the call is denied before anything is sent: the provider's credentials go only there.
   *
   * @return the allowed origins, the registered endpoint's first
   * @since 0.1.0
   */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /**
   * @param uri a URI
   * @return whether a call to this provider may send a request there (its origin is allowed)
   * @since 0.1.0
   */
  public boolean allowsOrigin(URI uri) {
    String o = TransportPolicy.originOrNull(uri);
    return o != null && allowedOrigins.contains(o);
  }

  /** @return the actions, each with the consent scope it needs (empty: none) */
  public Map<Permission, Optional<ConsentScope>> actions() {
    return actions;
  }

  /** @return the secrets each call resolves and hands to the provider call */
  public Set<SecretRef> secrets() {
    return secrets;
  }

  /** @return the limit per tenant × provider, if any */
  public Optional<RateLimit> tenantRateLimit() {
    return tenantRateLimit;
  }

  /** @return the provider-wide limit, if any */
  public Optional<RateLimit> providerRateLimit() {
    return providerRateLimit;
  }

  /** @return the most attempts per call, the first included (default 3) */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** @return the longest a call may spend retrying (default 30 seconds) */
  public Duration maxRetryDuration() {
    return maxRetryDuration;
  }

  /** @return the first backoff delay (default 200 ms; doubles per retry) */
  public Duration backoffInitial() {
    return backoffInitial;
  }

  /** @return the longest backoff delay (default 5 seconds) */
  public Duration backoffMax() {
    return backoffMax;
  }

  /** @return the jitter factor applied to each delay (default 0.25) */
  public double jitter() {
    return jitter;
  }

  /** @return the per-attempt timeout (default 10 seconds) */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** @return failures within {@link #breakerWindow()} attempts that open the circuit (default 5) */
  public int breakerFailures() {
    return breakerFailures;
  }

  /** @return the attempts the breaker counts over (default 10) */
  public int breakerWindow() {
    return breakerWindow;
  }

  /** @return how long an open circuit stays open before a trial attempt (default 30 seconds) */
  public Duration breakerOpenFor() {
    return breakerOpenFor;
  }

  /** @return the share of recent calls that may be retries (default 0.2) */
  public double retryBudgetRatio() {
    return retryBudgetRatio;
  }

  /** @return retries always allowed per window, however few calls there were (default 10) */
  public int retryBudgetMinimum() {
    return retryBudgetMinimum;
  }

  /** @return the window over which the retry budget counts (default 10 seconds) */
  public Duration retryBudgetWindow() {
    return retryBudgetWindow;
  }

  /** @return the longest {@code Retry-After} a call waits out itself; longer ends it as rate limited (default 1 second) */
  public Duration retryAfterCap() {
    return retryAfterCap;
  }

  /** @return the pause after a 429 without {@code Retry-After} (default 1 second) */
  public Duration defaultRetryAfter() {
    return defaultRetryAfter;
  }

  /** @return how long idempotency records are kept (default 24 hours) */
  public Duration idempotencyTtl() {
    return idempotencyTtl;
  }

  /** @return whether every call must carry an idempotency key (default true) */
  public boolean requireIdempotencyKey() {
    return requireIdempotencyKey;
  }

  /** @return the header that forwards the idempotency key (default {@code Idempotency-Key}) */
  public String idempotencyHeader() {
    return idempotencyHeader;
  }

  /** @return how long a duplicate waits for the in-flight first call (default 0: answers at once) */
  public Duration duplicateWait() {
    return duplicateWait;
  }

  /**
   * @return the largest response body read (default 1 MiB): a successful (2xx) answer over it is rejected
   *     ({@code RESPONSE_TOO_LARGE}); any other answer over it is classified by its status alone, its body unread
   */
  public int maxResponseBytes() {
    return maxResponseBytes;
  }

  @Override
  public String toString() {
    return "ProviderPolicy[" + provider + " at " + endpoint.getScheme() + "://" + endpoint.getHost() + ", actions="
        + actions.keySet() + ", secrets=" + secrets + ", maxAttempts=" + maxAttempts + ", attemptTimeout="
        + attemptTimeout + "]";
  }

  /** Builds a {@link ProviderPolicy}; each option may be set once. Not thread-safe. */
  public static final class Builder {
    private final ProviderId provider;
    private @Nullable URI endpoint;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private final Map<Permission, Optional<ConsentScope>> actions = new LinkedHashMap<>();
    private final Set<SecretRef> secrets = new LinkedHashSet<>();
    private @Nullable RateLimit tenantRateLimit;
    private @Nullable RateLimit providerRateLimit;
    private @Nullable Integer maxAttempts;
    private @Nullable Duration maxRetryDuration;
    private @Nullable Duration backoffInitial;
    private @Nullable Duration backoffMax;
    private @Nullable Double jitter;
    private @Nullable Duration attemptTimeout;
    private @Nullable Integer breakerFailures;
    private @Nullable Integer breakerWindow;
    private @Nullable Duration breakerOpenFor;
    private @Nullable Double retryBudgetRatio;
    private @Nullable Integer retryBudgetMinimum;
    private @Nullable Duration retryBudgetWindow;
    private @Nullable Duration retryAfterCap;
    private @Nullable Duration defaultRetryAfter;
    private @Nullable Duration idempotencyTtl;
    private @Nullable Boolean requireIdempotencyKey;
    private @Nullable String idempotencyHeader;
    private @Nullable Duration duplicateWait;
    private @Nullable Integer maxResponseBytes;

    private Builder(ProviderId provider) {
      this.provider = provider;
    }

    private static Duration positive(Duration d, String option) {
      Objects.requireNonNull(d, option);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(option + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * @param endpoint the provider's base URI, such as {@code https://api.acme.example/v1/} (required); a call's
     *     paths go under its path, with or without a trailing slash (see {@link CallContext#newRequest(String)})
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not absolute with a host
     */
    public Builder endpoint(URI endpoint) {
      once(this.endpoint, "endpoint");
      Objects.requireNonNull(endpoint, "endpoint");
      if (!endpoint.isAbsolute() || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint must be an absolute URI with a host, such as https://api.example.com/v1/");
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * Allows calls to this provider to go to another origin than the registered endpoint's, for a request
     * whose {@link IntegrationRequest.Builder#endpoint(URI) endpoint override} names a tenant's own server of
     * the provider. Without it an override must stay on the registered endpoint's origin (same scheme, host
     * and port), because the provider's credentials go wherever the call goes. Each origin is checked against
     * the transport policy when the guard is built.
     *
     * @param origin an origin, such as {@code https://mail.tenant.example} or {@code https://10.0.0.5:8443}
     *     (no path other than {@code /}, no query, fragment or user info)
     * @return this builder
     * @throws IllegalArgumentException if it is not an absolute URI with a host and nothing beyond the origin
     * @throws IllegalStateException if that origin was already allowed
     * @since 0.1.0
     */
    public Builder allowedOrigin(URI origin) {
      Objects.requireNonNull(origin, "origin");
      String o = TransportPolicy.originOrNull(origin);
      String path = origin.getRawPath();
      if (o == null || (path != null && !path.isEmpty() && !path.equals("/")) || origin.getRawQuery() != null
          || origin.getRawFragment() != null || origin.getRawUserInfo() != null) {
        throw new IllegalArgumentException("allowedOrigin must be scheme, host and optional port only, such as "
            + "https://mail.tenant.example, was " + (o == null ? "a URI without scheme or host" : o + " with more than an origin"));
      }
      if (!allowedOrigins.add(o)) {
        throw new IllegalStateException("origin " + o + " was already allowed");
      }
      return this;
    }

    /**
     * Registers an action that needs no consent.
     *
     * @param action the action, a permission name
     * @return this builder
     * @throws IllegalStateException if already registered
     */
    public Builder action(String action) {
      return action(action, Optional.empty());
    }

    /**
     * Registers an action and the consent scope it needs.
     *
     * @param action the action, a permission name
     * @param scope the consent scope
     * @return this builder
     * @throws IllegalStateException if already registered
     */
    public Builder action(String action, ConsentScope scope) {
      return action(action, Optional.of(Objects.requireNonNull(scope, "scope")));
    }

    private Builder action(String action, Optional<ConsentScope> scope) {
      Permission p = Permission.of(action);
      if (actions.putIfAbsent(p, scope) != null) {
        throw new IllegalStateException("action '" + action + "' was already registered");
      }
      return this;
    }

    /**
     * Declares a secret every call resolves and hands to the provider call. A reference with the placeholder
     * {@code {tenant}} (such as {@code acme-mail/{tenant}/api-key}) resolves to each call's tenant's secret;
     * the provider call asks for it by the declared reference.
     *
     * @param ref the secret's reference
     * @return this builder
     * @throws IllegalStateException if already declared
     */
    public Builder secret(String ref) {
      SecretRef r = SecretRef.of(ref);
      if (!secrets.add(r)) {
        throw new IllegalStateException("secret '" + ref + "' was already declared");
      }
      return this;
    }

    /**
     * @param limit the limit per tenant × provider (default none)
     * @return this builder
     */
    public Builder tenantRateLimit(RateLimit limit) {
      once(tenantRateLimit, "tenantRateLimit");
      this.tenantRateLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * @param limit the provider-wide limit (default none)
     * @return this builder
     */
    public Builder providerRateLimit(RateLimit limit) {
      once(providerRateLimit, "providerRateLimit");
      this.providerRateLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * @param attempts the most attempts per call, the first included (default 3)
     * @return this builder
     * @throws IllegalArgumentException if not 1 to 10
     */
    public Builder maxAttempts(int attempts) {
      once(maxAttempts, "maxAttempts");
      if (attempts < 1 || attempts > 10) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 10, was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * @param duration the longest a call may spend retrying (default 30 s)
     * @return this builder
     */
    public Builder maxRetryDuration(Duration duration) {
      once(maxRetryDuration, "maxRetryDuration");
      this.maxRetryDuration = positive(duration, "maxRetryDuration");
      return this;
    }

    /**
     * @param initial the first delay (default 200 ms)
     * @param max the longest delay (default 5 s); each retry doubles the delay up to it
     * @return this builder
     * @throws IllegalArgumentException if initial is not below max
     */
    public Builder backoff(Duration initial, Duration max) {
      once(backoffInitial, "backoff");
      positive(initial, "backoff initial");
      positive(max, "backoff max");
      if (initial.compareTo(max) >= 0) {
        throw new IllegalArgumentException("backoff initial (" + initial + ") must be below max (" + max + ")");
      }
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /**
     * @param factor the jitter factor, each delay varies by up to this share (default 0.25)
     * @return this builder
     * @throws IllegalArgumentException if not 0 (inclusive) to 1 (exclusive)
     */
    public Builder jitter(double factor) {
      once(jitter, "jitter");
      if (!(factor >= 0 && factor < 1)) {
        throw new IllegalArgumentException("jitter must be at least 0 and below 1, was " + factor);
      }
      this.jitter = factor;
      return this;
    }

    /**
     * @param timeout the per-attempt timeout (default 10 s)
     * @return this builder
     */
    public Builder attemptTimeout(Duration timeout) {
      once(attemptTimeout, "attemptTimeout");
      this.attemptTimeout = positive(timeout, "attemptTimeout");
      return this;
    }

    /**
     * The circuit breaker, one per allowed origin: the registered endpoint's, and each {@link #allowedOrigin}'s (a
     * tenant's own server) of its own, so that one origin's failures never open the circuit for calls to another.
     *
     * @param failures failures that open the circuit (default 5)
     * @param window within how many attempts (default 10)
     * @param openFor how long it stays open before a trial (default 30 s)
     * @return this builder
     * @throws IllegalArgumentException if failures is below 1 or above window
     */
    public Builder circuitBreaker(int failures, int window, Duration openFor) {
      once(breakerFailures, "circuitBreaker");
      if (failures < 1 || failures > window) {
        throw new IllegalArgumentException("circuitBreaker failures must be 1 to window (" + window + "), was " + failures);
      }
      this.breakerFailures = failures;
      this.breakerWindow = window;
      this.breakerOpenFor = positive(openFor, "circuitBreaker openFor");
      return this;
    }

    /**
     * A retry budget: retries may be at most {@code ratio} of the calls of the last {@code window}, but
     * {@code minimum} retries per window are always allowed. Stops retry storms when a provider is down. Each
     * allowed origin has a budget of its own, as it has a circuit breaker (see {@link #circuitBreaker}).
     *
     * @param ratio the share, 0 to 1 (default 0.2)
     * @param minimum retries always allowed per window (default 10)
     * @param window the window (default 10 s)
     * @return this builder
     * @throws IllegalArgumentException if ratio is not 0 to 1 or minimum is negative
     */
    public Builder retryBudget(double ratio, int minimum, Duration window) {
      once(retryBudgetRatio, "retryBudget");
      if (!(ratio >= 0 && ratio <= 1)) {
        throw new IllegalArgumentException("retryBudget ratio must be 0 to 1, was " + ratio);
      }
      if (minimum < 0) {
        throw new IllegalArgumentException("retryBudget minimum must not be negative, was " + minimum);
      }
      this.retryBudgetRatio = ratio;
      this.retryBudgetMinimum = minimum;
      this.retryBudgetWindow = positive(window, "retryBudget window");
      return this;
    }

    /**
     * @param cap the longest {@code Retry-After} a call waits out by itself; a longer one ends the call as
     *     {@code RATE_LIMITED} with the retry-after instant (default 1 s; zero never waits)
     * @return this builder
     */
    public Builder retryAfterCap(Duration cap) {
      once(retryAfterCap, "retryAfterCap");
      Objects.requireNonNull(cap, "cap");
      if (cap.isNegative()) {
        throw new IllegalArgumentException("retryAfterCap must not be negative, was " + cap);
      }
      this.retryAfterCap = cap;
      return this;
    }

    /**
     * @param pause the pause after a 429 without {@code Retry-After} (default 1 s)
     * @return this builder
     */
    public Builder defaultRetryAfter(Duration pause) {
      once(defaultRetryAfter, "defaultRetryAfter");
      this.defaultRetryAfter = positive(pause, "defaultRetryAfter");
      return this;
    }

    /**
     * @param ttl how long idempotency records are kept (default 24 h); a call's own claim on its key holds at least
     *     as long as the call may run ({@code maxRetryDuration} plus {@code attemptTimeout} plus a minute), even
     *     where the TTL is shorter, so that a duplicate never claims the key of a call still running and sends again.
     *     An attempt is not sent once the claim would run out before it could end (the steps before it were slow):
     *     the call fails ({@code CALL_FAILED}), or escalates if an earlier attempt may have been sent. An exchange
     *     of the host's own that ignores {@link CallContext#attemptTimeout()} past the claim cannot be stopped (the
     *     guard never interrupts): a duplicate may then claim the key and send again, which the call's escalation
     *     says; keep the TTL long (as the default is) where exchanges may hang
     * @return this builder
     */
    public Builder idempotencyTtl(Duration ttl) {
      once(idempotencyTtl, "idempotencyTtl");
      this.idempotencyTtl = positive(ttl, "idempotencyTtl");
      return this;
    }

    /**
     * @param require whether every call must carry an idempotency key (default true)
     * @return this builder
     */
    public Builder requireIdempotencyKey(boolean require) {
      once(requireIdempotencyKey, "requireIdempotencyKey");
      this.requireIdempotencyKey = require;
      return this;
    }

    /**
     * @param header the header that forwards the key (default {@code Idempotency-Key})
     * @return this builder
     * @throws IllegalArgumentException if empty, or not a header name the HTTP client may set
     */
    public Builder idempotencyHeader(String header) {
      once(idempotencyHeader, "idempotencyHeader");
      Objects.requireNonNull(header, "header");
      if (header.isEmpty()) {
        throw new IllegalArgumentException("idempotencyHeader must not be empty");
      }
      this.idempotencyHeader = CallContext.requireHeaderName(header, "idempotencyHeader");
      return this;
    }

    /**
     * @param wait how long a duplicate waits for the in-flight first call before answering
     *     {@code DUPLICATE_IN_PROGRESS} (default 0)
     * @return this builder
     */
    public Builder duplicateWait(Duration wait) {
      once(duplicateWait, "duplicateWait");
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative() || wait.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("duplicateWait must be 0 to 1 minute, was " + wait);
      }
      this.duplicateWait = wait;
      return this;
    }

    /**
     * @param bytes the largest response body read (default 1 MiB)
     * @return this builder
     */
    public Builder maxResponseBytes(int bytes) {
      once(maxResponseBytes, "maxResponseBytes");
      if (bytes < 1) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1, was " + bytes);
      }
      this.maxResponseBytes = bytes;
      return this;
    }

    /**
     * @return the policy
     * @throws IllegalStateException if the endpoint or every action is missing, or the per-attempt timeout
     *     is not below the retry duration
     */
    public ProviderPolicy build() {
      if (endpoint == null) {
        throw new IllegalStateException("endpoint is required for provider '" + provider
            + "': set it with endpoint(URI.create(\"https://...\"))");
      }
      if (actions.isEmpty()) {
        throw new IllegalStateException("provider '" + provider + "' needs at least one action: add it with action(\"mail:send\")");
      }
      Duration timeout = or(attemptTimeout, Duration.ofSeconds(10));
      Duration retry = or(maxRetryDuration, Duration.ofSeconds(30));
      if (timeout.compareTo(retry) > 0) {
        throw new IllegalStateException("attemptTimeout (" + timeout + ") must not exceed maxRetryDuration (" + retry + ")");
      }
      return new ProviderPolicy(this);
    }
  }
}
