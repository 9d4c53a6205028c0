package com.algosure.integration.inbound;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.TenantId;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.Validated;
import com.algosure.integration.spi.IdempotencyKey;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The state of one callback as it moves through the steps; one per callback, one thread at a time. */
final class CallbackState<T> {

  final CallbackRequest request;
  final PayloadValidator<T> validator;
  final CallbackHandler<T> handler;
  final Instant receivedAt;
  private final CallbackStep[] steps;
  private int next;

  @Nullable CallbackRegistration registration;
  @Nullable TenantId tenant;
  Verification.@Nullable Verified verified;
  @Nullable IdempotencyKey key;
  @Nullable String owner;
  @Nullable Validated<T> payload;
  /** Whether the handler completed: the delivery then took effect and is marked processed. */
  boolean handled;

  CallbackState(CallbackRequest request, PayloadValidator<T> validator, CallbackHandler<T> handler, Instant receivedAt,
      CallbackStep[] steps) {
    this.request = request;
    this.validator = validator;
    this.handler = handler;
    this.receivedAt = receivedAt;
    this.steps = steps;
  }

  CallbackOutcome proceed() {
    return steps[next++].apply(this);
  }

  CallbackRegistration registration() {
    CallbackRegistration r = registration;
    if (r == null) {
      throw new IllegalStateException("registration step has not run");
    }
    return r;
  }

  Verification.Verified verified() {
    Verification.Verified v = verified;
    if (v == null) {
      throw new IllegalStateException("signature step has not run");
    }
    return v;
  }

  AuditEvent.Builder event(AuditEventType type, String outcome, CallbackReason reason) {
    return AuditEvent.builder(type, receivedAt)
        .outcome(outcome)
        .tenant(tenant == null ? null : tenant.value())
        .provider(request.provider().value())
        .action("callback")
        .reasons(List.of(reason.name()))
        .detail("deliveryId", verified == null ? null : verified.deliveryId())
        .detail("bytes", Integer.toString(request.bodySize()));
  }
}
