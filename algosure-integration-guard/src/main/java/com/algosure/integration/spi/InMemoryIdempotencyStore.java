package com.algosure.integration.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link IdempotencyStore} in memory, on a Caffeine cache whose expiry follows the injected clock.
 * Each operation is one atomic {@code compute} on the key. Thread-safe. Not shared between processes: use
 * a distributed implementation when several instances serve the same keys.
 *
 * @since 0.1.0
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  private final Clock clock;
  private final Cache<IdempotencyKey, Entry> cache;

  InMemoryIdempotencyStore(Clock clock, long maximumKeys) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumKeys < 1) {
      throw new IllegalArgumentException("maximumKeys must be at least 1, was " + maximumKeys);
    }
    this.cache = Caffeine.newBuilder()
        .maximumSize(maximumKeys)
        // Caffeine's clock is the injected one, so a test that moves time also expires entries
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .expireAfter(new Expiry<IdempotencyKey, Entry>() {
          @Override
          public long expireAfterCreate(IdempotencyKey key, Entry e, long currentTime) {
            return nanosLeft(e);
          }

          @Override
          public long expireAfterUpdate(IdempotencyKey key, Entry e, long currentTime, long currentDuration) {
            return nanosLeft(e);
          }

          @Override
          public long expireAfterRead(IdempotencyKey key, Entry e, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  private long nanosLeft(Entry e) {
    long ms = e.expiresAt.toEpochMilli() - clock.millis();
    return ms <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ms);
  }

  @Override
  public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(owner, "owner");
    Instant now = clock.instant();
    ClaimResult[] result = new ClaimResult[1];
    cache.asMap().compute(key, (k, e) -> {
      if (e == null || !now.isBefore(e.expiresAt)) {
        result[0] = ClaimResult.claimed();
        return new Entry(fingerprint, owner, now.plus(ttl));
      }
      if (!e.fingerprint.equals(fingerprint)) {
        result[0] = ClaimResult.fingerprintMismatch();
      } else if (e.outcome == null) {
        result[0] = ClaimResult.inFlight();
      } else {
        result[0] = new ClaimResult.Completed(e.outcome);
      }
      return e;
    });
    return result[0];
  }

  @Override
  public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
    Objects.requireNonNull(outcome, "outcome");
    Instant now = clock.instant();
    boolean[] done = new boolean[1];
    Entry[] completed = new Entry[1];
    cache.asMap().computeIfPresent(key, (k, e) -> {
      if (!e.owner.equals(owner) || e.outcome != null || !now.isBefore(e.expiresAt)) {
        return e;
      }
      done[0] = true;
      Entry c = new Entry(e.fingerprint, owner, now.plus(ttl), outcome, e.completion);
      completed[0] = c;
      return c;
    });
    if (done[0]) {
      completed[0].completion.complete(outcome);
    }
    return done[0];
  }

  @Override
  public boolean release(IdempotencyKey key, String owner) {
    Entry[] released = new Entry[1];
    cache.asMap().computeIfPresent(key, (k, e) -> {
      if (!e.owner.equals(owner) || e.outcome != null) {
        return e;
      }
      released[0] = e;
      return null;
    });
    if (released[0] != null) {
      released[0].completion.complete(null);
      return true;
    }
    return false;
  }

  @Override
  public Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
    Entry e = cache.getIfPresent(key);
    if (e == null) {
      return Optional.empty();
    }
    if (e.outcome != null) {
      return Optional.of(e.outcome);
    }
    try {
      return Optional.ofNullable(e.completion.get(maxWait.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException | ExecutionException ex) {
      return Optional.empty();
    }
  }

  /** @return how many keys are held (in flight or completed, not yet expired or evicted) */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /**
   * @param key a key
   * @return whether the key is reserved (in flight or completed) and not expired
   */
  public boolean isReserved(IdempotencyKey key) {
    Entry e = cache.getIfPresent(key);
    return e != null && clock.instant().isBefore(e.expiresAt);
  }

  @Override
  public String toString() {
    return "InMemoryIdempotencyStore[" + cache.estimatedSize() + " keys]";
  }

  private static final class Entry {
    final String fingerprint;
    final String owner;
    final Instant expiresAt;
    final @org.jspecify.annotations.Nullable Object outcome;
    final CompletableFuture<Object> completion;

    Entry(String fingerprint, String owner, Instant expiresAt) {
      this(fingerprint, owner, expiresAt, null, new CompletableFuture<>());
    }

    Entry(String fingerprint, String owner, Instant expiresAt, @org.jspecify.annotations.Nullable Object outcome, CompletableFuture<Object> completion) {
      this.fingerprint = fingerprint;
      this.owner = owner;
      this.expiresAt = expiresAt;
      this.outcome = outcome;
      this.completion = completion;
    }
  }
}
