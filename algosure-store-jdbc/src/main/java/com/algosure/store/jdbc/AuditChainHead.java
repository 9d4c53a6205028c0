package com.algosure.store.jdbc;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The newest link of one tenant's audit chain: its sequence number and hash. Publish it somewhere the
 * database's administrators cannot write (a signed log line, another system) and pass it back to
 * {@link JdbcAuditSink#verifyChain(String, AuditChainHead)}: a chain rewritten from the first row onwards
 * then fails verification too.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant ({@link JdbcAuditSink#NO_TENANT} for events without one)
 * @param sequence the sequence number of the newest row (0 for a chain without rows)
 * @param hash the row's chain hash, 64 lowercase hex characters
 * @since 0.1.0
 */
public record AuditChainHead(String tenant, long sequence, String hash) {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  /**
   * Checks the values.
   *
   * @param tenant the tenant
   * @param sequence the sequence number of the newest row
   * @param hash the row's chain hash, 64 lowercase hex characters
   * @throws IllegalArgumentException if the sequence is negative or the hash is not 64 lowercase hex characters
   */
  public AuditChainHead {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(hash, "hash");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, was " + sequence);
    }
    if (!HEX.matcher(hash).matches()) {
      throw new IllegalArgumentException("hash must be 64 lowercase hex characters (a SHA-256 digest)");
    }
  }
}
