package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.spi.Approval;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Authorization is auditable: approvals must be traceable, both where one is given (who approved what, for whom, when,
 * until when) and where one is used (the decision it permitted names who gave it and when). Regression: an approval
 * was traceable only by its id and approver in the decision that used it; when it was given, and its giving itself,
 * left no record the SDK could produce.
 */
class ApprovalAuditTest {

  private static final Instant GIVEN = NOW.minus(Duration.ofMinutes(5));

  private final Fixtures f = Fixtures.create();

  private static Approval approval() {
    return new Approval("ap-1", TenantId.of("acme"), Permission.of("filings:submit"), ResourceRef.of("filing", "f-1"),
        "alice", "dave", GIVEN, GIVEN.plus(Duration.ofHours(1)));
  }

  @Test
  void toAuditEventWhenApprovalGivenThenRecordsWhoApprovedWhatForWhomAndWhen() {
    AuditEvent e = approval().toAuditEvent();

    assertThat(e.type()).isEqualTo(AuditEventType.APPROVAL_GRANTED);
    assertThat(e.outcome()).isEqualTo("GRANTED");
    assertThat(e.timestamp()).isEqualTo(GIVEN);
    assertThat(e.tenant()).contains("acme");
    assertThat(e.actorId()).contains("dave");
    assertThat(e.actorKind()).contains("user");
    assertThat(e.action()).contains("filings:submit");
    assertThat(e.resource()).contains("filing/f-1");
    assertThat(e.details()).containsEntry("approvalId", "ap-1").containsEntry("requestedBy", "alice")
        .containsEntry("approvedAt", GIVEN.toString()).containsEntry("expiresAt", GIVEN.plus(Duration.ofHours(1)).toString());
  }

  @Test
  void decideWhenApprovedThenTheDecisionsAuditRecordSaysWhenTheApprovalWasGiven() {
    f.approvals.add(approval());
    PolicyDecisionPoint pdp = f.pdpBuilder().build();

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(user("alice")).tenant("acme")
        .organization("sales").action("filings:submit").resource(ResourceRef.of("filing", "f-1")).approvalId("ap-1")
        .build());

    assertThat(d.permitted()).isTrue();
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("approvalId", "ap-1").containsEntry("approvedBy", "dave")
        .containsEntry("approvedAt", GIVEN.toString()));
  }
}
