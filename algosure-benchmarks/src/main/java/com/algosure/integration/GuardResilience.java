package com.algosure.integration;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.EvidenceStore;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretStore;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.CompilerControl;

/**
 * The guard's resilient-execution step on its own, for the benchmarks: the real {@link ProviderRuntime}
 * (retry, the circuit breaker each attempt drives, per-attempt timeout) and {@link ResilientExecutionStep} (rate-limit permit,
 * attempt audit events, the exchange checked against the attempt timeout, classification), followed by a last step that ends the pipeline without validating.
 * It lives in the guard's package, in the benchmarks module only, because those classes are package-private.
 *
 * <p>Thread-safe as the guard is: one instance may run calls from several threads.
 */
public final class GuardResilience {

  private final ProviderRuntime runtime;
  private final GuardStep[] steps;
  private final Clock clock = Clock.systemUTC();
  private final ProviderCall<Object> call;

  /**
   * @param policy the provider's policy
   * @param response what the no-op provider call answers
   */
  public GuardResilience(ProviderPolicy policy, ProviderResponse response) {
    Auditor auditor = new Auditor(new Discarding(), AuditFailurePolicy.FAIL_CLOSED, clock);
    // the guard's own client (never used: the provider call answers in process)
    EnforcingHttpClient client = (EnforcingHttpClient) TransportPolicy.httpsOnly().newHttpClient(Duration.ofSeconds(5));
    this.runtime = new ProviderRuntime(policy, clock, auditor, client);
    Escalator escalator = new Escalator(EvidenceStore.inMemory(), EscalationHandler.logging(), clock, auditor);
    // no secrets step runs before it, so the call has no lease to renew
    SecretsStep secrets = new SecretsStep(SecretStore.none(), clock, auditor);
    GuardStep end = new GuardStep() {
      @Override
      @SuppressWarnings("NullAway") // ends the measured chain with no outcome; run() hands it back as it is
      public <T> @Nullable IntegrationOutcome<T> apply(CallState<T> c) {
        return null;
      }
    };
    this.steps = new GuardStep[] {
      new ResilientExecutionStep(RateLimitStore.inMemory(), "X-Correlation-Id", clock, System::nanoTime, auditor, escalator,
          secrets),
      end,
    };
    this.call = ProviderCall.of(context -> response, payload -> Validated.of(payload));
  }

  /**
   * Runs the resilient-execution step for a request, as the guard would after its earlier steps.
   *
   * @param request the request
   * @return the step's result: null when the call succeeded (the last step ends the pipeline), else an outcome
   */
  public @Nullable Object run(IntegrationRequest request) {
    CallState<Object> c = new CallState<>(request, call, steps);
    c.provider = runtime;
    c.endpoint = runtime.policy.endpoint();
    return c.proceed();
  }

  /** Keeps nothing, never inlined, so the JIT cannot skip building the events. */
  static final class Discarding implements AuditSink {
    @Override
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    public void record(AuditEvent event) {
      // intentionally empty
    }
  }
}
