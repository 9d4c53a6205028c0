package com.algosure.integration;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link ProviderCall} classifies one attempt's result: the provider adapter's knowledge of which
 * failures are safe to retry. The {@linkplain #standard(ProviderResponse, Instant) standard rules}:
 *
 * <ul>
 *   <li>2xx: success (the response then goes to validation);
 *   <li>429: rate limited, until {@code Retry-After} (seconds or an HTTP date);
 *   <li>503 with a {@code Retry-After} the guard can read: rate limited until then, as a 429 is (the provider said
 *       how long it expects to be unavailable);
 *   <li>408, 502, 503 (without a readable {@code Retry-After}), 504: transient (retried within the bounded policy); but the guard treats a 502 or 504
 *       to a request without an idempotency key as an unknown state unless it was a GET, HEAD or OPTIONS
 *       sent by {@link CallContext#send} (a gateway answered, and the origin may have acted). Without a key,
 *       any transient failure or rate limit is an unknown state once a request of the same attempt that may
 *       have changed something was sent before the failing one (a POST, then its poll answered 503 or refused):
 *       a retry re-runs the whole attempt;
 *   <li>any other status: permanent (never retried); but, as for a 502 or 504, the guard treats a 303 (the origin
 *       processed the request) and a 5xx other than 501 and 505 (a 500, a proxy's 524) to a request without an
 *       idempotency key as an unknown state unless only safe methods were sent: the origin may have acted;
 *   <li>connect errors, unknown hosts and connect timeouts (nothing was sent): transient;
 *   <li>a timeout or I/O error after the request was sent: unknown state (never retried, escalated);
 *   <li>anything else before sending: permanent; after sending: unknown state.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind what the result means
 * @param retryAt for {@link Kind#RATE_LIMITED}: until when the provider asked us to wait, if it said
 * @since 0.1.0
 */
public record Classification(Kind kind, Optional<Instant> retryAt) {

  private static final Classification SUCCESS = new Classification(Kind.SUCCESS, Optional.empty());
  private static final Classification TRANSIENT = new Classification(Kind.TRANSIENT, Optional.empty());
  private static final Classification PERMANENT = new Classification(Kind.PERMANENT, Optional.empty());
  private static final Classification UNKNOWN = new Classification(Kind.UNKNOWN_STATE, Optional.empty());
  private static final Classification RATE_LIMITED = new Classification(Kind.RATE_LIMITED, Optional.empty());

  /** What an attempt's result means. */
  public enum Kind {
    /** The provider accepted the request; validate the response. */
    SUCCESS,
    /** A failure that did not take effect and may succeed if retried. */
    TRANSIENT,
    /** The provider asks us to back off. */
    RATE_LIMITED,
    /** A failure that will not succeed if retried. */
    PERMANENT,
    /** The provider may or may not have acted. */
    UNKNOWN_STATE
  }

  /** @throws NullPointerException if a component is null */
  public Classification {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(retryAt, "retryAt");
  }

  /** @return success */
  public static Classification success() {
    return SUCCESS;
  }

  /** @return a transient failure */
  public static Classification transientFailure() {
    return TRANSIENT;
  }

  /** @return a permanent failure */
  public static Classification permanent() {
    return PERMANENT;
  }

  /** @return an unknown state */
  public static Classification unknownState() {
    return UNKNOWN;
  }

  /**
   * @param retryAt until when the provider asked us to wait; as with a {@code Retry-After} header, the guard pauses
   *     the tenant's calls to the provider no longer than a day from now (and a time already past means now)
   * @return a rate-limit signal
   */
  public static Classification rateLimited(Instant retryAt) {
    return new Classification(Kind.RATE_LIMITED, Optional.of(retryAt));
  }

  /** @return a rate-limit signal without a time (the provider policy's default pause applies) */
  public static Classification rateLimited() {
    return RATE_LIMITED;
  }

  /**
   * The standard rules for a response.
   *
   * @param response the response
   * @param now the guard's current time, to resolve {@code Retry-After}
   * @return the classification
   */
  public static Classification standard(ProviderResponse response, Instant now) {
    int s = response.status();
    if (s >= 200 && s < 300) {
      return SUCCESS;
    }
    if (s == 429) {
      Optional<Instant> at = retryAfter(response, now);
      return at.isPresent() ? new Classification(Kind.RATE_LIMITED, at) : RATE_LIMITED;
    }
    if (s == 503) {
      // the provider said when it expects to be back (RFC 9110 section 10.2.3): backing off until then, not retrying
      // within milliseconds against its word
      Optional<Instant> at = retryAfter(response, now);
      return at.isPresent() ? new Classification(Kind.RATE_LIMITED, at) : TRANSIENT;
    }
    if (s == 408 || s == 502 || s == 503 || s == 504) {
      return TRANSIENT;
    }
    return PERMANENT;
  }

  private static Optional<Instant> retryAfter(ProviderResponse response, Instant now) {
    return response.header("Retry-After").flatMap(v -> RetryAfter.parse(v, now));
  }

  /**
   * The standard rules for a failure.
   *
   * @param failure what the attempt threw
   * @param requestSent whether the request may have left (see {@link CallContext#markSent()})
   * @return the classification
   */
  public static Classification standard(Throwable failure, boolean requestSent) {
    if (failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException
        || failure instanceof UnknownHostException || failure instanceof NoRouteToHostException
        || failure instanceof UnresolvedAddressException
        || (failure instanceof IOException && failure.getCause() instanceof ConnectException)) {
      return TRANSIENT; // nothing reached the provider
    }
    if (!requestSent) {
      return failure instanceof IOException ? TRANSIENT : PERMANENT;
    }
    // a timeout, a reset connection or anything else once bytes may have left: the provider may have acted
    return UNKNOWN;
  }
}
