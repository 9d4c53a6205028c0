package com.algosure.store.jdbc;

import com.algosure.audit.AuditEvent;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before it reaches a batch, an event PostgreSQL could not store exactly: a NUL character or an
 * unpaired surrogate in any field, a time outside the years 1 to 9999, or an id or tenant too long for the
 * table's indexes. One such event would otherwise fail the whole batch it travels in, and, acknowledged on queue,
 * be retried ahead of every later event for good.
 */
final class StorableText {

  /**
   * The most characters of an id or a tenant: both are indexed, and a B-tree index row holds at most about 2.7 KB
   * (a character takes up to 4 bytes in UTF-8). Generated ids are far shorter; tenant ids at most 128 characters.
   */
  static final int MAX_KEY_CHARS = 512;
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

  private StorableText() {}

  static void check(AuditEvent e) {
    if (e.id().length() > MAX_KEY_CHARS) {
      throw refused(e, "its id is " + e.id().length() + " characters long, more than the " + MAX_KEY_CHARS
          + " the table's index can hold; use a shorter id");
    }
    if (e.tenant().isPresent() && e.tenant().get().length() > MAX_KEY_CHARS) {
      throw refused(e, "field 'tenant' is " + e.tenant().get().length() + " characters long, more than the "
          + MAX_KEY_CHARS + " the table's index can hold");
    }
    if (e.timestamp().isBefore(EARLIEST) || e.timestamp().isAfter(LATEST)) {
      throw refused(e, "its time " + e.timestamp() + " is outside the years 1 to 9999; check the clock that stamped it");
    }
    check(e, "id", e.id());
    check(e, "outcome", e.outcome());
    check(e, "tenant", e.tenant().orElse(null));
    check(e, "organization", e.organization().orElse(null));
    check(e, "actorId", e.actorId().orElse(null));
    check(e, "actorKind", e.actorKind().orElse(null));
    check(e, "action", e.action().orElse(null));
    check(e, "resource", e.resource().orElse(null));
    check(e, "provider", e.provider().orElse(null));
    check(e, "correlationId", e.correlationId().orElse(null));
    for (String reason : e.reasons()) {
      check(e, "reasons", reason);
    }
    for (Map.Entry<String, String> d : e.details().entrySet()) {
      check(e, "details key", d.getKey());
      check(e, "details." + (storable(d.getKey()) ? d.getKey() : "?"), d.getValue());
    }
  }

  private static AuditWriteException refused(AuditEvent e, String why) {
    boolean printable = e.id().length() <= MAX_KEY_CHARS && storable(e.id());
    return new AuditWriteException("audit event " + (printable ? e.id() : "(id not shown)") + " not recorded: " + why,
        printable ? e.id() : null, null);
  }

  private static void check(AuditEvent e, String field, @Nullable String value) {
    if (value != null && !storable(value)) {
      throw new AuditWriteException("audit event " + (storable(e.id()) ? e.id() : "(unprintable id)")
          + " not recorded: field '" + field + "' holds a NUL character or an unpaired surrogate, which PostgreSQL "
          + "text cannot store; remove it before auditing", storable(e.id()) ? e.id() : null, null);
    }
  }

  static boolean storable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\u0000') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
