package com.algosure.spring;

import com.algosure.integration.CallContext;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.ProviderResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link GuardedIntegration} method sees while it runs as one attempt inside the guard, and what its
 * caller can see afterwards. Bound per thread by the adapter's interceptor.
 *
 * @since 0.1.0
 */
public final class GuardedCall {

  private static final ThreadLocal<@Nullable Attempt> ATTEMPT = new ThreadLocal<>();
  private static final ThreadLocal<@Nullable IntegrationOutcome<?>> LAST = new ThreadLocal<>();

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
   * The outcome of the last {@link GuardedIntegration} call made on this thread, for a caller that wants to
   * know more than the value, such as whether it was the replay of an earlier call.
   *
   * @return the last outcome, if a guarded call was made on this thread
   */
  public static Optional<IntegrationOutcome<?>> lastOutcome() {
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
    LAST.set(Objects.requireNonNull(outcome, "outcome"));
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
