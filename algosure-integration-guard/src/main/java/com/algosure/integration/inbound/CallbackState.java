package com.algosure.integration.inbound;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.UntrustedText;
import com.algosure.integration.PayloadValidator;
import com.algosure.integration.Validated;
import com.algosure.integration.spi.IdempotencyKey;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The state of one callback as it moves through the steps; one per callback, one thread at a time. */
final class CallbackState<T> {

  /** Each reason's one-element reason list, built once: an event's reasons are one of these. */
  private static final List<List<String>> REASONS;

  static {
    CallbackReason[] all = CallbackReason.values();
    List<String>[] lists = newLists(all.length);
    for (CallbackReason r : all) {
      lists[r.ordinal()] = List.of(r.name());
    }
    REASONS = List.of(lists);
  }

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
  private @Nullable String fingerprint;
  private @Nullable String bodySize;

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

  /** @return the tenant: set by the tenant step, which rejects a callback without one, for the steps after it */
  TenantId tenant() {
    return castToNonNull(tenant);
  }

  /** @return the validated payload: set by the payload step, which rejects an invalid one, for the steps after it */
  Validated<T> payload() {
    return castToNonNull(payload);
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

  /**
   * @return the verified payload's fingerprint ({@link Signatures#sha256Fingerprint}), hashed on the first
   *     call only: the dedupe claim and the {@code CALLBACK_RECEIVED} event share it
   */
  String fingerprint() {
    String f = fingerprint;
    if (f == null) {
      f = Signatures.sha256Fingerprint(verified().payload());
      fingerprint = f;
    }
    return f;
  }

  /**
   * @return what the dedupe compares a redelivery by: the payload's fingerprint, or that of the verified content
   *     where the verifier tells it apart from the payload ({@link Verification.Verified#content})
   */
  String dedupeFingerprint() {
    Verification.Verified v = verified();
    return v.content() == v.payload() ? fingerprint() : Signatures.sha256Fingerprint(v.content());
  }

  AuditEvent.Builder event(AuditEventType type, String outcome, CallbackReason reason) {
    String size = bodySize;
    if (size == null) {
      size = Integer.toString(request.bodySize());
      bodySize = size;
    }
    // a tenant a request names (a header, the body) is only claimed until its signature is verified: an unverified
    // request's rejection is not recorded as that tenant's, or anyone could write into any tenant's audit trail
    TenantId t = tenant;
    boolean vouched = t != null && (verified != null || registration != null && registration.tenantFixed());
    return AuditEvent.builder(type, receivedAt)
        .outcome(outcome)
        .tenant(vouched ? castToNonNull(t).value() : null) // vouched only with a tenant
        .detail("claimedTenant", t != null && !vouched ? t.value() : null)
        .provider(request.provider().value())
        .action("callback")
        .reasons(REASONS.get(reason.ordinal()))
        // as signed: an id the dedupe refuses (not 1 to 255 visible ASCII) is the sender's text, recorded printable;
        // one the dedupe has claimed is such an id already, recorded as it is (no scan on the accepted path)
        .detail("deliveryId", verified == null ? null
            : key != null ? verified.deliveryId() : UntrustedText.safe(verified.deliveryId(), 255))
        .detail("bytes", size)
        // the secret or key that verified it, by reference: which facts a leaked secret verified
        .detail("keyRef", verified == null ? null : verified.keyRef().orElse(null));
  }

  @SuppressWarnings("unchecked")
  private static List<String>[] newLists(int n) {
    return (List<String>[]) new List<?>[n];
  }
}
