package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.grant;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The approval id and the task of a request are the caller's text (a header, a body field an annotation reads): a
 * decision's explanation, which hosts log and the guard puts in its outcome's message, quotes them cut and with every
 * character that could forge or hide a log line replaced, as the SDK quotes a token's claims.
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
}
