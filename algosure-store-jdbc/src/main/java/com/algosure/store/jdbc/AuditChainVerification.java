package com.algosure.store.jdbc;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of verifying one tenant's audit chain.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant ({@link JdbcAuditSink#NO_TENANT} for events without one)
 * @param rowsChecked how many rows were read before the verification ended
 * @param head the newest link, as recomputed from the rows (sequence 0 for an empty chain)
 * @param firstBreak the first bad row, or null if the chain verifies
 * @since 0.1.0
 */
public record AuditChainVerification(String tenant, long rowsChecked, AuditChainHead head,
    @Nullable AuditChainBreak firstBreak) {

  /**
   * Checks the values.
   *
   * @param tenant the tenant
   * @param rowsChecked how many rows were read
   * @param head the newest link, as recomputed
   * @param firstBreak the first bad row, or null
   */
  public AuditChainVerification {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(head, "head");
  }

  /** @return true if every row hashes to its stored hash, no row is missing and the head matches */
  public boolean valid() {
    return firstBreak == null;
  }

  /** @return the first bad row, if there is one */
  public Optional<AuditChainBreak> breakage() {
    return Optional.ofNullable(firstBreak);
  }
}
