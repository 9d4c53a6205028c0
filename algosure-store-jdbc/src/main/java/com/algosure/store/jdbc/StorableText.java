package com.algosure.store.jdbc;

import com.algosure.audit.AuditEvent;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Refuses, before it reaches a batch, an event PostgreSQL could not store exactly: a NUL character or an
 * unpaired surrogate in any field. One such event would otherwise fail the whole batch it travels in.
 */
final class StorableText {

  private StorableText() {}

  static void check(AuditEvent e) {
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
