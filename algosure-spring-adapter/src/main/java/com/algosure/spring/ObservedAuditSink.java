package com.algosure.spring;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.audit.AuditableDecision;
import com.algosure.authz.AuthorizationDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit sink the adapter gives the {@link com.algosure.authz.PolicyDecisionPoint}: it records every event
 * through the host's sink and tells the {@link AlgosureEventListener}s (the metrics) of every decision. The decision
 * point audits each decision exactly once, whoever asked for it ({@link AlgosureAuthorizer}, the
 * {@code IntegrationGuard} before an outbound call, the host's own code), so each is observed exactly once, and
 * whatever sink the host declares.
 *
 * <p>A decision is observed after the host's sink recorded it, and also where that sink threw: the decision point
 * then logs the failure at ERROR and applies its audit failure policy, and the decision is observed as the caller
 * gets it: under {@code FAIL_CLOSED} a permit is observed as the {@code DENY AUDIT_FAILED} its caller
 * gets (no sink sees that one), so the metrics count what callers were answered.
 * Its latency is the time from the decision's timestamp to its audit on the decision point's clock (zero on a
 * clock that does not move). A host that declares its own {@code PolicyDecisionPoint} bean wraps its sink in one
 * of these, with the decision point's audit failure policy, to have its decisions counted.
 *
 * <p>Thread-safe if the delegate is.
 *
 * @since 0.1.0
 */
public final class ObservedAuditSink implements AuditSink {

  private static final Logger LOG = LoggerFactory.getLogger(ObservedAuditSink.class);

  private final AuditSink delegate;
  private final Supplier<? extends AlgosureEventListener> events;
  private final Clock clock;
  private final AuditFailurePolicy failurePolicy;

  /**
   * An observer for a decision point with the default audit failure policy ({@link AuditFailurePolicy#FAIL_CLOSED}).
   *
   * @param delegate the sink that records the events
   * @param events told of every decision; asked on each decision (so a listener may itself depend on the decision
   *     point); see {@link CompositeEventListener} for several
   * @param clock the decision point's clock, for the latency
   */
  public ObservedAuditSink(AuditSink delegate, Supplier<? extends AlgosureEventListener> events, Clock clock) {
    this(delegate, events, clock, AuditFailurePolicy.FAIL_CLOSED);
  }

  /**
   * @param delegate the sink that records the events
   * @param events told of every decision; asked on each decision (so a listener may itself depend on the decision
   *     point); see {@link CompositeEventListener} for several
   * @param clock the decision point's clock, for the latency
   * @param failurePolicy the decision point's audit failure policy: where the delegate throws, the listeners are told
   *     of the decision the caller gets under it ({@link AuthorizationDecision#afterAuditFailure})
   * @since 0.1.0
   */
  public ObservedAuditSink(AuditSink delegate, Supplier<? extends AlgosureEventListener> events, Clock clock,
      AuditFailurePolicy failurePolicy) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.events = Objects.requireNonNull(events, "events");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
  }

  @Override
  public void record(AuditEvent event) {
    delegate.record(event);
  }

  @Override
  public void recordDecision(AuditableDecision decision) {
    boolean recorded = false;
    try {
      delegate.recordDecision(decision);
      recorded = true;
    } finally {
      if (decision instanceof AuthorizationDecision d) {
        // where the sink threw, the caller gets what the failure policy makes of the decision: count that
        observe(recorded ? d : d.afterAuditFailure(failurePolicy));
      }
    }
  }

  private void observe(AuthorizationDecision d) {
    try {
      events.get().onDecision(d, since(d.timestamp()));
    } catch (RuntimeException e) { // observing never changes a decision or its audit
      LOG.warn("observing decision {} failed ({}); ignored", d.decisionId(), e.getClass().getName());
    }
  }

  private Duration since(Instant decided) {
    try {
      Instant now = clock.instant();
      Duration latency = now == null ? Duration.ZERO : Duration.between(decided, now);
      return latency.isNegative() ? Duration.ZERO : latency;
    } catch (RuntimeException e) { // a host's clock that fails is the decision point's to report, not the metric's
      return Duration.ZERO;
    }
  }

  @Override
  public String toString() {
    return "ObservedAuditSink[" + delegate + "]";
  }

}
