package com.algosure.integration;

/**
 * One step of the {@link IntegrationGuard} pipeline, in the style of OkHttp's {@code Interceptor}: a step
 * either stops the call with an outcome, or calls {@link CallState#proceed()} for the next step and may
 * act on the outcome that comes back (the idempotency step completes or releases its key that way).
 * The order of the steps is listed in one place, {@link IntegrationGuard}'s constructor.
 *
 * <p>Implementations are stateless between calls and thread-safe; they never throw for a provider's or an
 * SPI's failure.
 */
interface GuardStep {

  /**
   * @param call the call's state
   * @param <T> the accepted value's type
   * @return the outcome
   */
  <T> IntegrationOutcome<T> apply(CallState<T> call);
}
