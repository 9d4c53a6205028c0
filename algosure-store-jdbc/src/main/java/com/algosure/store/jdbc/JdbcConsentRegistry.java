package com.algosure.store.jdbc;

import static com.algosure.authz.internal.Options.once;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.spi.Consent;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.ConsentStatus;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Approved consents in PostgreSQL: granted, revoked and expiring per tenant, scope, and optionally one
 * organization and one data subject. The guard's {@link #check} is one indexed query per call, never cached,
 * so a revocation takes effect on the next call; among the consents that cover a call, a valid one grants,
 * else a revoked one answers {@code REVOKED}, else an expired one {@code EXPIRED}, else {@code MISSING}.
 *
 * <p>A database failure or timeout throws {@link JdbcStoreException}; the guard then denies the call
 * ({@code CONSENT_UNAVAILABLE}). Every statement is bounded by {@code queryTimeout}.
 *
 * <p>The schema is {@code META-INF/algosure/jdbc/V2__consent.sql}; apply it with your migration tool or
 * {@link #initialize()}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcConsentRegistry implements ConsentRegistry {

  /** The schema script this registry needs, under {@code META-INF/algosure/jdbc/}. */
  public static final String SCHEMA_SCRIPT = "V2__consent.sql";

  private static final String COLUMNS = "id, tenant, organization, subject, scope, granted_at, expires_at, revoked_at";

  private final DataSource dataSource;
  private final SqlSchema schema;
  private final Clock clock;
  private final Duration queryTimeout;
  private final String covering;
  private final String insert;
  private final String revoke;
  private final String byId;
  private final String byTenant;
  private final String byTenantAndScope;

  private JdbcConsentRegistry(Builder b) {
    this.dataSource = b.dataSource;
    this.schema = Objects.requireNonNull(b.schema);
    this.clock = Objects.requireNonNull(b.clock);
    this.queryTimeout = Objects.requireNonNull(b.queryTimeout);
    String table = schema.table("algosure_consent");
    this.covering = "SELECT " + COLUMNS + " FROM " + table + " WHERE tenant = ? AND scope = ?"
        + " AND (organization IS NULL OR organization = ?) AND (subject IS NULL OR subject = ?)";
    this.insert = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    this.revoke = "UPDATE " + table + " SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
    this.byId = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
    this.byTenant = "SELECT " + COLUMNS + " FROM " + table + " WHERE tenant = ? ORDER BY granted_at, id";
    this.byTenantAndScope = "SELECT " + COLUMNS + " FROM " + table + " WHERE tenant = ? AND scope = ? ORDER BY granted_at, id";
  }

  /**
   * A new builder.
   *
   * @param dataSource where the consents are, not bound to the caller's transaction; connections that do not
   *     auto-commit are switched to it
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
   * @throws JdbcStoreException if the database failed or did not answer within {@code queryTimeout}
   */
  @Override
  public ConsentCheck check(ConsentQuery query, Instant now) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(now, "now");
    List<Consent> covering = query(this.covering, "the consents of tenant '" + query.tenant() + "'", ps -> {
      ps.setString(1, query.tenant().value());
      ps.setString(2, query.scope().name());
      ps.setString(3, query.organization().map(OrganizationId::value).orElse(null));
      // a subject PostgreSQL cannot store (a NUL, an unpaired surrogate) has no consent of its own; the tenant's
      // consents for every subject still cover it. Sent as is, it failed the query as if the database were down.
      ps.setString(4, query.subject().filter(StorableText::storable).orElse(null));
    });
    Consent revoked = null;
    Consent expired = null;
    for (Consent c : covering) {
      ConsentStatus s = c.statusAt(now);
      if (s == ConsentStatus.GRANTED) {
        return new ConsentCheck(ConsentStatus.GRANTED, Optional.of(c.id()));
      }
      if (s == ConsentStatus.REVOKED) {
        revoked = c;
      } else if (s == ConsentStatus.EXPIRED) {
        expired = c;
      }
    }
    if (revoked != null) {
      return new ConsentCheck(ConsentStatus.REVOKED, Optional.of(revoked.id()));
    }
    return expired != null ? new ConsentCheck(ConsentStatus.EXPIRED, Optional.of(expired.id())) : ConsentCheck.missing();
  }

  /**
   * Records a consent as given.
   *
   * @param consent the consent (a revocation time in it is recorded too; a time past 9999-12-31T23:59:59.999999Z,
   *     such as {@link Instant#MAX} for "until revoked", is recorded as that time)
   * @return the consent
   * @throws ConsentAlreadyExistsException if its id is taken
   * @throws IllegalArgumentException if its id or subject holds a NUL character or an unpaired surrogate, which
   *     PostgreSQL text cannot store exactly
   * @throws JdbcStoreException if the database failed
   */
  public Consent grant(Consent consent) {
    Objects.requireNonNull(consent, "consent");
    // refused here, naming the field: a NUL failed the insert as if the database were down, and an unpaired surrogate
    // was stored as '?', a consent for another subject than the one given
    if (!StorableText.storable(consent.id())) {
      throw new IllegalArgumentException("consent not recorded: its id holds a NUL character or an unpaired surrogate,"
          + " which PostgreSQL text cannot store exactly");
    }
    if (!consent.subject().map(StorableText::storable).orElse(true)) {
      throw new IllegalArgumentException("consent " + consent.id() + " not recorded: its subject holds a NUL character or"
          + " an unpaired surrogate, which PostgreSQL text cannot store exactly");
    }
    update(insert, "consent " + consent.id(), ps -> {
      ps.setString(1, consent.id());
      ps.setString(2, consent.tenant().value());
      ps.setString(3, consent.organization().map(OrganizationId::value).orElse(null));
      ps.setString(4, consent.subject().orElse(null));
      ps.setString(5, consent.scope().name());
      ps.setObject(6, utc(consent.grantedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(7, utc(consent.expiresAt()), Types.TIMESTAMP_WITH_TIMEZONE);
      // in the same statement: a consent recorded as revoked is never, even for a moment, a valid one
      ps.setObject(8, consent.revokedAt().map(JdbcConsentRegistry::utc).orElse(null), Types.TIMESTAMP_WITH_TIMEZONE);
    }, consent.id());
    return consent;
  }

  /**
   * Records a tenant-wide consent, granted now (by the registry's clock), with a fresh id.
   *
   * @param tenant the tenant
   * @param scope the scope
   * @param expiresAt when it expires
   * @return the consent
   * @throws IllegalArgumentException if it expires before now
   * @throws JdbcStoreException if the database failed
   */
  public Consent grant(TenantId tenant, ConsentScope scope, Instant expiresAt) {
    return grant(new Consent(newId(), tenant, Optional.empty(), Optional.empty(), scope, clock.instant(), expiresAt,
        Optional.empty()));
  }

  /**
   * Records a consent limited to one organization and one data subject, granted now, with a fresh id.
   *
   * @param tenant the tenant
   * @param organization the organization
   * @param subject the data subject
   * @param scope the scope
   * @param expiresAt when it expires
   * @return the consent
   * @throws IllegalArgumentException if it expires before now
   * @throws JdbcStoreException if the database failed
   */
  public Consent grant(TenantId tenant, OrganizationId organization, String subject, ConsentScope scope, Instant expiresAt) {
    return grant(new Consent(newId(), tenant, Optional.of(organization), Optional.of(subject), scope, clock.instant(),
        expiresAt, Optional.empty()));
  }

  /**
   * Revokes a consent now (by the registry's clock); the guard's next check sees it.
   *
   * @param consentId the consent's id
   * @return true if it was revoked, false if there is no such consent (an id holding a NUL character or an unpaired
   *     surrogate included) or it was revoked already
   * @throws JdbcStoreException if the database failed
   */
  public boolean revoke(String consentId) {
    return revoke(Objects.requireNonNull(consentId, "consentId"), clock.instant());
  }

  private boolean revoke(String consentId, Instant at) {
    if (!StorableText.storable(consentId)) {
      return false; // no consent has such an id (grant refuses it); sent, PostgreSQL would read another id
    }
    return update(revoke, "consent " + consentId, ps -> {
      ps.setObject(1, utc(at), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setString(2, consentId);
    }, null) == 1;
  }

  /**
   * @param consentId a consent's id
   * @return the consent, if recorded (never for an id holding a NUL character or an unpaired surrogate)
   * @throws JdbcStoreException if the database failed
   */
  public Optional<Consent> find(String consentId) {
    Objects.requireNonNull(consentId, "consentId");
    if (!StorableText.storable(consentId)) {
      return Optional.empty(); // as in revoke: no consent has such an id, and sent as is it would find another
    }
    return query(byId, "consent " + consentId, ps -> ps.setString(1, consentId)).stream().findFirst();
  }

  /**
   * @param tenant a tenant
   * @return every consent of the tenant (valid, expired and revoked), oldest first
   * @throws JdbcStoreException if the database failed
   */
  public List<Consent> list(TenantId tenant) {
    Objects.requireNonNull(tenant, "tenant");
    return query(byTenant, "the consents of tenant '" + tenant + "'", ps -> ps.setString(1, tenant.value()));
  }

  /**
   * @param tenant a tenant
   * @param scope a scope
   * @return every consent of the tenant for that scope (valid, expired and revoked), oldest first
   * @throws JdbcStoreException if the database failed
   */
  public List<Consent> list(TenantId tenant, ConsentScope scope) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(scope, "scope");
    return query(byTenantAndScope, "the " + scope + " consents of tenant '" + tenant + "'", ps -> {
      ps.setString(1, tenant.value());
      ps.setString(2, scope.name());
    });
  }

  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  private static String newId() {
    return "consent-" + UUID.randomUUID();
  }

  /**
   * @return the time as PostgreSQL stores it, within 0001-01-01 to 9999-12-31T23:59:59.999999Z: a consent "until
   *     revoked" ({@link Instant#MAX}) is recorded until the end of that range, as the idempotency store caps its expiry
   */
  private static OffsetDateTime utc(Instant i) {
    Instant t = i.isAfter(LATEST) ? LATEST : i.isBefore(EARLIEST) ? EARLIEST : i;
    return t.atOffset(ZoneOffset.UTC);
  }

  private List<Consent> query(String sql, String what, Binder binder) {
    try (Connection c = Connections.autoCommitting(dataSource); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setQueryTimeout(QueryTimeout.seconds(queryTimeout));
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        List<Consent> consents = new ArrayList<>();
        while (rs.next()) {
          consents.add(consent(rs));
        }
        return consents;
      }
    } catch (SQLException e) {
      throw new JdbcStoreException("could not read " + what + " in schema " + schema + " (SQL state " + e.getSQLState()
          + "); check the database is reachable and the schema is initialized", e);
    }
  }

  /**
   * One auto-committed statement; again, at READ COMMITTED, after a serialization failure (see {@link Statements}):
   * on a REPEATABLE READ or SERIALIZABLE pool, two instances revoking one consent at once made the second fail with
   * 40001, thrown as a database failure, where it is answered false (revoked already).
   */
  private int update(String sql, String what, Binder binder, @Nullable String insertedId) {
    try {
      return Statements.run(dataSource, queryTimeout, sql, ps -> {
        binder.bind(ps);
        return ps.executeUpdate();
      });
    } catch (SQLException e) {
      if (insertedId != null && "23505".equals(e.getSQLState())) {
        throw new ConsentAlreadyExistsException(insertedId, e);
      }
      throw new JdbcStoreException("could not write " + what + " in schema " + schema + " (SQL state " + e.getSQLState()
          + "); check the database is reachable and the schema is initialized", e);
    }
  }

  private static Consent consent(ResultSet rs) throws SQLException {
    String organization = rs.getString(3);
    String subject = rs.getString(4);
    OffsetDateTime revoked = rs.getObject(8, OffsetDateTime.class);
    return new Consent(rs.getString(1), TenantId.of(rs.getString(2)),
        organization == null ? Optional.empty() : Optional.of(OrganizationId.of(organization)),
        Optional.ofNullable(subject), ConsentScope.of(rs.getString(5)),
        rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getObject(7, OffsetDateTime.class).toInstant(),
        revoked == null ? Optional.empty() : Optional.of(revoked.toInstant()));
  }

  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @Override
  public String toString() {
    return "JdbcConsentRegistry[schema " + schema + ", queryTimeout " + queryTimeout + "]";
  }

  /** Builds a {@link JdbcConsentRegistry}. Each option may be set once; all have defaults. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable SqlSchema schema;
    private @Nullable Clock clock;
    private @Nullable Duration queryTimeout;

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
     * @param clock the clock for grant and revocation times (default: the UTC system clock)
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

    /** @return the registry; does not touch the database */
    public JdbcConsentRegistry build() {
      Builder s = new Builder(dataSource);
      s.schema = schema == null ? SqlSchema.searchPath() : schema;
      s.clock = clock == null ? Clock.systemUTC() : clock;
      s.queryTimeout = queryTimeout == null ? Duration.ofSeconds(2) : queryTimeout;
      return new JdbcConsentRegistry(s);
    }
  }
}
