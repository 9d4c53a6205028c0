package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read up to a limit: past it, reading stops (the subscription is cancelled, so the rest is
 * never buffered) and the body is marked over the limit, so that the caller can still classify the response by
 * its status and headers. The JDK client calls {@code onNext} serially; the result is read after {@link #getBody()}
 * completes.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<BoundedBody> {

  private final int limit;
  private final CompletableFuture<BoundedBody> done = new CompletableFuture<>();
  private byte[] buffer;
  private int size;
  private boolean overLimit;
  /** Set by onSubscribe, which the Flow protocol calls before any onNext. */
  private Flow.@Nullable Subscription subscription;

  private BoundedBody(int limit) {
    this.limit = limit;
    this.buffer = new byte[Math.min(limit, 8192)];
  }

  /** @return a handler whose bodies stop at {@code limit} bytes */
  static HttpResponse.BodyHandler<BoundedBody> handler(int limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public CompletionStage<BoundedBody> getBody() {
    return done;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    this.subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (done.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int n = b.remaining();
      if (n > limit - size) {
        overLimit = true;
        castToNonNull(subscription).cancel();
        done.complete(this);
        return;
      }
      if (size + n > buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max((long) buffer.length * 2, size + n)));
      }
      b.get(buffer, size, n);
      size += n;
    }
    castToNonNull(subscription).request(1);
  }

  @Override
  public void onError(Throwable failure) {
    done.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    done.complete(this);
  }

  /** @return whether the body was longer than the limit (then {@link #bytes()} holds no usable body) */
  boolean overLimit() {
    return overLimit;
  }

  /** @return the body read, when not over the limit */
  byte[] bytes() {
    return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
  }
}
