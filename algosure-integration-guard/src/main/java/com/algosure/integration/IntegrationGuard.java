package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;
import static com.algosure.authz.internal.Options.once;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.EvidenceStore;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every outbound call to an external provider safe. One call runs these steps, in this order; each
 * can stop the call with an outcome, and only the last can accept:
 *
 * <ol>
 *   <li>tenant context: a tenant and an authenticated actor, before anything else;
 *   <li>provider: registered, with the requested action;
 *   <li>authorization: the core {@link PolicyDecisionPoint} decides the action (and audits its decision);
 *   <li>consent: a valid consent of the action's scope, asked on every call;
 *   <li>transport: an {@code https} endpoint (TLS 1.2+), checked before any network I/O;
 *   <li>rate limit: a key the provider paused stops the call, with the instant to resubmit at;
 *   <li>idempotency: the key is claimed with the request's fingerprint (payload, content type, endpoint
 *       override); duplicates never call again;
 *   <li>secrets: the provider's secrets, by reference, for this call, audited by reference;
 *   <li>resilient execution: Failsafe retry (bounded, backoff with jitter, retry budget) around circuit
 *       breaker around a per-attempt rate-limit permit around a per-attempt timeout;
 *   <li>response validation: the call's validator; only a valid response becomes an accepted fact.
 * </ol>
 *
 * <p>{@link #execute} never throws for a provider's, an SPI's or the network's failure: it returns an
 * {@link IntegrationOutcome}. Every material step is audited through the {@link AuditSink}.
 *
 * <pre>{@code
 * IntegrationGuard guard = IntegrationGuard.builder()
 *     .policyDecisionPoint(pdp)
 *     .provider(ProviderPolicy.builder("acme-mail")
 *         .endpoint(URI.create("https://api.acme-mail.example/v1/"))
 *         .action("mail:send", ConsentScope.MAIL)
 *         .secret("acme-mail/api-key")
 *         .build())
 *     .consents(consentRegistry)
 *     .secrets(SecretStore.directory(Path.of("/run/secrets"), Duration.ofMinutes(5)))
 *     .auditSink(AuditSink.slf4j())
 *     .build();
 * IntegrationOutcome<JsonNode> out = guard.execute(request, ProviderCall.post("messages", validator));
 * }</pre>
 *
 * <p>Thread-safe; build once and share.
 *
 * @since 0.1.0
 */
public final class IntegrationGuard {

  private static final Logger LOG = LoggerFactory.getLogger(IntegrationGuard.class);

  private final GuardStep[] steps;
  private final Map<ProviderId, ProviderRuntime> providers;
  private final Clock clock;
  private final HttpClient httpClient;
  private final TransportPolicy transport;
  private final Executor asyncExecutor;
  private final Escalator escalator;
  private final Auditor auditor;

  /** @param b the snapshot {@link Builder#build} made, every field of which it has set (to a default if unset) */
  private IntegrationGuard(Builder b) {
    Clock clock = castToNonNull(b.clock);
    TransportPolicy transport = castToNonNull(b.transport);
    RateLimitStore rateLimits = castToNonNull(b.rateLimits);
    this.clock = clock;
    this.transport = transport;
    EnforcingHttpClient client = (EnforcingHttpClient) transport.newHttpClient(castToNonNull(b.connectTimeout));
    this.httpClient = client;
    Auditor auditor = new Auditor(castToNonNull(b.auditSink), castToNonNull(b.auditFailurePolicy), clock);
    this.auditor = auditor;
    Map<ProviderId, ProviderRuntime> p = new LinkedHashMap<>();
    b.providers.forEach((id, policy) -> p.put(id, new ProviderRuntime(policy, clock, auditor, client)));
    this.providers = Map.copyOf(p);
    Escalator escalator = new Escalator(castToNonNull(b.evidence), castToNonNull(b.escalations), clock, auditor);
    this.escalator = escalator;
    this.asyncExecutor = b.asyncExecutor != null ? b.asyncExecutor : DefaultExecutor.INSTANCE;
    SecretsStep secrets = new SecretsStep(castToNonNull(b.secrets), clock, auditor);
    // The order of the steps, in one place.
    this.steps = new GuardStep[] {
      new TenantStep(auditor),
      new ProviderStep(providers, auditor),
      new AuthorizationStep(castToNonNull(b.pdp)),
      new ConsentStep(castToNonNull(b.consents), clock, auditor),
      new TransportStep(transport, auditor),
      new RateLimitStep(rateLimits, clock, auditor),
      new IdempotencyStep(castToNonNull(b.idempotency), auditor, escalator, castToNonNull(b.ticker)),
      secrets,
      new ResilientExecutionStep(rateLimits, castToNonNull(b.correlationHeader), clock, castToNonNull(b.ticker), auditor,
          escalator, secrets),
      new ResponseValidationStep(auditor, escalator),
    };
  }


  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs one call through the guard. Never throws for a provider's, an SPI's or the network's failure, nor
   * for anything the host's code (validator, audit sink, escalation handler, evidence store, classification)
   * throws: what escapes the steps after the request may have been sent is {@link IntegrationOutcome.Escalated}
   * (unknown state, evidence kept), and before that {@link IntegrationOutcome.Failed} ({@code GUARD_FAILURE}).
   *
   * @param request the request
   * @param call how to call the provider and validate its answer
   * @param <T> the accepted value's type
   * @return the outcome
   * @throws NullPointerException if the request or the call is null (a programming error)
   */
  public <T> IntegrationOutcome<T> execute(IntegrationRequest request, ProviderCall<T> call) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(call, "call");
    CallState<T> c = new CallState<>(request, call, steps);
    try {
      return c.proceed();
    } catch (Exception | Error e) {
      // Steps never throw for expected failures: this is a bug, or host code throwing where no step expects it
      // (a checked exception thrown sneakily included). It must still not escape or accept, and once the request
      // may have been sent it is an unknown state (escalated), never a failure a caller would resubmit. Errors
      // too: a call whose request may have left must be answered and escalated even then. (A call with an
      // idempotency key is answered, and its key settled, by the idempotency step; this is for the rest.)
      // the class only, as the idempotency step logs it: host code's message (and its causes') may carry a body or
      // a credential, so no message and no stack trace
      LOG.error("integration guard failed for provider {} action {}: {}", request.provider(), request.action(),
          e.getClass().getName());
      return escalator.escaped(c, e);
    }
  }

  /**
   * Runs one call on the guard's async executor (by default a pool of daemon threads, since provider calls
   * block on I/O). The future always completes normally with an outcome; if the executor refuses the call, with a
   * {@code GUARD_FAILURE} (audited) and nothing sent.
   *
   * @param request the request
   * @param call how to call the provider and validate its answer
   * @param <T> the accepted value's type
   * @return the outcome, later
   * @throws NullPointerException if the request or the call is null
   */
  public <T> CompletableFuture<IntegrationOutcome<T>> executeAsync(IntegrationRequest request, ProviderCall<T> call) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(call, "call");
    try {
      return CompletableFuture.supplyAsync(() -> execute(request, call), asyncExecutor);
    } catch (Exception | Error e) { // the host's executor: a checked exception thrown sneakily, or an Error, too
      LOG.error("async executor refused a call for provider {}: {}", request.provider(), e.getClass().getName());
      try {
        auditor.emit(auditor.event(AuditEventType.INTEGRATION_FAILURE,
            new CallState<>(request, call, steps), "FAILED", OutcomeReason.GUARD_FAILURE)
            .detail("error", e.getClass().getName()));
      } catch (Exception | Error again) { // the guard itself failing twice (out of memory, say): still answered
        LOG.error("async refusal could not be audited for provider {}: {}", request.provider(),
            again.getClass().getName());
      }
      return CompletableFuture.completedFuture(new IntegrationOutcome.Failed<>(request, OutcomeReason.GUARD_FAILURE, 0, 0,
          "the async executor refused the call (" + e.getClass().getSimpleName() + ")"));
    }
  }

  /** @return the guard's HTTP client: TLS 1.2+, no redirects, the transport policy enforced on every request */
  public HttpClient httpClient() {
    return httpClient;
  }

  /** @return the transport policy */
  public TransportPolicy transportPolicy() {
    return transport;
  }

  /** @return the registered providers' policies */
  public Map<ProviderId, ProviderPolicy> providers() {
    Map<ProviderId, ProviderPolicy> m = new LinkedHashMap<>();
    providers.forEach((id, r) -> m.put(id, r.policy));
    return Map.copyOf(m);
  }

  @Override
  public String toString() {
    return "IntegrationGuard[providers=" + providers.keySet() + ", " + transport + "]";
  }

  /** The default async executor: daemon threads, created on demand, reused. */
  private static final class DefaultExecutor {
    static final ExecutorService INSTANCE = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
      private final AtomicInteger n = new AtomicInteger();

      @Override
      public Thread newThread(Runnable r) {
        Thread t = new Thread(r, "algosure-integration-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      }
    });
  }

  /**
   * Builds an {@link IntegrationGuard}. The policy decision point and at least one provider are required;
   * everything else has a safe default. Each option may be set once; {@link #build()} copies the
   * configuration. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable PolicyDecisionPoint pdp;
    private final Map<ProviderId, ProviderPolicy> providers = new LinkedHashMap<>();
    private @Nullable AuditSink auditSink;
    private @Nullable AuditFailurePolicy auditFailurePolicy;
    private @Nullable Clock clock;
    private @Nullable ConsentRegistry consents;
    private @Nullable SecretStore secrets;
    private @Nullable IdempotencyStore idempotency;
    private @Nullable RateLimitStore rateLimits;
    private @Nullable EscalationHandler escalations;
    private @Nullable EvidenceStore evidence;
    private @Nullable TransportPolicy transport;
    private @Nullable Duration connectTimeout;
    private @Nullable String correlationHeader;
    private @Nullable Executor asyncExecutor;
    private @Nullable LongSupplier ticker;

    private Builder() {}

    /**
     * @param pdp the policy decision point that authorizes each call (required)
     * @return this builder
     */
    public Builder policyDecisionPoint(PolicyDecisionPoint pdp) {
      once(this.pdp, "policyDecisionPoint");
      this.pdp = Objects.requireNonNull(pdp, "pdp");
      return this;
    }

    /**
     * @param policy a provider (at least one is required)
     * @return this builder
     * @throws IllegalStateException if the provider is already registered
     */
    public Builder provider(ProviderPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      if (providers.putIfAbsent(policy.provider(), policy) != null) {
        throw new IllegalStateException("provider '" + policy.provider() + "' was already registered");
      }
      return this;
    }

    /**
     * @param sink where integration events go (default {@link AuditSink#slf4j()})
     * @return this builder
     */
    public Builder auditSink(AuditSink sink) {
      once(this.auditSink, "auditSink");
      this.auditSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * @param policy what an audit failure does (default {@link AuditFailurePolicy#FAIL_CLOSED}: a request that
     *     cannot be audited is not sent, and an accepted fact that cannot be audited is escalated)
     * @return this builder
     */
    public Builder auditFailurePolicy(AuditFailurePolicy policy) {
      once(this.auditFailurePolicy, "auditFailurePolicy");
      this.auditFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param clock the clock for every TTL, lease, pause and timestamp (default UTC system clock)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param consents the consent registry (default {@link ConsentRegistry#none()})
     * @return this builder
     */
    public Builder consents(ConsentRegistry consents) {
      once(this.consents, "consents");
      this.consents = Objects.requireNonNull(consents, "consents");
      return this;
    }

    /**
     * @param secrets the secrets store (default {@link SecretStore#none()})
     * @return this builder
     */
    public Builder secrets(SecretStore secrets) {
      once(this.secrets, "secrets");
      this.secrets = Objects.requireNonNull(secrets, "secrets");
      return this;
    }

    /**
     * @param store the idempotency store (default in memory, on the guard's clock, holding at most 200,000 live keys
     *     and 100,000 of one tenant, so one tenant's keys never fill it for the others:
     *     {@link IdempotencyStore#inMemory(java.time.Clock)})
     * @return this builder
     */
    public Builder idempotencyStore(IdempotencyStore store) {
      once(this.idempotency, "idempotencyStore");
      this.idempotency = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param store the rate-limit state (default in memory)
     * @return this builder
     */
    public Builder rateLimitStore(RateLimitStore store) {
      once(this.rateLimits, "rateLimitStore");
      this.rateLimits = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param handler the owning domain's escalation workflow (default {@link EscalationHandler#logging()})
     * @return this builder
     */
    public Builder escalations(EscalationHandler handler) {
      once(this.escalations, "escalations");
      this.escalations = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * @param store where evidence is kept (default in memory: replace it in production)
     * @return this builder
     */
    public Builder evidence(EvidenceStore store) {
      once(this.evidence, "evidence");
      this.evidence = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param policy the transport policy (default {@link TransportPolicy#httpsOnly()}; tests against a local
     *     server use {@link TransportPolicy#httpsOrLoopbackHttp()})
     * @return this builder
     */
    public Builder transportPolicy(TransportPolicy policy) {
      once(this.transport, "transportPolicy");
      this.transport = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param timeout how long a connection may take (default 5 s)
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      once(this.connectTimeout, "connectTimeout");
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, was " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * @param header the header that forwards the correlation id (default {@code X-Correlation-Id})
     * @return this builder
     * @throws IllegalArgumentException if empty, or not a header name the HTTP client may set
     */
    public Builder correlationHeader(String header) {
      once(this.correlationHeader, "correlationHeader");
      Objects.requireNonNull(header, "header");
      if (header.isEmpty()) {
        throw new IllegalArgumentException("correlationHeader must not be empty");
      }
      this.correlationHeader = CallContext.requireHeaderName(header, "correlationHeader");
      return this;
    }

    /**
     * @param executor where {@link IntegrationGuard#executeAsync} runs calls (default: daemon threads)
     * @return this builder
     */
    public Builder asyncExecutor(Executor executor) {
      once(this.asyncExecutor, "asyncExecutor");
      this.asyncExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The monotonic nanosecond ticker each attempt is measured with against its timeout (default
     * {@code System::nanoTime}); for tests, which move it instead of sleeping.
     *
     * @param ticker nanoseconds, monotonic
     * @return this builder
     */
    Builder ticker(LongSupplier ticker) {
      once(this.ticker, "ticker");
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * @return the guard
     * @throws IllegalStateException if the policy decision point or every provider is missing, a
     *     provider's registered endpoint breaks the transport policy, or a provider's idempotency header is the
     *     correlation header
     */
    public IntegrationGuard build() {
      if (pdp == null) {
        throw new IllegalStateException("policyDecisionPoint is required: set it with policyDecisionPoint(PolicyDecisionPoint.builder()...build())");
      }
      if (providers.isEmpty()) {
        throw new IllegalStateException("at least one provider is required: add it with provider(ProviderPolicy.builder(\"acme-mail\")...build())");
      }
      TransportPolicy t = transport == null ? TransportPolicy.httpsOnly() : transport;
      String correlation = correlationHeader == null ? "X-Correlation-Id" : correlationHeader;
      for (ProviderPolicy p : providers.values()) {
        if (p.idempotencyHeader().equalsIgnoreCase(correlation)) {
          // both would be set on every request: the caller's correlation id, not scoped to the tenant, taken for a key
          throw new IllegalStateException("provider '" + p.provider() + "' forwards the idempotency key in header "
              + p.idempotencyHeader() + ", which is also the guard's correlation header (" + correlation + "): the "
              + "provider would get the caller's correlation id as a key; give one of them another name");
        }
        // the policy's own reason: an https endpoint with user info is refused for its credentials, not its scheme
        String why = t.violation(p.endpoint());
        if (why != null) {
          throw new IllegalStateException("provider '" + p.provider() + "' endpoint " + p.endpoint().getScheme() + "://"
              + p.endpoint().getHost() + " breaks the transport policy (" + t + "): " + why);
        }
        for (String origin : p.allowedOrigins()) {
          why = t.violation(URI.create(origin));
          if (why != null) {
            throw new IllegalStateException("provider '" + p.provider() + "' allowed origin " + origin
                + " breaks the transport policy (" + t + "): " + why);
          }
        }
      }
      Builder s = new Builder();
      s.pdp = pdp;
      s.providers.putAll(providers);
      s.clock = clock == null ? Clock.systemUTC() : clock;
      s.auditSink = auditSink == null ? AuditSink.slf4j() : auditSink;
      s.auditFailurePolicy = auditFailurePolicy == null ? AuditFailurePolicy.FAIL_CLOSED : auditFailurePolicy;
      s.consents = consents == null ? ConsentRegistry.none() : consents;
      s.secrets = secrets == null ? SecretStore.none() : secrets;
      s.idempotency = idempotency == null ? IdempotencyStore.inMemory(s.clock) : idempotency;
      s.rateLimits = rateLimits == null ? RateLimitStore.inMemory() : rateLimits;
      s.escalations = escalations == null ? EscalationHandler.logging() : escalations;
      s.evidence = evidence == null ? EvidenceStore.inMemory() : evidence;
      s.transport = t;
      s.connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
      s.correlationHeader = correlation;
      s.asyncExecutor = asyncExecutor;
      s.ticker = ticker == null ? System::nanoTime : ticker;
      return new IntegrationGuard(s);
    }
  }
}
