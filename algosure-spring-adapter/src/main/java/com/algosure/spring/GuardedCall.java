package com.algosure.spring;

import com.algosure.integration.CallContext;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.ProviderResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What a {@link GuardedIntegration} method sees while it runs as one attempt inside the guard, and what its
 * caller can see afterwards. The attempt is bound to its thread by the adapter's interceptor; the last outcome
 * is kept with the current web request (outside one, with the thread).
 *
 * @since 0.1.0
 */
public final class GuardedCall {

  private static final ThreadLocal<@Nullable Attempt> ATTEMPT = new ThreadLocal<>();
  private static final ThreadLocal<@Nullable IntegrationOutcome<?>> LAST = new ThreadLocal<>();
  /** Whether spring-web is present: then the last outcome is kept in the bound web request, and ends with it. */
  private static final boolean WEB = ClassUtils.isPresent("org.springframework.web.context.request.RequestContextHolder",
      GuardedCall.class.getClassLoader());

  private GuardedCall() {}

  /**
   * @return the running attempt's context: endpoint, declared secrets, idempotency key, payload
   * @throws IllegalStateException outside a {@link GuardedIntegration} method
   */
  public static CallContext context() {
    return attempt().context;
  }

  /**
   * Sends a request with the guard's TLS-only client. A non-2xx answer ends the attempt and is handed to the
   * guard, which classifies it (429 with {@code Retry-After}, 5xx retried, 4xx failed); the method does not
   * see it. A 2xx answer is returned and also becomes the response the guard audits.
   *
   * @param request the request, usually from {@code context().newRequest(path)}
   * @return the provider's successful answer
   * @throws IOException if the request could not be sent or read
   * @throws InterruptedException if interrupted
   * @throws IllegalStateException outside a {@link GuardedIntegration} method
   */
  public static ProviderResponse send(HttpRequest request) throws IOException, InterruptedException {
    Attempt a = attempt();
    ProviderResponse response = a.context.send(request);
    a.response = response;
    if (!response.successful()) {
      throw new ProviderAnswered(response);
    }
    return response;
  }

  /**
   * The outcome of the last {@link GuardedIntegration} call made in the current web request (outside one: on this
   * thread), for a caller that wants to know more than the value, such as whether it was the replay of an
   * earlier call. A request never sees the outcome of an earlier request its server thread served.
   *
   * @return the last outcome, if a guarded call was made in this request (outside one: on this thread)
   */
  public static Optional<IntegrationOutcome<?>> lastOutcome() {
    if (WEB && WebRequest.active()) {
      return Optional.ofNullable(WebRequest.lastOutcome());
    }
    return Optional.ofNullable(LAST.get());
  }

  private static Attempt attempt() {
    Attempt a = ATTEMPT.get();
    if (a == null) {
      throw new IllegalStateException("no @GuardedIntegration call is running on this thread");
    }
    return a;
  }

  /**
   * Binds an attempt's context to this thread; the adapter's interceptor does this around each attempt.
   *
   * @param context the attempt's context
   * @return the attempt; close it when the attempt ends
   */
  public static Attempt bind(CallContext context) {
    Attempt a = new Attempt(Objects.requireNonNull(context, "context"), ATTEMPT.get());
    ATTEMPT.set(a);
    return a;
  }

  /**
   * Records the outcome of a guarded call for {@link #lastOutcome()}; the adapter's interceptor does this.
   *
   * @param outcome the outcome
   */
  public static void recordOutcome(IntegrationOutcome<?> outcome) {
    Objects.requireNonNull(outcome, "outcome");
    // kept with the request: a thread-local outlived it, and the server thread's next request (another user's,
    // perhaps another tenant's) read this outcome, its request and the provider's answer as its own
    if (!(WEB && WebRequest.record(outcome))) {
      LAST.set(outcome);
    }
  }

  /**
   * The current web request's attributes; a class of its own, loaded only where spring-web is present. A thread
   * may carry the attributes of a request that has ended (handed to a task that outlives it): they are not used.
   */
  private static final class WebRequest {
    private static final String LAST_ATTRIBUTE = GuardedCall.class.getName() + ".lastOutcome";

    static boolean active() {
      RequestAttributes request = RequestContextHolder.getRequestAttributes();
      if (request == null) {
        return false;
      }
      try {
        request.getAttribute(LAST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        return true;
      } catch (IllegalStateException e) {
        return false; // the request has ended
      }
    }

    static @Nullable IntegrationOutcome<?> lastOutcome() {
      RequestAttributes request = RequestContextHolder.getRequestAttributes();
      try {
        return request == null ? null : (IntegrationOutcome<?>) request.getAttribute(LAST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
      } catch (IllegalStateException e) {
        return null;
      }
    }

    /** @return whether the outcome was kept with the current request (false: there is none, or it has ended) */
    static boolean record(IntegrationOutcome<?> outcome) {
      RequestAttributes request = RequestContextHolder.getRequestAttributes();
      if (request == null) {
        return false;
      }
      try {
        request.setAttribute(LAST_ATTRIBUTE, outcome, RequestAttributes.SCOPE_REQUEST);
        return true;
      } catch (IllegalStateException e) {
        return false; // the request has ended
      }
    }
  }

  /** One attempt, bound to a thread: its context and the provider's last answer sent through {@link #send}. */
  public static final class Attempt implements AutoCloseable {
    private final CallContext context;
    private final @Nullable Attempt previous;
    private @Nullable ProviderResponse response;

    private Attempt(CallContext context, @Nullable Attempt previous) {
      this.context = context;
      this.previous = previous;
    }

    /** @return the provider's last answer in this attempt, if the method sent through {@link GuardedCall#send} */
    public Optional<ProviderResponse> response() {
      return Optional.ofNullable(response);
    }

    /** Unbinds the attempt, restoring an enclosing one. */
    @Override
    public void close() {
      if (previous == null) {
        ATTEMPT.remove();
      } else {
        ATTEMPT.set(previous);
      }
    }
  }

  /** A provider's non-2xx answer, ending the method; the interceptor hands the answer to the guard. */
  private static final class ProviderAnswered extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ProviderAnswered(ProviderResponse response) {
      super("provider answered " + response.status(), null, false, false);
    }
  }
}
