package com.algosure.integration.inbound;

/**
 * One step of the {@link CallbackGuard} pipeline: stop with an outcome, or {@link CallbackState#proceed()}.
 * The order is listed in one place, {@link CallbackGuard}'s constructor. Steps are thread-safe and never
 * throw for a caller's, a provider's or an SPI's failure.
 */
interface CallbackStep {

  /**
   * @param call the callback's state
   * @param <T> the payload's type
   * @return the outcome
   */
  <T> CallbackOutcome apply(CallbackState<T> call);
}
