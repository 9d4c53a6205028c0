package com.algosure.store.jdbc;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The first place where a tenant's audit chain does not verify.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tenant the tenant whose chain broke ({@link JdbcAuditSink#NO_TENANT} for events without one)
 * @param sequence the sequence number of the first bad row (for {@link Kind#ROWS_MISSING_AT_END}: the first
 *     missing sequence number)
 * @param eventId the event id stored in that row, or null where the row is missing
 * @param kind what is wrong
 * @since 0.1.0
 */
public record AuditChainBreak(String tenant, long sequence, @Nullable String eventId, Kind kind) {

  /**
   * Checks the values.
   *
   * @param tenant the tenant whose chain broke
   * @param sequence the sequence number of the first bad row
   * @param eventId the event id stored in that row, or null
   * @param kind what is wrong
   */
  public AuditChainBreak {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(kind, "kind");
  }

  /** @return the event id stored in the bad row, where the row exists */
  public Optional<String> storedEventId() {
    return Optional.ofNullable(eventId);
  }

  /** @return one line naming the tenant, the row and what is wrong with it */
  public String describe() {
    return "tenant '" + tenant + "', sequence " + sequence + (eventId == null ? "" : ", event id " + eventId)
        + ": " + kind.meaning;
  }

  /** What is wrong at a {@link AuditChainBreak}. */
  public enum Kind {
    /** The row's content does not hash to its stored hash: the row was edited. */
    ROW_ALTERED("the row's content or hash was changed after it was written"),
    /** One or more rows before this one are missing: they were deleted. */
    ROWS_MISSING_BEFORE("one or more rows before this one were deleted"),
    /** The newest rows are missing: the chain ends before its recorded head. */
    ROWS_MISSING_AT_END("the rows from this sequence on were deleted; the chain head records more"),
    /**
     * The chain head row is missing or does not match the newest row; where rows follow the row the head records,
     * the break names the first of them.
     */
    HEAD_MISMATCH("the chain head does not match the newest row"),
    /** The chain does not hold the head the caller published earlier: history was rewritten. */
    ANCHOR_MISMATCH("the chain does not contain the published head at this sequence; history was rewritten");

    private final String meaning;

    Kind(String meaning) {
      this.meaning = meaning;
    }

    /** @return what this kind of break means */
    public String meaning() {
      return meaning;
    }
  }
}
