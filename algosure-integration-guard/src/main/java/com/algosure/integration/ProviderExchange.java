package com.algosure.integration;

/**
 * One attempt of a provider call: send the request, return the provider's answer. Implementations use the
 * {@link CallContext}'s client and helpers so the transport policy, the idempotency key and the timeout
 * apply, or call {@link CallContext#markSent()} themselves.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ProviderExchange {

  /**
   * @param context the attempt's context
   * @return the provider's answer (any status; the guard classifies it)
   * @throws Exception anything; the guard classifies it, it never escapes {@link IntegrationGuard#execute}
   */
  ProviderResponse exchange(CallContext context) throws Exception;
}
