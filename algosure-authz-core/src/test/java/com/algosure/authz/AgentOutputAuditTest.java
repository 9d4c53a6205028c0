package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * AIOS access is auditable: tool calls, context access, generated outputs and decisions are logged. Regression: an
 * agent's decision was recorded, but the output it then produced under that decision (a draft, a recommendation) had
 * no record the SDK could build: which text the agent proposed, under which decision, grant and task, was not
 * traceable.
 */
class AgentOutputAuditTest {

  private static final Instant PRODUCED = NOW.plusSeconds(2);
  private static final byte[] DRAFT = "VAT return Q3: 1,234.00 EUR due".getBytes(StandardCharsets.UTF_8);
  // sha-256 of DRAFT, as `printf %s '...' | sha256sum` prints it
  private static final String DRAFT_SHA256 = "8e54898a1d130129dad573e1fbe35272dc976057df49a5ea4d7be3c4c7a85694";

  private final Fixtures f = Fixtures.create();
  private final PolicyDecisionPoint pdp = f.pdpBuilder().build();

  private AuthorizationDecision agentWrite() {
    return agentWrite("task-7");
  }

  private AuthorizationDecision agentWrite(String task) {
    AgentGrant grant = Fixtures.grant("drafter", "alice", "task-7", "acme", "sales", "filing",
        NOW.plus(Duration.ofHours(1)), "filings:write");
    return pdp.decide(AuthorizationRequest.builder().actor(Actor.agent("drafter", user("alice"), grant))
        .action("filings:write").resource(ResourceRef.of("filing", "f-1")).task(task).correlationId("corr-a")
        .build());
  }

  @Test
  void agentOutputEventWhenAnAgentsWriteWasPermittedThenRecordsTheOutputByHashUnderItsDecisionGrantAndTask() {
    AuthorizationDecision d = agentWrite();
    assertThat(d.permitted()).isTrue();

    AuditEvent e = d.agentOutputEvent(PRODUCED, DRAFT);

    assertThat(e.type()).isEqualTo(AuditEventType.AGENT_OUTPUT);
    assertThat(e.outcome()).isEqualTo("PROPOSED");
    assertThat(e.timestamp()).isEqualTo(PRODUCED);
    assertThat(e.id()).isNotEqualTo(d.decisionId());
    assertThat(e.tenant()).contains("acme");
    assertThat(e.organization()).contains("sales");
    assertThat(e.actorId()).contains("drafter");
    assertThat(e.actorKind()).contains("agent");
    assertThat(e.action()).contains("filings:write");
    assertThat(e.resource()).contains("filing/f-1");
    assertThat(e.correlationId()).contains("corr-a");
    assertThat(e.details()).containsEntry("decisionId", d.decisionId()).containsEntry("onBehalfOf", "alice")
        .containsEntry("agentGrant", "grant-1").containsEntry("task", "task-7")
        .containsEntry("sha256", DRAFT_SHA256).containsEntry("bytes", String.valueOf(DRAFT.length));
    assertThat(e.toString()).doesNotContain("VAT return");
  }

  @Test
  void agentOutputEventWhenTheDecisionIsNotAnAgentsPermitThenRefused() {
    AuthorizationDecision person = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());
    AuthorizationDecision denied = agentWrite("task-8"); // outside the grant's task
    assertThat(person.permitted()).isTrue();
    assertThat(denied.permitted()).isFalse();

    assertThatThrownBy(() -> person.agentOutputEvent(PRODUCED, DRAFT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not an AI agent's");
    assertThatThrownBy(() -> denied.agentOutputEvent(PRODUCED, DRAFT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not a permit");
  }
}
