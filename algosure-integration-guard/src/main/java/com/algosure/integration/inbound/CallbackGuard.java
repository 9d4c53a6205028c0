package com.algosure.integration.inbound;

import static com.algosure.authz.internal.Nullness.castToNonNull;
import static com.algosure.authz.internal.Options.once;

import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.ProviderId;
import com.algosure.integration.spi.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies a provider's callback before any handler sees it. One callback runs these steps, in this order;
 * each can reject it, and only the last runs the handler:
 *
 * <ol>
 *   <li>provider registration (and the payload size limit, before any signature work);
 *   <li>tenant: the registration names the tenant;
 *   <li>signature: the registration's verifier, over the raw bytes as received;
 *   <li>timestamp window: within the tolerance (default 5 minutes) of the injected clock, both directions;
 *   <li>dedupe: the delivery id is claimed; a processed delivery is acknowledged as a duplicate;
 *   <li>payload validation;
 *   <li>handler, then the accepted fact (audited).
 * </ol>
 *
 * <p>{@link #handle} never throws for a bad, forged or failing callback: it returns a
 * {@link CallbackOutcome} whose {@link CallbackOutcome#httpStatus()} the endpoint answers with.
 *
 * <pre>{@code
 * CallbackGuard callbacks = CallbackGuard.builder()
 *     .registration(CallbackRegistration.builder("acme-mail")
 *         .tenant("acme")
 *         .verifier(StandardWebhooksVerifier.builder().secret(webhookSecret).build())
 *         .build())
 *     .auditSink(AuditSink.slf4j())
 *     .build();
 * CallbackOutcome out = callbacks.handle(CallbackRequest.of(ProviderId.of("acme-mail"), headers, rawBody),
 *     JsonValidator.builder().require("type", JsonType.STRING).build(),
 *     event -> mailEvents.record(event.tenant(), event.payload()));
 * response.setStatus(out.httpStatus());
 * }</pre>
 *
 * <p>Thread-safe; build once and share.
 *
 * @since 0.1.0
 */
public final class CallbackGuard {

  private static final Logger LOG = LoggerFactory.getLogger(CallbackGuard.class);

  private final CallbackStep[] steps;
  private final Clock clock;
  private final Map<ProviderId, CallbackRegistration> registrations;
  private final CallbackAuditor auditor;

  /** @param b the snapshot {@link Builder#build} made, every field of which it has set (to a default if unset) */
  private CallbackGuard(Builder b) {
    this.clock = castToNonNull(b.clock);
    this.registrations = Map.copyOf(b.registrations);
    CallbackAuditor auditor = new CallbackAuditor(castToNonNull(b.auditSink), b.auditFailurePolicy == AuditFailurePolicy.FAIL_CLOSED);
    this.auditor = auditor;
    // The order of the steps, in one place.
    this.steps = new CallbackStep[] {
      new RegistrationStep(registrations, b.maxPayloadBytes, auditor),
      new CallbackTenantStep(auditor),
      new SignatureStep(auditor),
      new TimestampStep(castToNonNull(b.tolerance), auditor),
      new DedupeStep(castToNonNull(b.dedupe), castToNonNull(b.dedupeTtl), castToNonNull(b.tolerance), auditor),
      new PayloadStep(auditor),
      new HandlerStep(auditor),
    };
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies a callback and, if it passes, runs the handler once for its delivery.
   *
   * @param request the callback as received
   * @param validator validates the verified payload; it is handed the verified bytes themselves, not a copy
   *     (for the built-in Standard Webhooks verifier, the request's body), and must not modify them
   * @param handler the domain's handling
   * @param <T> the payload's type
   * @return the outcome; never null
   * @throws NullPointerException if an argument is null (a programming error)
   */
  public <T> CallbackOutcome handle(CallbackRequest request, PayloadValidator<T> validator, CallbackHandler<T> handler) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(validator, "validator");
    Objects.requireNonNull(handler, "handler");
    Instant now;
    try {
      now = clock.instant();
    } catch (Exception | Error e) { // a host's clock, like any host code: an outcome, never an escaped exception
      now = null;
      LOG.error("callback guard's clock failed for provider {}: {}", request.provider(), e.getClass().getName());
    }
    if (now == null) {
      // the timestamp window cannot be judged without the guard's own time, and is not guessed: refused for a
      // redelivery, audited at the system's time
      return auditor.reject(new CallbackState<>(request, validator, handler, Instant.now(), steps),
          CallbackReason.VERIFICATION_UNAVAILABLE, "the callback could not be checked: the guard's clock gave no time");
    }
    CallbackState<T> c = new CallbackState<>(request, validator, handler, now, steps);
    try {
      return c.proceed();
    } catch (Exception e) { // a host's checked exception thrown sneakily past a step included
      // the class only: host code's message (and its causes') may carry a body or a credential
      LOG.error("callback guard failed for provider {}: {}", request.provider(), e.getClass().getName());
      return new CallbackOutcome.Rejected(request.provider(), CallbackReason.VERIFICATION_UNAVAILABLE,
          "the callback could not be checked (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** @return the registrations */
  public Map<ProviderId, CallbackRegistration> registrations() {
    return registrations;
  }

  @Override
  public String toString() {
    return "CallbackGuard[" + registrations.keySet() + "]";
  }

  /**
   * Builds a {@link CallbackGuard}; at least one registration is required, the rest has safe defaults. Each
   * option may be set once. Not thread-safe.
   */
  public static final class Builder {
    private final Map<ProviderId, CallbackRegistration> registrations = new LinkedHashMap<>();
    private @Nullable Clock clock;
    private @Nullable AuditSink auditSink;
    private @Nullable AuditFailurePolicy auditFailurePolicy;
    private @Nullable Duration tolerance;
    private int maxPayloadBytes = -1;
    private @Nullable IdempotencyStore dedupe;
    private @Nullable Duration dedupeTtl;

    private Builder() {}

    /**
     * @param registration a provider's registration
     * @return this builder
     * @throws IllegalStateException if the provider is already registered
     */
    public Builder registration(CallbackRegistration registration) {
      Objects.requireNonNull(registration, "registration");
      if (registrations.putIfAbsent(registration.provider(), registration) != null) {
        throw new IllegalStateException("provider '" + registration.provider() + "' was already registered");
      }
      return this;
    }

    /**
     * @param clock the clock for the timestamp window and dedupe TTL (default UTC system clock)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param sink where callback events go (default {@link AuditSink#slf4j()})
     * @return this builder
     */
    public Builder auditSink(AuditSink sink) {
      once(this.auditSink, "auditSink");
      this.auditSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * @param policy what an audit failure does (default fail closed: an unaudited fact is not a fact)
     * @return this builder
     */
    public Builder auditFailurePolicy(AuditFailurePolicy policy) {
      once(this.auditFailurePolicy, "auditFailurePolicy");
      this.auditFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * @param tolerance how far a signed timestamp may be from now, either way (default 5 minutes)
     * @return this builder
     * @throws IllegalArgumentException if not 1 second to 1 hour
     */
    public Builder tolerance(Duration tolerance) {
      once(this.tolerance, "tolerance");
      Objects.requireNonNull(tolerance, "tolerance");
      if (tolerance.compareTo(Duration.ofSeconds(1)) < 0 || tolerance.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("tolerance must be 1 second to 1 hour, was " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /**
     * @param bytes the largest payload accepted (default 256 KiB)
     * @return this builder
     */
    public Builder maxPayloadBytes(int bytes) {
      if (maxPayloadBytes != -1) {
        throw new IllegalStateException("maxPayloadBytes was already set");
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("maxPayloadBytes must be at least 1, was " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /**
     * @param store where delivery ids are claimed (default in memory, on the guard's clock, holding at most 200,000
     *     live ids and 100,000 of one tenant, so one tenant's deliveries never fill it for the others:
     *     {@link IdempotencyStore#inMemory(java.time.Clock)})
     * @return this builder
     */
    public Builder dedupeStore(IdempotencyStore store) {
      once(this.dedupe, "dedupeStore");
      this.dedupe = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param ttl how long processed delivery ids are remembered (default 3 days), at least twice the tolerance. It must
     *     cover the longest redelivery schedule of the providers registered: a provider that got no 2xx back retries,
     *     signing each retry anew (so the timestamp window does not stop it), and a retry after the id expired is
     *     handled again. Standard Webhooks (Svix) retry for about 27.6 hours after the first attempt, Stripe for up to
     *     3 days; shorten it only for providers that retry for less. It is the guard's, not a registration's: a
     *     delivery id is stored under its provider, so guards with different TTLs can share one store. Ids live this
     *     long in the store, so size its bound for deliveries per tenant times the TTL (the default in-memory bound,
     *     100,000 ids of one tenant, holds about 23 deliveries a minute over 3 days; a full bound refuses new
     *     deliveries for redelivery). A processed id is kept at least a second longer than twice the tolerance (the
     *     window is inclusive at both edges, so a replay can come exactly twice the tolerance after the delivery), and a
     *     delivery still being handled holds its id at least 24 hours, however short the TTL, so that a redelivery does
     *     not run beside it (a handler has no time limit: one that outlives its claim has its id claimed again and
     *     recorded when it returns, or, where a redelivery or the store got in the way, is answered
     *     {@link CallbackReason#DELIVERY_NOT_RECORDED})
     * @return this builder
     */
    public Builder dedupeTtl(Duration ttl) {
      once(this.dedupeTtl, "dedupeTtl");
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("dedupeTtl must be positive, was " + ttl);
      }
      this.dedupeTtl = ttl;
      return this;
    }

    /**
     * @return the guard
     * @throws IllegalStateException if no provider is registered, or the dedupe TTL is shorter than twice the
     *     tolerance (a replay inside the window would not be recognised)
     */
    public CallbackGuard build() {
      if (registrations.isEmpty()) {
        throw new IllegalStateException("at least one registration is required: add it with registration(CallbackRegistration.builder(\"acme-mail\")...build())");
      }
      Duration tol = tolerance == null ? Duration.ofMinutes(5) : tolerance;
      Duration ttl = dedupeTtl == null ? DedupeStep.DEFAULT_TTL : dedupeTtl;
      if (ttl.compareTo(tol.multipliedBy(2)) < 0) {
        throw new IllegalStateException("dedupeTtl (" + ttl + ") must be at least twice the tolerance (" + tol
            + "), or a replay inside the window would be handled again");
      }
      Builder s = new Builder();
      s.registrations.putAll(registrations);
      s.clock = clock == null ? Clock.systemUTC() : clock;
      s.auditSink = auditSink == null ? AuditSink.slf4j() : auditSink;
      s.auditFailurePolicy = auditFailurePolicy == null ? AuditFailurePolicy.FAIL_CLOSED : auditFailurePolicy;
      s.tolerance = tol;
      s.maxPayloadBytes = maxPayloadBytes == -1 ? 256 * 1024 : maxPayloadBytes;
      s.dedupe = dedupe == null ? IdempotencyStore.inMemory(s.clock) : dedupe;
      s.dedupeTtl = ttl;
      return new CallbackGuard(s);
    }
  }
}
