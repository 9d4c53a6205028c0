package com.algosure.integration.spi;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} in memory, on a Caffeine cache whose expiry follows the injected clock.
 * Each operation is one atomic {@code compute} on the key. Thread-safe. Not shared between processes: use
 * a distributed implementation when several instances serve the same keys.
 *
 * <p>Records are kept compact, since a store may hold many: keys of the same tenant, provider and action
 * share one scope object, a caller key in canonical UUID form ({@code 8-4-4-4-12} lowercase hex digits) is
 * kept as its 128 bits, a fingerprint of the form
 * {@code sha256:} + 64 lowercase hex digits (the guard's) or 64 lowercase hex digits alone as its 256 bits,
 * and a completed record keeps neither its owner (a completed key can no longer be completed or released)
 * nor a completion future (one exists only while a duplicate waits for an in-flight key). Any other key or
 * fingerprint is kept as given; every comparison is exact either way. Cache maintenance runs on the calling
 * thread, so writes never wake a pool thread.
 *
 * <p>The store is bounded, and it never evicts a live record to make room: a key it forgot before its time
 * to live ended would let a retry or a duplicate of that call run a second time, and one tenant's flood of
 * new keys would erase the others' records. When it holds {@code maximumKeys} live keys, a claim of a new key
 * throws {@link IdempotencyStoreFullException} (the guard fails that call closed, before anything is sent)
 * until records expire. Keys already held are claimed, completed and released as usual.
 *
 * <p>The store is shared by every tenant, so each tenant is bounded as well: when a tenant holds
 * {@code maximumKeysPerTenant} live keys, a claim of a new key of that tenant throws
 * {@link IdempotencyTenantFullException} (the guard fails that call closed with {@code IDEMPOTENCY_TENANT_LIMIT}),
 * while other tenants' keys are still taken. Without it one tenant's flood of fresh keys, or its heavy use within
 * the time to live, would fill the store and fail every other tenant's calls as well. By default a tenant holds at
 * most half of the store: {@link #DEFAULT_MAXIMUM_KEYS_PER_TENANT} of {@link #DEFAULT_MAXIMUM_KEYS}, which is the
 * whole store's default bound before tenants were bounded, so a single-tenant service keeps the room it had and a
 * store sized by default takes twice the memory at most (160-250 bytes a key); a store given only its
 * {@code maximumKeys} lets a tenant hold half of it, rounded up. A tenant's count is exact: it grows when a claim
 * adds a key, shrinks when a key is released or its record is removed on expiry (Caffeine's eviction listener, in
 * the same atomic operation), and a completion or a claim of an expired key changes nothing. Each tenant's count is
 * one atomic counter, reached through the key's scope, so a claim adds no look-up and no lock shared by tenants.
 * A tenant whose keys expired counts them until Caffeine removes them, which a claim refused at a bound asks for
 * at once (its expiry wheel may keep a record up to about a second past its expiry). Several tenants together can
 * still fill the store: where tenants are many, size {@code maximumKeys} for them or use a distributed store.
 *
 * @since 0.1.0
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  /** How many live keys a store holds at most unless told otherwise ({@link IdempotencyStore#inMemory(Clock)}). */
  public static final long DEFAULT_MAXIMUM_KEYS = 200_000;

  /**
   * How many live keys one tenant holds at most unless told otherwise ({@link IdempotencyStore#inMemory(Clock)}):
   * half of {@link #DEFAULT_MAXIMUM_KEYS}, which is what the whole store held before tenants were bounded.
   */
  public static final long DEFAULT_MAXIMUM_KEYS_PER_TENANT = 100_000;

  /** How many scopes (tenant, provider, action) are shared at most. */
  static final int MAX_SCOPES = 10_000;

  private final Clock clock;
  private final long maximumKeys;
  private final long maximumKeysPerTenant;
  /** Each tenant's live keys, by tenant id; its scopes hold the same counter, so a claim does not look it up here. */
  private final ConcurrentHashMap<String, TenantKeys> tenants = new ConcurrentHashMap<>();
  /**
   * Caffeine's ticker: the clock reading of the operation in progress (or of a concurrent one), in nanoseconds.
   * Every operation reads the injected clock once and publishes it here before it touches the cache, so the
   * cache's expiry runs on the same time as the operation, without reading the clock again for each of its
   * checks. Concurrent operations may publish out of order by the time between their clock reads; Caffeine only
   * defers or repeats a clean-up for that, and every record's expiry is decided by the operation's own reading.
   */
  private volatile long tickerNanos;
  /** Keys are {@link UuidKey}s for caller keys in canonical UUID form, else {@link TextKey}s. */
  private final Cache<StoreKey, Entry> cache;
  private final ConcurrentHashMap<Scope, Scope> scopes = new ConcurrentHashMap<>();

  InMemoryIdempotencyStore(Clock clock, long maximumKeys, long maximumKeysPerTenant) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maximumKeys < 1) {
      throw new IllegalArgumentException("maximumKeys must be at least 1, was " + maximumKeys);
    }
    if (maximumKeysPerTenant < 1) {
      throw new IllegalArgumentException("maximumKeysPerTenant must be at least 1, was " + maximumKeysPerTenant);
    }
    if (maximumKeysPerTenant > maximumKeys) {
      throw new IllegalArgumentException("maximumKeysPerTenant must be at most maximumKeys (" + maximumKeys + "), was "
          + maximumKeysPerTenant);
    }
    this.maximumKeys = maximumKeys;
    this.maximumKeysPerTenant = maximumKeysPerTenant;
    now();
    // no maximumSize: Caffeine would evict live records to make room; the bound is checked on claim instead, and
    // records leave only by expiry or release
    this.cache = Caffeine.newBuilder()
        .executor(Runnable::run)
        // Caffeine's clock is the injected one (as each operation read it), so a test that moves time also expires entries
        .ticker(() -> tickerNanos)
        // a record removed on expiry leaves its tenant's count, in the atomic operation that removes it (a release
        // is counted where it removes the key; a completion replaces the record and counts nothing)
        .evictionListener((@Nullable StoreKey key, @Nullable Entry e, RemovalCause cause) -> {
          if (key != null) {
            key.scope().keys.live.decrementAndGet();
          }
        })
        .expireAfter(new Expiry<StoreKey, Entry>() {
          @Override
          public long expireAfterCreate(StoreKey key, Entry e, long currentTime) {
            return nanosLeft(e, currentTime);
          }

          @Override
          public long expireAfterUpdate(StoreKey key, Entry e, long currentTime, long currentDuration) {
            return nanosLeft(e, currentTime);
          }

          @Override
          public long expireAfterRead(StoreKey key, Entry e, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /** @return the clock's epoch milliseconds, published for Caffeine's ticker first */
  private long now() {
    long ms = clock.millis();
    long nanos = TimeUnit.MILLISECONDS.toNanos(ms);
    if (nanos != tickerNanos) { // written once a millisecond, so threads do not contend for the field's cache line
      tickerNanos = nanos;
    }
    return ms;
  }

  /** @return the nanoseconds from {@code currentTime} (the ticker's: the clock's milliseconds in nanoseconds) to the entry's expiry */
  private static long nanosLeft(Entry e, long currentTime) {
    long ms = e.expiresAt - TimeUnit.NANOSECONDS.toMillis(currentTime);
    return ms <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(ms); // saturates
  }

  @Override
  public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(owner, "owner");
    long now = now();
    Held mine = new Held(fingerprint, owner, expiry(now, ttl), null);
    StoreKey k = storeKey(key);
    Entry e = claimOrNull(k, now, mine);
    if (e == null) {
      cache.cleanUp(); // at a bound: remove what has expired (a live record is never removed to make room)
      e = claimOrNull(k, now, mine);
      if (e == null) {
        // which bound refused it, read again (a release meanwhile may misname it, never let a key in): the store's
        // first, since a full store refuses every tenant, and a store bounding a tenant by its whole size is full
        if (cache.estimatedSize() >= maximumKeys) {
          throw new IdempotencyStoreFullException(maximumKeys);
        }
        throw new IdempotencyTenantFullException(k.scope().keys.tenant, maximumKeysPerTenant, maximumKeys);
      }
    }
    if (e == mine) {
      return ClaimResult.claimed();
    }
    // entries never change once in the cache (a change replaces them), so reading this one is race-free
    if (!e.sameFingerprint(fingerprint)) {
      return ClaimResult.fingerprintMismatch();
    }
    if (e instanceof Done d) {
      return new ClaimResult.Completed(d.outcome);
    }
    // its holder claiming again (a retried claim) holds it still, its expiry unchanged; anyone else waits
    return ((Held) e).owner.equals(owner) ? ClaimResult.claimed() : ClaimResult.inFlight();
  }

  /**
   * @return the key's record after the claim: {@code mine} if the key was free or expired, the live record
   *     holding it otherwise, or null if the key is new and its tenant or the store holds its maximum (the
   *     tenant's bound is exact; concurrent claims may pass the store's by at most one key each)
   */
  private @Nullable Entry claimOrNull(StoreKey key, long now, Held mine) {
    return cache.asMap().compute(key, (k, current) -> {
      if (current != null) {
        // an expired record of the key taken over: the same key of the same tenant, counted already
        return now >= current.expiresAt ? mine : current;
      }
      // a new key (or one Caffeine removed on expiry just now, which its eviction listener uncounted): counted first
      // and given back if refused, so concurrent claims of a tenant never take more than its bound between them
      AtomicLong live = k.scope().keys.live;
      if (live.incrementAndGet() > maximumKeysPerTenant || cache.estimatedSize() >= maximumKeys) {
        live.decrementAndGet();
        return null;
      }
      return mine;
    });
  }

  @Override
  public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
    Objects.requireNonNull(outcome, "outcome");
    long now = now();
    Held[] completed = new Held[1];
    cache.asMap().computeIfPresent(storeKey(key), (k, e) -> {
      if (!(e instanceof Held h) || !h.owner.equals(owner) || now >= h.expiresAt) {
        return e;
      }
      completed[0] = h;
      return Done.of(h.fingerprint, outcome, expiry(now, ttl));
    });
    Held h = completed[0];
    if (h == null) {
      return false;
    }
    if (h.waiters != null) {
      h.waiters.complete(outcome);
    }
    return true;
  }

  @Override
  public boolean release(IdempotencyKey key, String owner) {
    now();
    Held[] released = new Held[1];
    cache.asMap().computeIfPresent(storeKey(key), (k, e) -> {
      if (!(e instanceof Held h) || !h.owner.equals(owner)) {
        return e;
      }
      released[0] = h;
      k.scope().keys.live.decrementAndGet(); // removed here, not by Caffeine: no eviction listener counts it
      return null;
    });
    Held h = released[0];
    if (h == null) {
      return false;
    }
    if (h.waiters != null) {
      h.waiters.complete(null);
    }
    return true;
  }

  @Override
  public Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
    StoreKey k = storeKey(key);
    now();
    Entry e = cache.getIfPresent(k);
    if (e == null) {
      return Optional.empty();
    }
    if (e instanceof Done d) {
      return Optional.of(d.outcome);
    }
    // register as a waiter under the key's lock, so a completion or release either happened before (and is
    // seen here) or happens after and completes the future this waits on
    Object[] seen = new Object[1];
    cache.asMap().computeIfPresent(k, (x, current) -> {
      if (current instanceof Held h) {
        Held waited = h.waiters != null ? h : h.waitedOn();
        seen[0] = waited.waiters;
        return waited;
      }
      seen[0] = current;
      return current;
    });
    if (seen[0] instanceof Done d) {
      return Optional.of(d.outcome);
    }
    if (!(seen[0] instanceof CompletableFuture<?> waiters)) {
      return Optional.empty(); // released or expired meanwhile
    }
    try {
      return Optional.<Object>ofNullable(waiters.get(maxWait.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException | ExecutionException ex) {
      return Optional.empty();
    }
  }

  /** @return how many live keys the store holds at most, all tenants together, before it refuses new ones */
  public long maximumKeys() {
    return maximumKeys;
  }

  /** @return how many live keys one tenant holds at most before the store refuses that tenant's new ones */
  public long maximumKeysPerTenant() {
    return maximumKeysPerTenant;
  }

  /** @return how many keys are held (in flight or completed, not yet expired) */
  public long size() {
    now();
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /**
   * @param tenant a tenant
   * @return how many keys of the tenant are held (in flight or completed, not yet expired), as its bound counts them
   */
  public long size(TenantId tenant) {
    now();
    cache.cleanUp();
    TenantKeys keys = tenants.get(tenant.value());
    return keys == null ? 0 : keys.live.get();
  }

  /**
   * @param key a key
   * @return whether the key is reserved (in flight or completed) and not expired
   */
  public boolean isReserved(IdempotencyKey key) {
    long now = now();
    Entry e = cache.getIfPresent(storeKey(key));
    return e != null && now < e.expiresAt;
  }

  @Override
  public String toString() {
    return "InMemoryIdempotencyStore[" + cache.estimatedSize() + " keys]";
  }

  private static long expiry(long nowMillis, Duration ttl) {
    long ttlMillis;
    try {
      // rounded up: a record never expires before its time to live
      ttlMillis = ttl.plusNanos(999_999).toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
    long at = nowMillis + ttlMillis;
    return ((nowMillis ^ at) & (ttlMillis ^ at)) < 0 ? Long.MAX_VALUE : at;
  }

  /**
   * @return the cache key: the scope (shared by all keys of a tenant, provider and action) with the UUID's bits
   *     for a caller key in canonical UUID form, else with the caller's key
   */
  private StoreKey storeKey(IdempotencyKey key) {
    Scope scope = scope(key);
    String k = key.key();
    if (k.length() != 36) {
      return new TextKey(scope, k);
    }
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 36; i++) {
      char c = k.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return new TextKey(scope, k);
        }
        continue;
      }
      int v = Hex.lower(c);
      if (v < 0) {
        return new TextKey(scope, k);
      }
      if (i < 18) {
        msb = msb << 4 | v;
      } else {
        lsb = lsb << 4 | v;
      }
    }
    return new UuidKey(scope, msb, lsb);
  }

  /**
   * @return the key's scope, the same instance for every key of a tenant, provider and action (up to
   *     {@link #MAX_SCOPES} scopes; beyond that an equal instance of its own), so records do not each hold
   *     the tenant, provider and action objects of their request
   */
  private Scope scope(IdempotencyKey key) {
    Scope probe = new Scope(key.tenant(), key.provider(), key.action(), TenantKeys.PROBE);
    Scope shared = scopes.get(probe);
    if (shared != null) {
      return shared;
    }
    TenantId tenant = key.tenant();
    Scope scope = new Scope(tenant, key.provider(), key.action(),
        tenants.computeIfAbsent(tenant.value(), TenantKeys::new));
    if (scopes.size() >= MAX_SCOPES) {
      return scope; // equal by value all the same, and on the tenant's one counter: only memory is at stake
    }
    shared = scopes.putIfAbsent(scope, scope);
    return shared == null ? scope : shared;
  }

  /**
   * One tenant's live keys: one counter for all its scopes, kept for as long as the store (tenants reach the store
   * only once the guard resolved and authorized them, so they are the host's tenants, not any string).
   */
  static final class TenantKeys {
    /** Stands in a look-up's probe scope, which is never stored nor counted. */
    static final TenantKeys PROBE = new TenantKeys("");

    final String tenant;
    final AtomicLong live = new AtomicLong();

    TenantKeys(String tenant) {
      this.tenant = tenant;
    }
  }

  /** A key of the cache: its scope and the caller's key. */
  sealed interface StoreKey permits UuidKey, TextKey {
    Scope scope();
  }

  // equals and hashCode written out: they run on every look-up, and plain code beats the records' generated ones

  /** A tenant, provider and action: the scope of caller keys; {@code keys} is the tenant's counter, not compared. */
  record Scope(TenantId tenant, ProviderId provider, String action, TenantKeys keys) {
    @Override
    public boolean equals(Object o) {
      // TenantId and ProviderId are records of their value: equal exactly when their values are
      return this == o || (o instanceof Scope s && tenant.value().equals(s.tenant.value())
          && provider.value().equals(s.provider.value()) && action.equals(s.action));
    }

    @Override
    public int hashCode() {
      return (tenant.value().hashCode() * 31 + provider.value().hashCode()) * 31 + action.hashCode();
    }
  }

  /**
   * A caller key in canonical UUID form, as its bits: only such keys map to this type, and each maps to one
   * value, so two scoped keys are equal exactly when their {@link IdempotencyKey}s are.
   */
  record UuidKey(Scope scope, long msb, long lsb) implements StoreKey {
    @Override
    public boolean equals(Object o) {
      return this == o || (o instanceof UuidKey k && msb == k.msb && lsb == k.lsb && scope.equals(k.scope));
    }

    @Override
    public int hashCode() {
      long bits = msb ^ lsb;
      return scope.hashCode() * 31 + (int) (bits ^ (bits >>> 32));
    }
  }

  /** Any other caller key, as given. */
  record TextKey(Scope scope, String key) implements StoreKey {
    @Override
    public boolean equals(Object o) {
      return this == o || (o instanceof TextKey k && key.equals(k.key) && scope.equals(k.scope));
    }

    @Override
    public int hashCode() {
      return scope.hashCode() * 31 + key.hashCode();
    }
  }

  /** Lowercase hex digits, read through a table. */
  static final class Hex {
    /** A character's digit value, or -1 unless it is {@code 0-9} or {@code a-f}; ASCII only. */
    private static final byte[] VALUE = new byte[128];

    static {
      java.util.Arrays.fill(VALUE, (byte) -1);
      for (int i = 0; i < 16; i++) {
        VALUE["0123456789abcdef".charAt(i)] = (byte) i;
      }
    }

    private Hex() {}

    /** @return the digit's value, or -1 unless it is {@code 0-9} or {@code a-f} */
    static int lower(char c) {
      return c < 128 ? VALUE[c] : -1;
    }

    /** @return whether {@code s} holds exactly 64 lowercase hex digits from {@code from} whose bits are a..d */
    static boolean matches(String s, int from, long a, long b, long c, long d) {
      return s.length() == from + 64 && word(s, from) == a && word(s, from + 16) == b && word(s, from + 32) == c
          && word(s, from + 48) == d && digits(s, from);
    }

    static boolean digits(String s, int from) {
      int any = 0;
      for (int i = from; i < from + 64; i++) {
        any |= lower(s.charAt(i)); // negative once any character is not a digit
      }
      return any >= 0;
    }

    /** The 64 bits of 16 hex digits (any non-digit makes garbage; callers check {@link #digits}). */
    static long word(String s, int from) {
      long w = 0;
      for (int i = from; i < from + 16; i++) {
        w = w << 4 | (lower(s.charAt(i)) & 0xf);
      }
      return w;
    }
  }

  /** A record: in flight ({@link Held}) or completed ({@link Done}). Immutable: a change replaces it. */
  private abstract static class Entry {
    /** Epoch milliseconds, on the store's clock. */
    final long expiresAt;

    Entry(long expiresAt) {
      this.expiresAt = expiresAt;
    }

    abstract boolean sameFingerprint(String fingerprint);
  }

  /** Claimed and not yet completed: the owner may complete or release it; duplicates may wait on it. */
  private static final class Held extends Entry {
    final String fingerprint;
    final String owner;
    final @Nullable CompletableFuture<Object> waiters;

    Held(String fingerprint, String owner, long expiresAt, @Nullable CompletableFuture<Object> waiters) {
      super(expiresAt);
      this.fingerprint = fingerprint;
      this.owner = owner;
      this.waiters = waiters;
    }

    Held waitedOn() {
      return new Held(fingerprint, owner, expiresAt, new CompletableFuture<>());
    }

    @Override
    boolean sameFingerprint(String other) {
      return fingerprint.equals(other);
    }
  }

  /** Completed: replays its outcome until it expires. */
  private abstract static class Done extends Entry {
    final Object outcome;

    Done(Object outcome, long expiresAt) {
      super(expiresAt);
      this.outcome = outcome;
    }

    static Done of(String fingerprint, Object outcome, long expiresAt) {
      int n = fingerprint.length();
      int from = n == 71 && fingerprint.startsWith(Sha256Done.PREFIX) ? 7 : n == 64 ? 0 : -1;
      if (from >= 0) {
        // the four words and the check that every character is a digit, in one pass
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        int any = 0;
        for (int i = from; i < from + 16; i++) {
          int a = Hex.lower(fingerprint.charAt(i));
          int b = Hex.lower(fingerprint.charAt(i + 16));
          int c = Hex.lower(fingerprint.charAt(i + 32));
          int d = Hex.lower(fingerprint.charAt(i + 48));
          any |= a | b | c | d; // negative once any character is not a digit
          h0 = h0 << 4 | a;
          h1 = h1 << 4 | b;
          h2 = h2 << 4 | c;
          h3 = h3 << 4 | d;
        }
        if (any >= 0) {
          return from == 7 ? new Sha256Done(h0, h1, h2, h3, outcome, expiresAt) : new HexDone(h0, h1, h2, h3, outcome, expiresAt);
        }
      }
      return new TextDone(fingerprint, outcome, expiresAt);
    }
  }

  /** Completed with a fingerprint of 64 lowercase hex digits, kept as its 256 bits. */
  private static class HexDone extends Done {
    final long h0;
    final long h1;
    final long h2;
    final long h3;

    HexDone(long h0, long h1, long h2, long h3, Object outcome, long expiresAt) {
      super(outcome, expiresAt);
      this.h0 = h0;
      this.h1 = h1;
      this.h2 = h2;
      this.h3 = h3;
    }

    @Override
    boolean sameFingerprint(String other) {
      return Hex.matches(other, 0, h0, h1, h2, h3);
    }
  }

  /** Completed with a fingerprint {@code sha256:} + 64 lowercase hex digits (the guard's), kept as its 256 bits. */
  private static final class Sha256Done extends HexDone {
    static final String PREFIX = "sha256:";

    Sha256Done(long h0, long h1, long h2, long h3, Object outcome, long expiresAt) {
      super(h0, h1, h2, h3, outcome, expiresAt);
    }

    @Override
    boolean sameFingerprint(String other) {
      return other.startsWith(PREFIX) && Hex.matches(other, 7, h0, h1, h2, h3);
    }
  }

  /** Completed with any other fingerprint, kept as given. */
  private static final class TextDone extends Done {
    final String fingerprint;

    TextDone(String fingerprint, Object outcome, long expiresAt) {
      super(outcome, expiresAt);
      this.fingerprint = fingerprint;
    }

    @Override
    boolean sameFingerprint(String other) {
      return fingerprint.equals(other);
    }
  }
}
