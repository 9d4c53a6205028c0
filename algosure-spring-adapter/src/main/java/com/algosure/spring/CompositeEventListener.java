package com.algosure.spring;

import com.algosure.authz.AuthorizationDecision;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells several {@link AlgosureEventListener}s, each guarded: a listener that throws is logged and skipped, so
 * observing can never change or break a decision. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CompositeEventListener implements AlgosureEventListener {

  private static final Logger LOG = LoggerFactory.getLogger(CompositeEventListener.class);

  private final List<AlgosureEventListener> listeners;

  /** @param listeners the listeners, told in this order */
  public CompositeEventListener(List<? extends AlgosureEventListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void onDecision(AuthorizationDecision decision, Duration latency) {
    each(l -> l.onDecision(decision, latency));
  }

  @Override
  public void onTokenRejected(String reason) {
    each(l -> l.onTokenRejected(reason));
  }

  @Override
  public void onIntegrationOutcome(String provider, String outcome, int retries, Duration latency) {
    each(l -> l.onIntegrationOutcome(provider, outcome, retries, latency));
  }

  @Override
  public void onIntegrationOutcome(String provider, String outcome, String reason, int retries, Duration latency) {
    each(l -> l.onIntegrationOutcome(provider, outcome, reason, retries, latency));
  }

  private void each(Consumer<AlgosureEventListener> event) {
    for (AlgosureEventListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("event listener {} failed ({}); ignored", l.getClass().getName(), e.getClass().getName());
      }
    }
  }

  @Override
  public String toString() {
    return "CompositeEventListener" + listeners;
  }
}
