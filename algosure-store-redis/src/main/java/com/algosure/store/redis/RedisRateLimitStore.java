package com.algosure.store.redis;

import com.algosure.audit.AuditIds;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Rate-limit state in Redis, shared by every instance of a service: per key (tenant × provider, or
 * provider-wide) a sliding window of the permits taken, and the pause a provider asked for ({@code 429} with
 * {@code Retry-After}), which stops every instance's calls for that key until it ends.
 *
 * <p>The limit is a sliding window: at most {@code permits} permits in <em>any</em> window of {@code period}
 * (half-open, {@code (t - period, t]}), across all instances; a burst of up to {@code permits} is allowed. The
 * window counts whole milliseconds of the Redis server's clock, so a period with a fraction of a millisecond is
 * rounded up to the next whole one.
 * This is stricter than a token bucket of the same size, which lets up to {@code 2 * permits - 1} calls
 * through in one period-long window. The window is one sorted set of at most {@code permits} entries per key.
 *
 * <p>{@link #acquire} is one atomic {@code EVALSHA} that checks the pause and takes a permit; {@link #pause}
 * is one {@code EVALSHA} that only ever extends a pause; {@link #pausedUntil} is one {@code GET}. The window
 * is measured by the Redis server's clock ({@code TIME}), so every instance shares one clock and permits are
 * ordered exactly as Redis runs them: a caller whose own clock reading is a few milliseconds old (a busy
 * machine) cannot slip past the limit. Pauses are compared with the guard's clock ({@code now} of each call),
 * since their ends come from it; the {@code retryAt} of an exhausted limit is in Redis time. Keep the
 * instances' and Redis's clocks synchronized (NTP).
 *
 * <p>Redis must never evict: an evicted window or pause lets calls past the limit, so {@link #create} refuses a
 * Redis whose {@code maxmemory-policy} is not {@code noeviction} while a {@code maxmemory} is set.
 *
 * <p>A Redis failure or timeout throws {@link RedisStoreException}; the guard then sends nothing
 * ({@code RATE_LIMIT_UNAVAILABLE}, or our own limit exhausted for a retry's permit).
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class RedisRateLimitStore implements RateLimitStore {

  static final Script ACQUIRE = Script.load("acquire");
  static final Script PAUSE = Script.load("pause");
  /** How long Redis keeps a pause key after the pause ended. */
  private static final Duration PAUSE_GRACE = Duration.ofMinutes(1);

  private final RedisStoreConnection redis;
  private final Clock clock;

  private RedisRateLimitStore(RedisStoreConnection redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
    redis.load(ACQUIRE, PAUSE);
    redis.requireNoEviction("an evicted window or pause lets calls past the rate limit");
  }

  /**
   * A store on a connection, using the UTC system clock for how long Redis keeps pause keys.
   *
   * @param redis the connection (shared with other stores; not closed by this store)
   * @return the store
   * @throws RedisStoreException if the scripts could not be loaded, or Redis evicts keys when it reaches
   *     {@code maxmemory} (its {@code maxmemory-policy} is not {@code noeviction})
   */
  public static RedisRateLimitStore create(RedisStoreConnection redis) {
    return create(redis, Clock.systemUTC());
  }

  /**
   * A store on a connection.
   *
   * @param redis the connection (shared with other stores; not closed by this store)
   * @param clock the clock that bounds how long Redis keeps pause keys (the guard's clock)
   * @return the store
   * @throws RedisStoreException if the scripts could not be loaded, or Redis evicts keys when it reaches
   *     {@code maxmemory} (its {@code maxmemory-policy} is not {@code noeviction})
   */
  public static RedisRateLimitStore create(RedisStoreConnection redis, Clock clock) {
    return new RedisRateLimitStore(Objects.requireNonNull(redis, "redis"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   */
  @Override
  public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
    return acquireTimed(key, limit, now).decision();
  }

  /** {@link #acquire}, and for a granted permit the Redis time it was granted at (for measurements). */
  Acquired acquireTimed(RateLimitKey key, RateLimit limit, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(now, "now");
    List<Object> r = redis.eval(ACQUIRE, ScriptOutputType.MULTI, new String[] {windowKey(key), pauseKey(key)},
        Long.toString(now.toEpochMilli()), Long.toString(limit.permits()), Long.toString(periodMillis(limit.period())),
        AuditIds.next());
    long code = number(r.get(0));
    Instant at = Instant.ofEpochMilli(number(r.get(1)));
    if (code == 0) {
      return new Acquired(RateLimitDecision.granted(), at);
    }
    return new Acquired(code == 1 ? new RateLimitDecision.Paused(at) : new RateLimitDecision.Exhausted(at), at);
  }

  /**
   * @return the period in whole milliseconds (Redis's window resolution), rounded up: rounded down, a period of
   *     1.999 ms was a window of 1 ms and let nearly twice the permits through
   */
  private static long periodMillis(Duration period) {
    long millis = period.toMillis();
    return period.compareTo(Duration.ofMillis(millis)) > 0 ? millis + 1 : millis;
  }

  /** A decision and the instant it carries (for a grant: when Redis granted it). */
  record Acquired(RateLimitDecision decision, Instant at) {}

  /**
   * {@inheritDoc}
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   */
  @Override
  public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
    Objects.requireNonNull(now, "now");
    String until = redis.get(pauseKey(Objects.requireNonNull(key, "key")));
    if (until == null) {
      return Optional.empty();
    }
    Instant at = Instant.ofEpochMilli(Long.parseLong(until));
    return at.isAfter(now) ? Optional.of(at) : Optional.empty();
  }

  /**
   * {@inheritDoc}
   *
   * @throws RedisStoreException if Redis failed or did not answer within the command timeout
   */
  @Override
  public void pause(RateLimitKey key, Instant until) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(until, "until");
    long keepMillis = Math.max(1, Duration.between(clock.instant(), until).plus(PAUSE_GRACE).toMillis());
    redis.eval(PAUSE, ScriptOutputType.INTEGER, new String[] {pauseKey(key)}, Long.toString(until.toEpochMilli()),
        Long.toString(keepMillis));
  }

  private String base(RateLimitKey key) {
    return Keys.tagged(redis.keyPrefix(), "rl", key.provider().value(), key.tenant().map(TenantId::value).orElse("*"));
  }

  String windowKey(RateLimitKey key) {
    return base(key) + ":window";
  }

  String pauseKey(RateLimitKey key) {
    return base(key) + ":pause";
  }

  private static long number(@Nullable Object o) {
    if (o instanceof Number n) {
      return n.longValue();
    }
    if (o instanceof String s) {
      return Long.parseLong(s);
    }
    throw new RedisStoreException("rate-limit script answered " + (o == null ? "nothing" : o.getClass().getSimpleName())
        + " where a number was expected");
  }

  @Override
  public String toString() {
    return "RedisRateLimitStore[" + redis + "]";
  }
}
