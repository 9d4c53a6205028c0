package com.algosure.spring.method;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.integration.CallContext;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.InvalidPayloadException;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.ProviderCall;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.Validated;
import com.algosure.spring.AlgosureAuthentication;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.CurrentDecision;
import com.algosure.spring.GuardedCall;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.IntegrationOutcomeException;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.RequestIds;
import com.algosure.spring.UnauthenticatedException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.expression.EvaluationContext;

/**
 * Enforces {@link GuardedIntegration}: builds the {@link IntegrationRequest} (actor from the security context,
 * the rest from the annotation's expressions, the running decision and the request headers), runs the method
 * as the {@link ProviderCall} inside the {@link IntegrationGuard} (once per attempt), and returns its value
 * only for an accepted outcome or the replay of one; anything else throws {@link IntegrationOutcomeException}.
 *
 * <p>Where the organization expression and the request (header or query parameter) both name the active
 * organization and name different ones, the call is refused with an {@link InvalidRequestContextException}
 * (400) before the guard runs: conflicting context is never settled by letting one side win. An expression
 * that cannot be evaluated on the call's arguments is refused the same way, and so is a tenant or organization
 * expression that yields null (the running decision's or the request's is never taken in its place): nothing is sent.
 * Each such refusal is audited once through the {@link AlgosureAuthorizer} ({@link AlgosureAuthorizer#refused}), and
 * the exception carries the record's id.
 *
 * <p>Thread-safe. Expressions are parsed when the pointcut first matches (when the bean is proxied).
 *
 * @since 0.1.0
 */
public final class GuardedIntegrationMethodInterceptor implements MethodInterceptor {

  private static final ProviderResponse RETURNED = ProviderResponse.of(200, Map.of(), new byte[0]);

  private final AnnotationRegistry<GuardedIntegration, GuardedIntegrationAttributes> registry =
      new AnnotationRegistry<>(GuardedIntegration.class, GuardedIntegrationAttributes::of);
  private final Supplier<IntegrationGuard> guard;
  private final Supplier<RequestContextResolver> context;
  private final Supplier<AlgosureEventListener> events;
  private final Supplier<@Nullable AlgosureAuthorizer> authorizer;

  /**
   * An interceptor that does not audit the request contexts it refuses; prefer
   * {@link #GuardedIntegrationMethodInterceptor(Supplier, Supplier, Supplier, Supplier)}.
   *
   * @param guard the guard, looked up on the first call
   * @param context the request context, looked up on the first call
   * @param events told of every outcome, looked up on the first call
   */
  public GuardedIntegrationMethodInterceptor(Supplier<IntegrationGuard> guard, Supplier<RequestContextResolver> context,
      Supplier<AlgosureEventListener> events) {
    this(guard, context, events, () -> null);
  }

  /**
   * @param guard the guard, looked up on the first call
   * @param context the request context, looked up on the first call
   * @param events told of every outcome, looked up on the first call
   * @param authorizer records each request context refused before anything is asked or sent
   *     ({@link AlgosureAuthorizer#refused}), looked up on such a refusal; it may give null, and the refusal is then
   *     not audited
   * @since 0.1.0
   */
  public GuardedIntegrationMethodInterceptor(Supplier<IntegrationGuard> guard, Supplier<RequestContextResolver> context,
      Supplier<AlgosureEventListener> events, Supplier<@Nullable AlgosureAuthorizer> authorizer) {
    this.guard = Objects.requireNonNull(guard, "guard");
    this.context = Objects.requireNonNull(context, "context");
    this.events = Objects.requireNonNull(events, "events");
    this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
  }

  /** @return the pointcut matching methods annotated with {@link GuardedIntegration} */
  public Pointcut pointcut() {
    return registry.pointcut();
  }

  @Override
  public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
    GuardedIntegrationAttributes a = registry.find(invocation);
    if (a == null) {
      return invocation.proceed();
    }
    IntegrationGuard g = guard.get();
    checkConsentScope(g, a, invocation.getMethod());
    IntegrationRequest request;
    Known known = new Known();
    try {
      request = request(a, invocation.getMethod(), a.variables().context(invocation.getArguments()), known);
    } catch (InvalidRequestContextException e) { // refused before anything was asked or sent: still traceable
      AlgosureAuthorizer auth = authorizer.get();
      throw auth == null ? e
          : auth.refused(e, a.provider().value(), a.action(), known.resource, known.tenant, known.organization);
    }
    long start = System.nanoTime();
    IntegrationOutcome<Object> outcome = g.execute(request, new MethodCall(invocation));
    events.get().onIntegrationOutcome(a.provider().value(), outcome.kind().name(), outcome.reason().name(),
        Math.max(0, attempts(outcome) - 1), Duration.ofNanos(System.nanoTime() - start));
    GuardedCall.recordOutcome(outcome);
    Optional<Object> value = returned(outcome);
    if (value.isPresent()) {
      return value.get();
    }
    throw new IntegrationOutcomeException(outcome);
  }

  /**
   * @return the value the method returns: an accepted outcome's, or the first call's when this call is the
   *     replay of an accepted one (the method answers a resubmission as it answered the first submission;
   *     the duplicate itself is no fact, so its own {@code value()} is empty)
   */
  private static Optional<Object> returned(IntegrationOutcome<Object> outcome) {
    if (outcome instanceof IntegrationOutcome.Duplicate<Object> d) {
      return d.first().flatMap(IntegrationOutcome::value);
    }
    return outcome.value();
  }

  /**
   * What a call has resolved to valid ids so far, for the audit record of its refusal (typed: never the caller's raw
   * text). Confined to one call.
   */
  private static final class Known {
    @Nullable TenantId tenant;
    @Nullable OrganizationId organization;
    @Nullable ResourceRef resource;
  }

  private IntegrationRequest request(GuardedIntegrationAttributes a, Method method, EvaluationContext ctx, Known known) {
    Actor actor = AlgosureAuthentication.currentActor()
        .orElseThrow(() -> new UnauthenticatedException("'" + a.action() + "' with '" + a.provider() + "'"));
    RequestContextResolver rc = context.get();
    Optional<AuthorizationDecision> running = CurrentDecision.get();
    IntegrationRequest.Builder b = IntegrationRequest.builder().actor(actor).provider(a.provider()).action(a.action());
    String tenant = MethodExpressions.binding(a.tenant(), ctx, "@GuardedIntegration(tenant)", method);
    known.tenant = tenant != null ? valid(() -> TenantId.of(tenant), "tenant")
        : running.flatMap(AuthorizationDecision::tenant).orElse(null);
    if (known.tenant != null) {
      b.tenant(known.tenant);
    }
    String org = MethodExpressions.binding(a.organization(), ctx, "@GuardedIntegration(organization)", method);
    if (org != null) {
      OrganizationId named = valid(() -> OrganizationId.of(org), "organization");
      known.organization = named;
      b.organization(OrganizationAgreement.agreed(named, rc.activeOrganization(), "GuardedIntegration", method));
    } else {
      Optional<OrganizationId> named = rc.activeOrganization();
      known.organization = named.or(() -> running.flatMap(AuthorizationDecision::organization)).orElse(null);
      if (known.organization != null) {
        b.organization(known.organization);
      }
    }
    String resourceType = a.resourceType();
    if (resourceType != null) {
      String id = MethodExpressions.text(a.resourceId(), ctx, "@GuardedIntegration(resourceId)", method);
      if (id == null && a.resourceId() != null) {
        // an id the annotation asks for but the arguments do not give: deciding on the whole collection instead
        // would skip any rule about that one resource (as @Authorize denies, this refuses)
        throw new InvalidRequestContextException("@GuardedIntegration(resourceId)", "the expression '"
            + a.resourceId().getExpressionString() + "' gave no resource id for this call");
      }
      known.resource = id == null ? ResourceRef.type(resourceType)
          : valid(() -> ResourceRef.of(resourceType, id), "resource id");
      b.resource(known.resource);
    }
    String key = MethodExpressions.text(a.idempotencyKey(), ctx, "@GuardedIntegration(idempotencyKey)", method);
    if (key != null) {
      try {
        b.idempotencyKey(key);
      } catch (IllegalArgumentException e) {
        // the caller's key (a header, say): bad input, answered 400 with the rule it broke, never the key itself
        throw new InvalidRequestContextException("@GuardedIntegration(idempotencyKey)", messageOf(e));
      }
    }
    Object payload = MethodExpressions.value(a.payload(), ctx, "@GuardedIntegration(payload)", method);
    if (payload != null) {
      b.jsonPayload(payload);
    }
    String approval = MethodExpressions.text(a.approvalId(), ctx, "@GuardedIntegration(approvalId)", method);
    Optional.ofNullable(approval).map(id -> RequestIds.approvalId("@GuardedIntegration(approvalId)", id))
        .or(() -> RequestIds.approvalId(rc)).ifPresent(b::approvalId);
    RequestIds.correlationId(rc).ifPresent(b::correlationId);
    String task = MethodExpressions.text(a.task(), ctx, "@GuardedIntegration(task)", method);
    if (task != null) {
      b.task(task);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidRequestContextException("@GuardedIntegration request", messageOf(e));
    }
  }

  private static void checkConsentScope(IntegrationGuard g, GuardedIntegrationAttributes a, Method method) {
    ProviderPolicy policy = g.providers().get(a.provider());
    if (policy == null) {
      return; // the guard denies an unknown provider itself (PROVIDER_UNKNOWN)
    }
    Optional<ConsentScope> configured = policy.actions().getOrDefault(Permission.of(a.action()), Optional.empty());
    if (!configured.equals(a.consentScope())) {
      throw new InvalidAlgosureConfigurationException("@GuardedIntegration on " + MethodExpressions.describe(method),
          "declares consent scope " + a.consentScope().map(ConsentScope::name).orElse("none") + " but provider '"
              + a.provider() + "' is configured with " + configured.map(ConsentScope::name).orElse("none") + " for '"
              + a.action() + "': make them agree");
    }
  }

  private static int attempts(IntegrationOutcome<?> o) {
    if (o instanceof IntegrationOutcome.Accepted<?> x) {
      return x.attempts();
    } else if (o instanceof IntegrationOutcome.RateLimited<?> x) {
      return x.attempts();
    } else if (o instanceof IntegrationOutcome.Failed<?> x) {
      return x.attempts();
    } else if (o instanceof IntegrationOutcome.Escalated<?> x) {
      return x.attempts();
    }
    return 0;
  }

  private static <T> T valid(Supplier<T> value, String what) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestContextException(what, "not a valid " + what);
    }
  }

  /**
   * The annotated method as the provider call: each attempt runs the method once more; what it returns is
   * validated as non-null and becomes the accepted value; a provider's non-2xx answer it got through
   * {@link GuardedCall#send} goes to the guard for classification.
   */
  private static final class MethodCall implements ProviderCall<Object> {
    private final MethodInvocation invocation;
    private final AtomicReference<@Nullable Object> returned = new AtomicReference<>();
    private final AtomicReference<@Nullable InvalidPayloadException> invalid = new AtomicReference<>();
    private boolean used;

    MethodCall(MethodInvocation invocation) {
      this.invocation = invocation;
    }

    @Override
    public ProviderResponse exchange(CallContext context) throws Exception {
      returned.set(null);
      invalid.set(null);
      try (GuardedCall.Attempt attempt = GuardedCall.bind(context)) {
        try {
          returned.set(proceed());
          return attempt.response().orElse(RETURNED);
        } catch (InvalidPayloadException e) {
          invalid.set(e);
          return attempt.response().orElse(RETURNED);
        } catch (RuntimeException e) {
          Optional<ProviderResponse> answer = attempt.response().filter(r -> !r.successful());
          if (answer.isPresent()) {
            return answer.get();
          }
          throw e;
        }
      }
    }

    private @Nullable Object proceed() throws Exception {
      try {
        if (invocation instanceof ProxyMethodInvocation p) {
          return p.invocableClone().proceed();
        }
        if (used) {
          throw new IllegalStateException("this invocation cannot be retried");
        }
        used = true;
        return invocation.proceed();
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
    }

    @Override
    public PayloadValidator<Object> validator() {
      return bytes -> {
        InvalidPayloadException e = invalid.get();
        if (e != null) {
          throw e;
        }
        Object value = returned.get();
        if (value == null) {
          throw new InvalidPayloadException("the guarded method returned null: it must return the provider's answer");
        }
        return Validated.of(value);
      };
    }
  }
}
