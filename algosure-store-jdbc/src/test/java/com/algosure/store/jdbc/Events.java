package com.algosure.store.jdbc;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import java.time.Instant;
import java.util.List;

/** Audit events for the tests. */
final class Events {

  static final Instant T0 = Instant.parse("2026-11-23T10:15:30.123456789Z");

  private Events() {}

  static AuditEvent decision(String tenant, int n) {
    return AuditEvent.builder(AuditEventType.AUTHORIZATION_DECISION, T0.plusMillis(n))
        .outcome(n % 3 == 0 ? "DENY" : "PERMIT")
        .tenant(tenant)
        .organization("org-" + (n % 5))
        .actor("user-" + (n % 17), "user")
        .action("invoice.approve")
        .resource("invoice/" + n)
        .correlationId("corr-" + n)
        .reasons(List.of(n % 3 == 0 ? "RBAC_NO_PERMISSION" : "PERMITTED"))
        .detail("decisionId", "d-" + n)
        .detail("matchedRole", "approver")
        .build();
  }
}
