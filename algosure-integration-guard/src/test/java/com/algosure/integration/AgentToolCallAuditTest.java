package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.PROVIDER;
import static com.algosure.integration.GuardFixtures.SEND;
import static com.algosure.integration.GuardFixtures.TENANT;
import static com.algosure.integration.GuardFixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.authz.ResourceRef;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AIOS access is auditable: an AI agent's tool call through the guard names, in every event the guard records,
 * the user the agent acts for, its grant and its task. Regression: the guard's events named only the agent
 * ({@code actor} agent-7, {@code actorKind} agent), so an {@code INTEGRATION_REQUEST} or {@code ACCEPTED_FACT} of
 * an agent could not be traced to the person or task without the decision point's separate record.
 */
class AgentToolCallAuditTest {

  private GuardFixtures f;
  private final ProviderCall<JsonNode> ok = ProviderCall.of(
      ctx -> ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8)),
      JsonValidator.builder().require("id", JsonType.STRING).build());

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  private IntegrationRequest agentRequest(String key) {
    return IntegrationRequest.builder().actor(GuardFixtures.agent(f.clock.instant().plusSeconds(600)))
        .tenant(TENANT).provider(PROVIDER).action(SEND).task("task-1").resource(ResourceRef.of("integration", PROVIDER))
        .idempotencyKey(key).jsonPayload(Map.of("to", "bob@example.com")).build();
  }

  private List<AuditEvent> guardEvents() {
    return f.audit.events().stream().filter(e -> e.type() != AuditEventType.AUTHORIZATION_DECISION).toList();
  }

  @Test
  void executeWhenAnAgentCallsAProviderThenEveryGuardEventNamesTheUserGrantAndTask() {
    IntegrationGuard guard = f.guard(ProviderPolicy.builder(PROVIDER)
        .endpoint(URI.create("https://api.acme-mail.example/v1/")).action(SEND, ConsentScope.MAIL).build()).build();

    IntegrationOutcome<JsonNode> out = guard.execute(agentRequest("k-agent"), ok);

    assertThat(out.accepted()).isTrue();
    assertThat(guardEvents()).extracting(AuditEvent::type)
        .contains(AuditEventType.INTEGRATION_REQUEST, AuditEventType.ACCEPTED_FACT);
    assertThat(guardEvents()).allSatisfy(e -> assertThat(e.details()).as(e.type().name())
        .containsEntry("onBehalfOf", USER).containsEntry("agentGrant", "grant-1").containsEntry("task", "task-1"));
  }

  @Test
  void executeWhenAnAgentIsDeniedSecretsThenTheDenialNamesTheUserGrantAndTask() {
    IntegrationOutcome<JsonNode> out = f.guard("https://api.acme-mail.example").execute(agentRequest("k-secret"), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRETS_NOT_FOR_AGENTS);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement().satisfies(e -> assertThat(e.details())
        .containsEntry("onBehalfOf", USER).containsEntry("agentGrant", "grant-1").containsEntry("task", "task-1"));
  }

  /**
   * Regression: the guard recorded an agent's task as the caller gave it, although the decision point records it cut
   * to 128 characters and printable; a task no grant vouches for (the call is denied before authorization) carried a
   * line break, or a NUL that made the denial unrecordable by a JDBC audit trail. It is now recorded as the decision
   * point records it.
   */
  @Test
  void executeWhenAnAgentsTaskHoldsALineBreakOrNulThenTheGuardRecordsItAsTheDecisionPointDoes() {
    String task = "task-1\n\u0000" + "x".repeat(200);
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.agent(f.clock.instant().plusSeconds(600)))
        .tenant(TENANT).provider(ProviderId.of("unregistered")).action(SEND).task(task).idempotencyKey("k-task")
        .jsonPayload(Map.of("to", "bob@example.com")).build();

    IntegrationOutcome<JsonNode> out = f.guard("https://api.acme-mail.example").execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_UNKNOWN);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement().satisfies(e -> assertThat(
        e.details().get("task")).isEqualTo("task-1??" + "x".repeat(120) + "..."));
  }

  @Test
  void executeWhenAPersonCallsThenNoAgentDetails() {
    IntegrationOutcome<JsonNode> out = f.guard("https://api.acme-mail.example").execute(GuardFixtures.request("k-user").build(),
        ok);

    assertThat(out.accepted()).isTrue();
    assertThat(guardEvents()).allSatisfy(e -> assertThat(e.details()).doesNotContainKeys("onBehalfOf", "agentGrant", "task"));
  }
}
