package com.algosure.store.jdbc;

import static com.algosure.authz.internal.Options.once;

import com.algosure.integration.spi.OutcomeSummary;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Idempotency records in PostgreSQL, for hosts without Redis; shared by every instance using the database.
 * One row per key (tenant + provider + action + caller's key; the caller's key is stored only as part of a
 * SHA-256 hash) holding the state (in flight or completed), the request fingerprint, the owner token of the
 * claim, its logical expiry and, once completed, the encoded outcome.
 *
 * <ul>
 *   <li>{@link #claim} is one statement ({@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING}: a new or expired
 *       row becomes the claim, a live one is returned as it is), so it answers even while other instances keep
 *       taking the key over: concurrent claims of a key, from any number of instances, see exactly one
 *       {@code Claimed}; the owner holding a key that claims it again (retrying a claim
 *       whose reply was lost) is answered {@code Claimed} again, its claim's expiry unchanged;
 *   <li>{@link #complete} and {@link #release} are one conditional {@code UPDATE}/{@code DELETE} each: only the
 *       owner of an unexpired claim may complete or release it, so a claim that expired (and was perhaps claimed
 *       again) is never completed or released by its old owner;
 *   <li>{@link #awaitCompletion} polls the row (backing off) until it completes, disappears or the wait ends.
 * </ul>
 *
 * <p>Expiry follows the store's {@link Clock} (a time to live reaching past 9999-12-31T23:59:59.999Z keeps the record
 * until then), not the database's: each instance judges expiry by its own clock, so an instance whose clock runs
 * ahead by some seconds takes over another's claim that many seconds early. Keep the instances' clocks synchronized
 * (NTP) and claims' time to live well above their skew. Expired rows are as good as absent and are deleted by
 * {@link #purgeExpired()}, which the host schedules. Outcomes are stored through a codec; the default keeps a
 * summary (kind, reason, attempts, status, safe fields, evidence and escalation references; never the accepted
 * value, the request or its payload) replayed as an unmodifiable {@code Map<String, Object>}.
 *
 * <p>A database failure or timeout throws {@link JdbcStoreException}; the guard then sends nothing
 * ({@code IDEMPOTENCY_UNAVAILABLE}). Every statement is bounded by {@code queryTimeout}. The schema is
 * {@code META-INF/algosure/jdbc/V3__idempotency.sql}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

  /** The schema script this store needs, under {@code META-INF/algosure/jdbc/}. */
  public static final String SCHEMA_SCRIPT = "V3__idempotency.sql";

  /**
   * The latest logical expiry a record gets: a longer time to live (a "keep it forever") keeps the record until
   * then, where {@code now + ttl} overflowed or was past what PostgreSQL's {@code timestamptz} holds.
   */
  static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59.999Z");

  /** The most expired records one statement of {@link #purgeExpired()} deletes. */
  static final int PURGE_BATCH = 1000;

  private final DataSource dataSource;
  private final SqlSchema schema;
  private final Clock clock;
  private final Duration queryTimeout;
  private final Duration pollInterval;
  private final Function<Object, String> encoder;
  private final Function<String, Object> decoder;
  private final String claim;
  private final String complete;
  private final String release;
  private final String read;
  private final String purge;

  private JdbcIdempotencyStore(Builder b) {
    this.dataSource = b.dataSource;
    this.schema = Objects.requireNonNull(b.schema);
    this.clock = Objects.requireNonNull(b.clock);
    this.queryTimeout = Objects.requireNonNull(b.queryTimeout);
    this.pollInterval = Objects.requireNonNull(b.pollInterval);
    this.encoder = Objects.requireNonNull(b.encoder);
    this.decoder = Objects.requireNonNull(b.decoder);
    String t = schema.table("algosure_idempotency");
    // One statement, one row back, whoever else claims the key meanwhile: a new or expired row becomes this claim, any
    // other row is updated to itself and returned as it is now. (With DO UPDATE ... WHERE expired, a claim committed
    // after this statement's snapshot was neither updated nor visible to it: the claim had to run again, and under
    // load failed after its retries.)
    String expired = "r.expires_at <= ?";
    this.claim = "INSERT INTO " + t + " AS r (key_hash, tenant, provider, action, state, fingerprint, owner, expires_at,"
        + " outcome) VALUES (?, ?, ?, ?, 'I', ?, ?, ?, NULL) ON CONFLICT (key_hash) DO UPDATE SET"
        + " state = CASE WHEN " + expired + " THEN 'I' ELSE r.state END,"
        + " fingerprint = CASE WHEN " + expired + " THEN EXCLUDED.fingerprint ELSE r.fingerprint END,"
        + " owner = CASE WHEN " + expired + " THEN EXCLUDED.owner ELSE r.owner END,"
        + " outcome = CASE WHEN " + expired + " THEN NULL ELSE r.outcome END,"
        + " expires_at = CASE WHEN " + expired + " THEN EXCLUDED.expires_at ELSE r.expires_at END"
        + " RETURNING state, fingerprint, owner, outcome";
    this.complete = "UPDATE " + t + " SET state = 'C', outcome = ?, expires_at = ? WHERE key_hash = ? AND state = 'I'"
        + " AND owner = ? AND expires_at > ?";
    this.release = "DELETE FROM " + t + " WHERE key_hash = ? AND state = 'I' AND owner = ? AND expires_at > ?";
    this.read = "SELECT state, expires_at, outcome FROM " + t + " WHERE key_hash = ?";
    // One bounded batch per statement, found through the expires_at index: one DELETE of every expired row could outlast
    // queryTimeout on a big or slow table, fail on every run and let the table grow without bound. Rows another call
    // holds (a claim taking an expired key over) are skipped, not waited for; the next run deletes them if still expired.
    this.purge = "DELETE FROM " + t + " WHERE key_hash IN (SELECT key_hash FROM " + t + " WHERE expires_at <= ? LIMIT "
        + PURGE_BATCH + " FOR UPDATE SKIP LOCKED) AND expires_at <= ?";
  }

  /**
   * A new builder.
   *
   * @param dataSource where the records are: a pool of its own or the host's, but not one bound to the caller's transaction
   *     (each claim must be visible to other instances at once); connections that do not auto-commit are switched
   *     to it
   * @return the builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Creates the table and index of {@link #SCHEMA_SCRIPT} (and the schema, where one is configured) if they do not
   * exist. Idempotent; or apply the script with your migration tool instead.
   *
   * @throws SchemaInitializationException if the script could not be applied
   */
  public void initialize() {
    schema.apply(dataSource, SCHEMA_SCRIPT, queryTimeout);
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database failed or did not answer within {@code queryTimeout}, or a stored
   *     outcome could not be decoded
   */
  @Override
  public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(owner, "owner");
    Duration live = positive(ttl);
    String hash = hash(key);
    String[] row;
    try {
      row = claimRow(key, hash, fingerprint, owner, live);
    } catch (SQLException e) {
      throw failure("claim", e);
    }
    if (!row[1].equals(fingerprint)) {
      return ClaimResult.fingerprintMismatch();
    }
    if ("I".equals(row[0])) {
      return row[2].equals(owner) ? ClaimResult.claimed() : ClaimResult.inFlight();
    }
    return new ClaimResult.Completed(decode(row[3]));
  }

  /** The claim statement; again, at READ COMMITTED, after a serialization failure (see {@link Statements}). */
  private String[] claimRow(IdempotencyKey key, String hash, String fingerprint, String owner, Duration ttl)
      throws SQLException {
    return Statements.run(dataSource, queryTimeout, claim, ps -> {
      Instant now = clock.instant();
      ps.setString(1, hash);
      ps.setString(2, key.tenant().value());
      ps.setString(3, key.provider().value());
      ps.setString(4, key.action());
      ps.setString(5, fingerprint);
      ps.setString(6, owner);
      ps.setObject(7, utc(expiry(now, ttl)), Types.TIMESTAMP_WITH_TIMEZONE);
      for (int i = 8; i <= 12; i++) {
        ps.setObject(i, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("the claim statement returned no row; check the table " + schema.table("algosure_idempotency")
              + " is the one of " + SCHEMA_SCRIPT);
        }
        return new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)};
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database failed or did not answer within {@code queryTimeout}
   */
  @Override
  public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(outcome, "outcome");
    Duration live = positive(ttl);
    String encoded = Objects.requireNonNull(encoder.apply(outcome), "the outcome encoder returned null");
    Instant now = clock.instant();
    return update(complete, "complete", ps -> {
      ps.setString(1, encoded);
      ps.setObject(2, utc(expiry(now, live)), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setString(3, hash(key));
      ps.setString(4, owner);
      ps.setObject(5, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
    }) == 1;
  }

  /**
   * {@inheritDoc}
   *
   * @throws JdbcStoreException if the database failed or did not answer within {@code queryTimeout}
   */
  @Override
  public boolean release(IdempotencyKey key, String owner) {
    Objects.requireNonNull(owner, "owner");
    Instant now = clock.instant();
    return update(release, "release", ps -> {
      ps.setString(1, hash(key));
      ps.setString(2, owner);
      ps.setObject(3, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
    }) == 1;
  }

  /**
   * Polls the row (one query each time; first after {@code pollInterval}, then backing off to eight times that)
   * until it completes, disappears (released or expired) or {@code maxWait} passes.
   *
   * @throws JdbcStoreException if the database failed or did not answer within {@code queryTimeout}
   * @throws InterruptedException if the thread was interrupted, before or while waiting (also during a poll)
   */
  @Override
  public Optional<Object> awaitCompletion(IdempotencyKey key, Duration maxWait) throws InterruptedException {
    Objects.requireNonNull(maxWait, "maxWait");
    String hash = hash(key);
    long deadline = System.nanoTime() + maxWait.toNanos();
    long interval = pollInterval.toNanos();
    while (true) {
      try (Connection c = Connections.autoCommitting(dataSource); PreparedStatement ps = c.prepareStatement(read)) {
        ps.setQueryTimeout(QueryTimeout.seconds(queryTimeout));
        ps.setString(1, hash);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || !rs.getObject(2, OffsetDateTime.class).toInstant().isAfter(clock.instant())) {
            return Optional.empty();
          }
          if ("C".equals(rs.getString(1))) {
            return Optional.of(decode(rs.getString(3)));
          }
        }
      } catch (SQLException e) {
        // an interrupted thread's poll fails in the pool or driver ("check the database is reachable"), which sets
        // the flag again: say what it was
        if (Thread.interrupted()) {
          throw interrupted(e);
        }
        throw failure("read", e);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      LockSupport.parkNanos(Math.min(left, interval));
      interval = Math.min(interval * 2, pollInterval.toNanos() * 8);
      if (Thread.interrupted()) {
        throw interrupted(null);
      }
    }
  }

  private static InterruptedException interrupted(@Nullable Exception cause) {
    InterruptedException e = new InterruptedException("interrupted while waiting for an idempotency key to complete");
    e.initCause(cause);
    return e;
  }

  /**
   * Deletes every record whose logical expiry has passed (by the store's clock) when the call began, in batches of
   * at most 1,000 records, each one statement of its own (auto-committed, bounded by {@code queryTimeout}), until
   * none is left; so a big backlog is worked off however long it takes in all. Records another call holds at that
   * moment are skipped and left for the next run. Schedule it (hourly, say); expired records are ignored anyway.
   *
   * @return how many records were deleted ({@link Integer#MAX_VALUE} if more)
   * @throws JdbcStoreException if the database failed or a batch did not finish within {@code queryTimeout}; the
   *     batches before it stay deleted (the message says how many records)
   */
  public int purgeExpired() {
    Instant now = clock.instant();
    long total = 0;
    while (true) {
      int deleted;
      try {
        deleted = update(purge, "purge", ps -> {
          ps.setObject(1, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
          ps.setObject(2, utc(now), Types.TIMESTAMP_WITH_TIMEZONE);
        });
      } catch (JdbcStoreException e) {
        if (total == 0) {
          throw e;
        }
        throw new JdbcStoreException(e.getMessage() + " (after " + total + " expired records were deleted)", e.getCause());
      }
      total += deleted;
      if (deleted < PURGE_BATCH) {
        return (int) Math.min(total, Integer.MAX_VALUE);
      }
    }
  }

  /** Runs one conditional statement; again, at READ COMMITTED, after a serialization failure (see {@link Statements}). */
  private int update(String sql, String what, JdbcConsentRegistry.Binder binder) {
    try {
      return Statements.run(dataSource, queryTimeout, sql, ps -> {
        binder.bind(ps);
        return ps.executeUpdate();
      });
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private JdbcStoreException failure(String what, SQLException e) {
    return new JdbcStoreException("idempotency " + what + " failed in schema " + schema + " (SQL state " + e.getSQLState()
        + "); check the database is reachable and the schema is initialized", e);
  }

  private Object decode(@Nullable String stored) {
    if (stored == null) {
      throw new JdbcStoreException("a completed idempotency record holds no outcome; it was not written by this store");
    }
    try {
      return Objects.requireNonNull(decoder.apply(stored), "the outcome decoder returned null");
    } catch (RuntimeException e) {
      throw new JdbcStoreException("a completed idempotency record's outcome could not be decoded ("
          + e.getClass().getSimpleName() + "); check the store's outcome codec", e);
    }
  }

  static String hash(IdempotencyKey key) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
    for (String part : new String[] {key.tenant().value(), key.provider().value(), key.action(), key.key()}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static Instant expiry(Instant now, Duration ttl) {
    return now.isBefore(LATEST_EXPIRY) && ttl.compareTo(Duration.between(now, LATEST_EXPIRY)) < 0 ? now.plus(ttl)
        : LATEST_EXPIRY;
  }

  private static Duration positive(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("ttl must be at least 1 millisecond, was " + ttl);
    }
    return ttl;
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    return "JdbcIdempotencyStore[schema " + schema + ", queryTimeout " + queryTimeout + ", pollInterval " + pollInterval + "]";
  }

  /** Builds a {@link JdbcIdempotencyStore}. Each option may be set once; all have defaults. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable SqlSchema schema;
    private @Nullable Clock clock;
    private @Nullable Duration queryTimeout;
    private @Nullable Duration pollInterval;
    private @Nullable Function<Object, String> encoder;
    private @Nullable Function<String, Object> decoder;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param schema the schema holding the table: a lowercase SQL identifier (default: the search path)
     * @return this builder
     */
    public Builder schema(String schema) {
      once(this.schema, "schema");
      this.schema = SqlSchema.named(Objects.requireNonNull(schema, "schema"));
      return this;
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
     * @param timeout how long one statement may take, 1 second to 5 minutes, in whole seconds (default 2 seconds)
     * @return this builder
     */
    public Builder queryTimeout(Duration timeout) {
      once(this.queryTimeout, "queryTimeout");
      this.queryTimeout = QueryTimeout.check("queryTimeout", timeout);
      return this;
    }

    /**
     * @param interval how often {@link #awaitCompletion} first looks at an in-flight record, 1 ms to 1 second
     *     (default 20 ms)
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
     * How outcomes are stored and replayed (default: a summary without the accepted value, the request or its
     * payload, replayed as an unmodifiable {@code Map<String, Object>}).
     *
     * @param encoder turns an outcome into the text stored; it must not store secrets or raw personal data
     * @param decoder turns stored text back into the outcome a duplicate receives
     * @return this builder
     */
    public Builder outcomeCodec(Function<Object, String> encoder, Function<String, Object> decoder) {
      once(this.encoder, "outcomeCodec");
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /** @return the store; does not touch the database */
    public JdbcIdempotencyStore build() {
      Builder s = new Builder(dataSource);
      s.schema = schema == null ? SqlSchema.searchPath() : schema;
      s.clock = clock == null ? Clock.systemUTC() : clock;
      s.queryTimeout = queryTimeout == null ? Duration.ofSeconds(2) : queryTimeout;
      s.pollInterval = pollInterval == null ? Duration.ofMillis(20) : pollInterval;
      s.encoder = encoder == null ? OutcomeSummary::encode : encoder;
      s.decoder = decoder == null ? OutcomeSummary::decode : decoder;
      return new JdbcIdempotencyStore(s);
    }
  }
}
