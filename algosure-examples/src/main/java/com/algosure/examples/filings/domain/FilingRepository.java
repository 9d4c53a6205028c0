package com.algosure.examples.filings.domain;

import java.time.Clock;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import java.security.SecureRandom;
import org.springframework.stereotype.Repository;

/**
 * The filings, in memory. Thread-safe. Ids are random, so that one tenant cannot guess another's.
 *
 * @since 0.1.0
 */
@Repository
public class FilingRepository {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final ConcurrentMap<String, Filing> filings = new ConcurrentHashMap<>();
  private final Clock clock;

  /** @param clock the clock for creation times */
  public FilingRepository(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param tenant the tenant
   * @param organization the organization
   * @param title the title
   * @param createdBy who creates it
   * @return the new draft
   */
  public Filing create(String tenant, String organization, String title, String createdBy) {
    byte[] id = new byte[4];
    RANDOM.nextBytes(id);
    Filing f = new Filing("f-" + HexFormat.of().formatHex(id), tenant, organization, title, Filing.State.DRAFT, createdBy,
        "", null, null, null, null, clock.instant());
    filings.put(f.id(), f);
    return f;
  }

  /** @param id an id @return the filing, if there is one */
  public Optional<Filing> find(String id) {
    return Optional.ofNullable(filings.get(id));
  }

  /** @param id an id @param change the change @return the changed filing, if there was one */
  public Optional<Filing> update(String id, UnaryOperator<Filing> change) {
    return Optional.ofNullable(filings.computeIfPresent(id, (k, f) -> change.apply(f)));
  }

  /** @param tenant a tenant @param organization an organization @return its filings, oldest first */
  public List<Filing> of(String tenant, String organization) {
    return filings.values().stream().filter(f -> f.tenant().equals(tenant) && f.organization().equals(organization))
        .sorted(Comparator.comparing(Filing::createdAt)).toList();
  }

  /** @param tenant a tenant @return all its filings, oldest first */
  public List<Filing> of(String tenant) {
    return filings.values().stream().filter(f -> f.tenant().equals(tenant))
        .sorted(Comparator.comparing(Filing::createdAt)).toList();
  }
}
