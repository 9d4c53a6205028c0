package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.grant;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The approval id and the task of a request are the caller's text (a header, a body field an annotation reads): a
 * decision's explanation, which hosts log and the guard puts in its outcome's message, quotes them cut and with every
 * character that could forge or hide a log line replaced, as the SDK quotes a token's claims. So do the decision's
 * audit record and the request's {@code toString}, with the correlation id: they keep an id as it is, and quote
 * anything else cut to 128 characters and printable.
 */
class UntrustedRequestTextTest {

  private static final String FORGED = "ap-1\r\n2026-11-23 10:00:00 INFO approval ap-9 granted by dave\u202E";

  private final Fixtures f = Fixtures.create();

  /** Regression: the approval id went whole into the explanation, line breaks and bidirectional overrides included. */
  @Test
  void decideWhenApprovalIdIsNotAnIdentifierThenDenyApprovalInvalidQuotingItPrintableAndCut() {
    List<String> asked = new ArrayList<>();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).entitlements(Fixtures.entitlements()).auditSink(f.audit).clock(f.clock)
        .approvals(id -> {
          asked.add(id);
          return Optional.empty();
        }).build();
    String id = FORGED + "x".repeat(10_000);

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder().actor(user("alice")).tenant("acme")
        .organization("sales").action("filings:submit").resource(ResourceRef.of("filing", "f-1")).approvalId(id)
        .build());

    assertThat(d.reasons()).containsExactly(ReasonCode.APPROVAL_INVALID);
    assertThat(d.explanation()).contains("ap-1??2026-11-23").doesNotContain("\r", "\n", "\u202E")
        .hasSizeLessThan(400);
    assertThat(asked).isEmpty(); // no approval has such an id: the store is not asked
  }

  /** Regression: an agent's task went whole into the explanation of a task mismatch. */
  @Test
  void decideWhenAgentTaskIsNotTheGrantsThenTheExplanationQuotesItPrintableAndCut() {
    Actor.Agent agent = Actor.agent("drafter", user("alice"),
        grant("drafter", "alice", "task-7", "acme", "sales", "filing", NOW.plus(Duration.ofHours(1)), "filings:write"));

    AuthorizationDecision d = f.pdp().decide(AuthorizationRequest.builder().actor(agent).action("filings:write")
        .resource(ResourceRef.type("filing")).task(FORGED + "x".repeat(10_000)).build());

    assertThat(d.reasons()).containsExactly(ReasonCode.AGENT_SCOPE_EXCEEDED);
    assertThat(d.explanation()).contains("is for task 'task-7', not 'ap-1??2026-11-23")
        .doesNotContain("\r", "\n", "\u202E").hasSizeLessThan(400);
  }

  /**
   * Regression: the task, the approval id and the correlation id went whole into the decision's audit record (an
   * audit log line where a sink logs it), line breaks and bidirectional overrides included, and at any length.
   */
  @Test
  void auditEventWhenRequestTextIsNotAnIdentifierThenRecordedPrintableAndCut() {
    Actor.Agent agent = Actor.agent("drafter", user("alice"),
        grant("drafter", "alice", "task-7", "acme", "sales", "filing", NOW.plus(Duration.ofHours(1)), "filings:write"));
    String forged = FORGED + "x".repeat(10_000);

    AuthorizationDecision d = f.pdp().decide(AuthorizationRequest.builder().actor(agent).action("filings:write")
        .resource(ResourceRef.type("filing")).task(forged).approvalId(forged).correlationId(forged).build());

    AuditEvent e = d.toAuditEvent();
    assertThat(e.correlationId()).hasValueSatisfying(v -> assertThat(v).startsWith("ap-1??2026-11-23")
        .doesNotContain("\r", "\n", "\u202E").hasSize(131));
    assertThat(e.details().get("task")).startsWith("ap-1??2026-11-23").doesNotContain("\r", "\n", "\u202E")
        .hasSize(131);
    assertThat(e.details().get("approvalId")).startsWith("ap-1??2026-11-23").doesNotContain("\r", "\n", "\u202E")
        .hasSize(131);
    assertThat(e.toString()).doesNotContain("\r", "\n", "\u202E").hasSizeLessThan(1_500);
  }

  /** An id (a UUID, a W3C trace id, a task's slug) is recorded exactly as the caller gave it. */
  @Test
  void auditEventWhenRequestTextIsAnIdentifierThenRecordedAsItIs() {
    Actor.Agent agent = Actor.agent("drafter", user("alice"),
        grant("drafter", "alice", "task-7", "acme", "sales", "filing", NOW.plus(Duration.ofHours(1)), "filings:write"));
    String trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    AuditEvent e = f.pdp().decide(AuthorizationRequest.builder().actor(agent).action("filings:write")
        .resource(ResourceRef.type("filing")).task("task-7").approvalId("ap-" + "1".repeat(125))
        .correlationId(trace).build()).toAuditEvent();

    assertThat(e.correlationId()).contains(trace);
    assertThat(e.details()).containsEntry("task", "task-7").containsEntry("approvalId", "ap-" + "1".repeat(125));
  }

  /** Regression: the request's toString printed the caller's text whole (a host logging the request). */
  @Test
  void toStringWhenRequestTextIsNotAnIdentifierThenQuotedPrintableAndCut() {
    String forged = FORGED + "x".repeat(10_000);

    String s = AuthorizationRequest.builder().actor(user("alice")).task(forged).approvalId(forged)
        .correlationId(forged).build().toString();

    assertThat(s).contains("task=ap-1??2026-11-23", "approvalId=ap-1??2026-11-23", "correlationId=ap-1??2026-11-23")
        .doesNotContain("\r", "\n", "\u202E").hasSizeLessThan(600);
  }
}
