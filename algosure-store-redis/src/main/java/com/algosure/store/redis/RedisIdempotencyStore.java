package com.algosure.store.redis;

import static com.algosure.authz.internal.Options.once;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.IdempotencyTenantFullException;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.OutcomeSummary;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Idempotency records in Redis, shared by every instance of a service. One record per key (tenant +
 * provider + action + caller's key, hashed into the Redis key name): a hash holding the state (in flight or
 * completed), the request fingerprint, the owner token of the claim, its logical expiry and, once completed,
 * the encoded outcome.
 *
 * <ul>
 *   <li>{@link #claim}, {@link #complete} and {@link #release} are each one atomic {@code EVALSHA}: concurrent
 *       claims of a key, from any number of instances, see exactly one {@code Claimed}; the owner holding a key
 *       that claims it again (retrying a claim whose reply was lost) is answered {@code Claimed} again, its claim's
 *       expiry unchanged;
 *   <li>only the owner of an unexpired claim may complete or release it: a claim that expired (and was perhaps
 *       claimed again by someone else) is never completed or released by its old owner;
 *   <li>a completed record replays its stored outcome until its time to live ends; a reused key with another
 *       fingerprint is a {@code FingerprintMismatch};
 *   <li>{@link #awaitCompletion} polls the record (one {@code HMGET} per poll, backing off) until it
 *       completes, is released or the wait ends.
 * </ul>
 *
 * <p>Expiry follows the store's {@link Clock} (logical expiry in the record), and Redis drops records a
 * minute after it ({@code PEXPIRE}). Instances must keep their clocks synchronized (NTP). A time to live reaching
 * past 9999-12-31T23:59:59.999Z keeps the record until then.
 *
 * <p>Outcomes are stored through a codec; the default keeps a summary (kind, reason, attempts, status, safe
 * fields, evidence and escalation references, never the accepted value, the request or its payload) and
 * replays it as an unmodifiable {@code Map<String, Object>}, for which the guard answers a duplicate with
 * {@code DUPLICATE_COMPLETED} and no second call. A host that wants the first {@code IntegrationOutcome}
 * itself replayed supplies a codec that can rebuild what the guard completes keys with (a
 * {@code StoredOutcome}).
 *
 * <p>For idempotency to survive a Redis restart, run Redis with persistence (AOF); without it, a restart
 * forgets every record and a resubmitted key would be sent again. For the same reason Redis must never evict:
 * {@link Builder#build()} refuses a Redis whose {@code maxmemory-policy} is not {@code noeviction} while a
 * {@code maxmemory} is set (where Redis does not allow {@code CONFIG GET}, it logs a warning instead).
 *
 * <p>Every tenant shares the Redis, and a Redis that may not evict refuses every write once it is full: so each tenant
 * holds at most {@code maximumKeysPerTenant} live keys (in flight, or completed and not yet expired; default
 * {@link #DEFAULT_MAXIMUM_KEYS_PER_TENANT}, the in-memory store's), and a claim of a new key of a tenant at its bound
 * throws {@link IdempotencyTenantFullException} (the guard fails that call closed with
 * {@code IDEMPOTENCY_TENANT_LIMIT}, the callback guard asks for redelivery) while other tenants' keys are still
 * taken. Without it one tenant's flood of fresh keys, or its heavy use within the time to live, would fill Redis's
 * {@code maxmemory} and fail every tenant's claims. The count is exact across instances: each tenant has a sorted set
 * of its records (score: the record's logical expiry), written in the same script as the record by the claim, the
 * completion (which moves the score with a new time to live) and the release (which removes it); the claim counts the
 * members not yet expired ({@code ZCOUNT}, before it writes anything, so a refused claim writes nothing) and prunes
 * the expired ones, and the set expires with its longest-lived record. A claim of a new key adds {@code O(log n)}
 * work in Redis for a tenant holding {@code n} keys, and each key about 130 bytes of memory (its set member). A
 * tenant's records and its set share a hash tag (the tenant's hash), so every script's keys share a Redis Cluster
 * slot; a tenant's keys are therefore held by one shard. Several tenants together can still fill Redis: size
 * {@code maxmemory} for the tenants times their bound (a record takes a few hundred bytes with its outcome, about
 * 660 with the default summary of an accepted call, and its set member about 130).
 *
 * <p>A Redis failure or timeout throws {@link RedisStoreException}; the guard then sends nothing
 * ({@code IDEMPOTENCY_UNAVAILABLE}), and a completion that fails leaves the claim in flight until its TTL,
 * so a duplicate never causes a second effect. Thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

  static final Script CLAIM = Script.load("claim");
  static final Script COMPLETE = Script.load("complete");
  static final Script RELEASE = Script.load("release");
  /** How long Redis keeps a record after its logical expiry. */
  private static final Duration GRACE = Duration.ofMinutes(1);
  /**
   * The latest logical expiry a record gets (9999-12-31T23:59:59.999Z, epoch ms): a longer time to live (a "keep
   * it forever") keeps the record until then. Below 2^53, so exact as a Lua number, and within what PEXPIRE takes.
   */
  static final long LATEST_EXPIRY = 253_402_300_799_999L;

  /**
   * How many live keys one tenant holds at most unless told otherwise: the in-memory store's
   * ({@link InMemoryIdempotencyStore#DEFAULT_MAXIMUM_KEYS_PER_TENANT}, 100,000, with the same meaning as Spring's
   * {@code algosure.idempotency.maximum-keys-per-tenant}, which configures only the in-memory store: a host that
   * defines this store as its bean sets the bound on the builder). Here it bounds the tenant across every instance,
   * where in memory it bounds it in each. A tenant at its bound takes about 80 MB of Redis memory (records with the
   * default outcome summary, and its set).
   */
  public static final long DEFAULT_MAXIMUM_KEYS_PER_TENANT = InMemoryIdempotencyStore.DEFAULT_MAXIMUM_KEYS_PER_TENANT;

  private final RedisStoreConnection redis;
  private final Clock clock;
  private final Function<Object, String> encoder;
  private final Function<String, Object> decoder;
  private final Duration pollInterval;
  private final long maximumKeysPerTenant;

  private RedisIdempotencyStore(Builder b) {
    this.redis = Objects.requireNonNull(b.redis);
    this.clock = Objects.requireNonNull(b.clock);
    this.encoder = Objects.requireNonNull(b.encoder);
    this.decoder = Objects.requireNonNull(b.decoder);
    this.pollInterval = Objects.requireNonNull(b.pollInterval);
    this.maximumKeysPerTenant = Objects.requireNonNull(b.maximumKeysPerTenant);
    redis.load(CLAIM, COMPLETE, RELEASE);
    redis.requireNoEviction("an evicted idempotency record lets a duplicate be sent again");
  }

  /**
   * A new builder.
   *
   * @param redis the connection (shared with other stores; not closed by this store)
   * @return the builder
   */
  public static Builder builder(RedisStoreConnection redis) {
    return new Builder(Objects.requireNonNull(redis, "redis"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws IdempotencyTenantFullException if the key is new (or expired) and its tenant holds
   *     {@code maximumKeysPerTenant} live keys; nothing was written
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout, or a stored
   *     outcome could not be decoded
   */
  @Override
  public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(owner, "owner");
    Names n = names(key);
    long now = clock.millis();
    long ttlMillis = live(now, ttl);
    List<Object> r = redis.eval(CLAIM, ScriptOutputType.MULTI, n.keys(), fingerprint, owner, Long.toString(now),
        Long.toString(now + ttlMillis), Long.toString(ttlMillis + GRACE.toMillis()), n.member(),
        Long.toString(maximumKeysPerTenant));
    String answer = String.valueOf(r.get(0));
    switch (answer) {
      case "CLAIMED":
        return ClaimResult.claimed();
      case "MISMATCH":
        return ClaimResult.fingerprintMismatch();
      case "IN_FLIGHT":
        return ClaimResult.inFlight();
      case "COMPLETED":
        return new ClaimResult.Completed(decode(r.size() > 1 ? r.get(1) : null));
      case "TENANT_FULL":
        throw tenantFull(key.tenant());
      default:
        throw new RedisStoreException("claim script answered '" + answer + "'; the scripts in Redis do not match this store");
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   */
  @Override
  public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(outcome, "outcome");
    long now = clock.millis();
    long ttlMillis = live(now, ttl);
    String encoded = Objects.requireNonNull(encoder.apply(outcome), "the outcome encoder returned null");
    Names n = names(key);
    Long done = redis.eval(COMPLETE, ScriptOutputType.INTEGER, n.keys(), owner, Long.toString(now),
        Long.toString(now + ttlMillis), encoded, Long.toString(ttlMillis + GRACE.toMillis()), n.member(),
        Long.toString(GRACE.toMillis()));
    return done != null && done == 1L;
  }

  /**
   * {@inheritDoc}
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   */
  @Override
  public boolean release(IdempotencyKey key, String owner) {
    Objects.requireNonNull(owner, "owner");
    Names n = names(key);
    Long done = redis.eval(RELEASE, ScriptOutputType.INTEGER, n.keys(), owner, Long.toString(clock.millis()), n.member(),
        Long.toString(GRACE.toMillis()));
    return done != null && done == 1L;
  }

  /**
   * Polls the record (one {@code HMGET} each time; first after {@code pollInterval}, then backing off to eight
   * times that) until it completes, disappears (released or expired) or {@code maxWait} passes.
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   * @throws InterruptedException if the thread was interrupted, before or while waiting (also during a poll)
   */
  @Override
  public Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    String record = recordKey(key);
    long deadline = System.nanoTime() + maxWait.toNanos();
    long interval = pollInterval.toNanos();
    while (true) {
      List<KeyValue<String, String>> r;
      try {
        r = redis.hmget(record, "s", "e", "o");
      } catch (RedisStoreException e) {
        // an interrupted thread's poll fails in Lettuce ("refused HMGET"), which sets the flag again: say what it was
        if (Thread.interrupted()) {
          throw interrupted(e);
        }
        throw e;
      }
      String state = value(r, 0);
      String expiry = value(r, 1);
      if (state == null || expiry == null || Long.parseLong(expiry) <= clock.millis()) {
        return Optional.empty();
      }
      if ("C".equals(state)) {
        return Optional.of(decode(value(r, 2)));
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      LockSupport.parkNanos(Math.min(left, interval));
      // back off (up to 8 intervals) so that many waiters do not flood Redis with polls
      interval = Math.min(interval * 2, pollInterval.toNanos() * 8);
      if (Thread.interrupted()) {
        throw interrupted(null);
      }
    }
  }

  private IdempotencyTenantFullException tenantFull(TenantId tenant) {
    return new IdempotencyTenantFullException("tenant '" + tenant.value() + "' holds its maximum of "
        + maximumKeysPerTenant + " live keys in the Redis idempotency store (in flight or completed within their time"
        + " to live), so its new key is refused rather than letting one tenant fill Redis for every other; other"
        + " tenants are still served: raise maximumKeysPerTenant (RedisIdempotencyStore.builder(redis)"
        + ".maximumKeysPerTenant(n)), or shorten the time to live (ProviderPolicy idempotencyTtl, CallbackGuard"
        + " dedupeTtl)", tenant.value(), maximumKeysPerTenant, Long.MAX_VALUE);
  }

  private static InterruptedException interrupted(@Nullable Exception cause) {
    InterruptedException e = new InterruptedException("interrupted while waiting for an idempotency key to complete");
    e.initCause(cause);
    return e;
  }

  private static @Nullable String value(List<KeyValue<String, String>> r, int i) {
    KeyValue<String, String> kv = r.size() > i ? r.get(i) : null;
    return kv == null || !kv.hasValue() ? null : kv.getValue();
  }

  private Object decode(@Nullable Object stored) {
    if (stored == null) {
      throw new RedisStoreException("a completed idempotency record holds no outcome; it was not written by this store");
    }
    try {
      return Objects.requireNonNull(decoder.apply(stored.toString()), "the outcome decoder returned null");
    } catch (RuntimeException e) {
      throw new RedisStoreException("a completed idempotency record's outcome could not be decoded ("
          + e.getClass().getSimpleName() + "); check the store's outcome codec", e);
    }
  }

  /**
   * @return the time to live in whole milliseconds, rounded up (rounded down, a record expired before its time to
   *     live), cut to end at {@link #LATEST_EXPIRY}: {@code now + ttl} of a very long TTL overflowed (a claim expired
   *     at once and a second owner claimed the key) or was past what Redis takes
   */
  private static long live(long now, Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least 1 millisecond, was " + ttl);
    }
    long longest = Math.max(1, LATEST_EXPIRY - now);
    return ttl.compareTo(Duration.ofMillis(longest)) >= 0 ? longest : ttl.plusNanos(999_999).toMillis();
  }

  /** @return how many live keys one tenant holds at most before the store refuses that tenant's new ones */
  public long maximumKeysPerTenant() {
    return maximumKeysPerTenant;
  }

  /**
   * The key's names: its record's member in its tenant's set (the hash of tenant, provider, action and key) and,
   * under the tenant's hash tag (one Redis Cluster slot for both), the record and the tenant's set.
   */
  private Names names(IdempotencyKey key) {
    Objects.requireNonNull(key, "key");
    String tenant = tenantTag(key.tenant());
    String member = Keys.hash(key.tenant().value(), key.provider().value(), key.action(), key.key());
    return new Names(tenant + ":" + member, tenant + ":keys", member);
  }

  private String tenantTag(TenantId tenant) {
    return Keys.tagged(redis.keyPrefix(), "idem", tenant.value());
  }

  String recordKey(IdempotencyKey key) {
    return names(key).record();
  }

  /** @return the name of the tenant's set of live keys (member: the record's hash, score: its logical expiry) */
  String tenantKey(TenantId tenant) {
    return tenantTag(tenant) + ":keys";
  }

  private record Names(String record, String tenantKeys, String member) {
    String[] keys() {
      return new String[] {record, tenantKeys};
    }
  }

  @Override
  public String toString() {
    return "RedisIdempotencyStore[" + redis + ", pollInterval " + pollInterval + ", maximumKeysPerTenant "
        + maximumKeysPerTenant + "]";
  }

  /** Builds a {@link RedisIdempotencyStore}. Each option may be set once; all have defaults. Not thread-safe. */
  public static final class Builder {
    private final RedisStoreConnection redis;
    private @Nullable Clock clock;
    private @Nullable Function<Object, String> encoder;
    private @Nullable Function<String, Object> decoder;
    private @Nullable Duration pollInterval;
    private @Nullable Long maximumKeysPerTenant;

    private Builder(RedisStoreConnection redis) {
      this.redis = redis;
    }

    /**
     * @param clock the clock for claims' and records' expiry (default: the UTC system clock)
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How outcomes are stored and replayed (default: a summary without the accepted value, the request or its
     * payload, replayed as an unmodifiable {@code Map<String, Object>}).
     *
     * @param encoder turns an outcome into the text stored in Redis; it must not store secrets or raw personal
     *     data
     * @param decoder turns stored text back into the outcome a duplicate receives
     * @return this builder
     */
    public Builder outcomeCodec(Function<Object, String> encoder, Function<String, Object> decoder) {
      once(this.encoder, "outcomeCodec");
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /**
     * @param interval how often {@link #awaitCompletion} looks at an in-flight record, 1 ms to 1 second
     *     (default 10 ms)
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      once(this.pollInterval, "pollInterval");
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("pollInterval must be between 1 ms and 1 second, was " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /**
     * How many live keys (in flight, or completed within their time to live) one tenant holds at most (default
     * {@link #DEFAULT_MAXIMUM_KEYS_PER_TENANT}); at that bound a new key of the tenant is refused
     * ({@link IdempotencyTenantFullException}) while other tenants' keys are still taken. Size it for one tenant's
     * call rate times the idempotency time to live, and Redis's {@code maxmemory} for the tenants times this bound.
     *
     * @param maximum at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maximum} is below 1
     * @throws IllegalStateException if it was already set
     */
    public Builder maximumKeysPerTenant(long maximum) {
      once(this.maximumKeysPerTenant, "maximumKeysPerTenant");
      if (maximum < 1) {
        throw new IllegalArgumentException("maximumKeysPerTenant must be at least 1, was " + maximum);
      }
      this.maximumKeysPerTenant = maximum;
      return this;
    }

    /**
     * @return the store
     * @throws RedisStoreException if the scripts could not be loaded, or Redis evicts keys when it reaches
     *     {@code maxmemory} (its {@code maxmemory-policy} is not {@code noeviction})
     */
    public RedisIdempotencyStore build() {
      Builder s = new Builder(redis);
      s.clock = clock == null ? Clock.systemUTC() : clock;
      s.encoder = encoder == null ? OutcomeSummary::encode : encoder;
      s.decoder = decoder == null ? OutcomeSummary::decode : decoder;
      s.pollInterval = pollInterval == null ? Duration.ofMillis(10) : pollInterval;
      s.maximumKeysPerTenant = maximumKeysPerTenant == null ? DEFAULT_MAXIMUM_KEYS_PER_TENANT : maximumKeysPerTenant;
      return new RedisIdempotencyStore(s);
    }
  }
}
