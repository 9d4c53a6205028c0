package com.algosure.authz;

import static com.algosure.authz.Fixtures.NOW;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.authz.spi.AttributeDecision;
import com.algosure.authz.spi.Approval;
import com.algosure.authz.spi.DomainDecision;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the audit record of a decision, field by field and in order, for every kind of decision the stages
 * make: permits (plain, approved, cross-tenant, agent, token role, service account), each stage's denials,
 * approval and step-up, a failing stage and an invalid request. The expected records were written by the
 * decision point as it was before decisions became {@link com.algosure.audit.AuditableDecision}s (the
 * event then built inside the decision point), so any change in what a sink receives fails here.
 *
 * <p>To rewrite the expected file after a deliberate change: {@code -Dalgosure.golden.write=<path of the file>}.
 */
class DecisionAuditRecordTest {

  private static final String GOLDEN = "decision-audit-records.txt";

  private final Fixtures f = Fixtures.create();

  private Map<String, AuthorizationRequest> scenarios() {
    Map<String, AuthorizationRequest> s = new LinkedHashMap<>();
    Actor.User alice = user("alice");
    s.put("permit, organization named", Fixtures.read(alice).tenant("acme").organization("sales").build());
    s.put("permit, correlation id", Fixtures.read(alice).tenant("acme").organization("sales")
        .correlationId("corr-1").build());
    s.put("permit, approval id presented for an ordinary action", Fixtures.read(alice).tenant("acme")
        .organization("sales").approvalId("ap-ignored").build());
    s.put("deny, null actor", AuthorizationRequest.builder().action("filings:read")
        .resource(ResourceRef.type("filing")).build());
    s.put("deny, no action", AuthorizationRequest.builder().actor(alice).tenant("acme")
        .resource(ResourceRef.of("filing", "f-1")).correlationId("corr-2").build());
    s.put("deny, no resource", AuthorizationRequest.builder().actor(alice).tenant("acme").action("filings:read")
        .build());
    s.put("deny, unknown action", AuthorizationRequest.builder().actor(alice).tenant("acme")
        .action("filings:unknown").resource(ResourceRef.of("filing", "f-1")).build());
    s.put("deny, organization ambiguous", Fixtures.read(alice).tenant("acme").build());
    s.put("deny, not a member", Fixtures.read(user("erin")).tenant("acme").organization("sales").build());
    s.put("deny, organization outside tenant", Fixtures.read(alice).tenant("acme").organization("hq").build());
    s.put("deny, tenant access", Fixtures.read(alice).tenant("globex").organization("hq").build());
    s.put("deny, permission", AuthorizationRequest.builder().actor(user("dave")).tenant("acme").organization("sales")
        .action("filings:write").resource(ResourceRef.of("filing", "f-1")).build());
    s.put("approval required", submit("f-1").build());
    s.put("permit, approved", submit("f-1").approvalId("ap-1").build());
    s.put("deny, approval for another resource", submit("f-2").approvalId("ap-1").build());
    s.put("deny, approval self-approved", submit("f-1").approvalId("ap-self").build());
    s.put("deny, approval unknown", submit("f-1").approvalId("nope").build());
    Actor root = user("root");
    Actor rootMfa = user("root", IdentitySignals.builder().mfa(true).build());
    s.put("step-up, cross-tenant without MFA", AuthorizationRequest.builder().actor(root).tenant("acme")
        .action("admin:filings:read").resource(ResourceRef.type("filing")).build());
    s.put("permit, cross-tenant with MFA", AuthorizationRequest.builder().actor(rootMfa).tenant("acme")
        .action("admin:filings:read").resource(ResourceRef.type("filing")).build());
    s.put("deny, cross-tenant organization missing", Fixtures.read(rootMfa).tenant("acme").build());
    Actor rootOtp = user("root", IdentitySignals.builder().mfaEvidence(List.of("amr:otp", "acr:gold")).build());
    s.put("permit, cross-tenant with named MFA evidence", AuthorizationRequest.builder().actor(rootOtp).tenant("acme")
        .action("admin:filings:read").resource(ResourceRef.type("filing")).build());
    Actor aliceOtp = user("alice", IdentitySignals.builder().mfaEvidence(List.of("amr:otp")).build());
    s.put("permit, MFA evidence in an ordinary decision", Fixtures.read(aliceOtp).tenant("acme").organization("sales")
        .build());
    s.put("permit, token role in member's organization", Fixtures.read(user("erin",
        IdentitySignals.builder().roles("reader").build())).tenant("acme").organization("support").build());
    Actor worker = Actor.serviceAccount("billing-worker", IdentitySignals.builder().build());
    s.put("permit, service account", Fixtures.read(worker).tenant("acme").organization("sales").build());
    s.put("deny, service account without organization", Fixtures.read(worker).tenant("acme").build());
    s.put("deny, service account scope", AuthorizationRequest.builder().actor(worker).tenant("acme")
        .action("filings:write").resource(ResourceRef.of("filing", "f-1")).organization("sales").build());
    AgentGrant grant = Fixtures.grant("drafter", "alice", "task-7", "acme", "sales", "filing",
        NOW.plus(Duration.ofHours(1)), "filings:write");
    Actor agent = Actor.agent("drafter", alice, grant);
    s.put("permit, agent", AuthorizationRequest.builder().actor(agent).action("filings:write")
        .resource(ResourceRef.of("filing", "f-1")).task("task-7").correlationId("corr-a").build());
    s.put("deny, agent without task", AuthorizationRequest.builder().actor(agent).action("filings:write")
        .resource(ResourceRef.of("filing", "f-1")).build());
    s.put("deny, agent outside tenant", AuthorizationRequest.builder().actor(agent).tenant("globex")
        .action("filings:write").resource(ResourceRef.of("filing", "f-1")).task("task-7").build());
    s.put("deny, attribute policy", AuthorizationRequest.builder().actor(alice).tenant("acme").organization("sales")
        .action("filings:write").resource(ResourceRef.of("filing", "restricted")).build());
    s.put("deny, domain rule", AuthorizationRequest.builder().actor(alice).tenant("acme").organization("sales")
        .action("filings:write").resource(ResourceRef.of("filing", "locked")).build());
    s.put("deny, stage failure", AuthorizationRequest.builder().actor(alice).tenant("acme").organization("sales")
        .action("filings:write").resource(ResourceRef.of("filing", "boom")).build());
    s.put("deny, null request", null);
    return s;
  }

  private static AuthorizationRequest.Builder submit(String filing) {
    return AuthorizationRequest.builder().actor(user("alice")).tenant("acme").organization("sales")
        .action("filings:submit").resource(ResourceRef.of("filing", filing));
  }

  private PolicyDecisionPoint pdp() {
    f.approvals.add(new Approval("ap-1", TenantId.of("acme"), Permission.of("filings:submit"),
        ResourceRef.of("filing", "f-1"), "alice", "dave", NOW, NOW.plus(Duration.ofHours(1))));
    f.approvals.add(new Approval("ap-self", TenantId.of("acme"), Permission.of("filings:submit"),
        ResourceRef.of("filing", "f-1"), "alice", "alice", NOW, NOW.plus(Duration.ofHours(1))));
    return f.pdpBuilder()
        .attributePolicy((r, c) -> r.resource().flatMap(ResourceRef::id).equals(Optional.of("restricted"))
            ? AttributeDecision.deny("restricted") : AttributeDecision.notApplicable())
        .domainPolicy("filing", (r, c) -> {
          Optional<String> id = r.resource().flatMap(ResourceRef::id);
          if (id.equals(Optional.of("boom"))) {
            throw new IllegalStateException("domain down");
          }
          return id.equals(Optional.of("locked")) ? DomainDecision.deny("locked") : DomainDecision.allow();
        })
        .build();
  }

  /** One line per scenario, in the order given: its name, then the event with the decision id as {@code <id>}. */
  private List<String> records(PolicyDecisionPoint pdp, List<Map.Entry<String, AuthorizationRequest>> order) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, AuthorizationRequest> s : order) {
      f.audit.clear();
      AuthorizationDecision d = pdp.decide(s.getValue());
      List<AuditEvent> events = f.audit.events();
      assertThat(events).as(s.getKey()).hasSize(1);
      AuditEvent e = events.get(0);
      assertThat(e.id()).as(s.getKey()).isEqualTo(d.decisionId());
      assertThat(d.toAuditEvent()).as(s.getKey()).hasToString(e.toString());
      lines.add(s.getKey() + " | " + d.effect() + " | " + e.toString().replace(d.decisionId(), "<id>"));
    }
    return lines;
  }

  private static List<String> expected() throws IOException {
    try (InputStream in = DecisionAuditRecordTest.class.getResourceAsStream(GOLDEN)) {
      assertThat(in).as("test resource " + GOLDEN).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void decideWhenAnyKindOfDecisionThenItsAuditRecordIsExactlyTheOneRecordedBefore() throws IOException {
    List<String> actual = records(pdp(), new ArrayList<>(scenarios().entrySet()));
    String write = System.getProperty("algosure.golden.write");
    if (write != null) {
      Files.write(Path.of(write), actual, StandardCharsets.UTF_8);
    }
    List<String> expected = expected();
    assertThat(actual).containsExactlyElementsOf(expected);
    assertThat(Set.copyOf(actual)).hasSize(expected.size());
  }

  /**
   * The stages' working state is reused per thread: whatever one decision established (a cross-tenant flag, an
   * approval, a matched role, bindings, a failed stage's half-filled state) must never reach the next.
   */
  @Test
  void decideWhenDecisionsRunInAnyOrderOnOneThreadThenEveryRecordIsStillTheSame() throws IOException {
    Set<String> expected = Set.copyOf(expected());
    PolicyDecisionPoint pdp = pdp();
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 20; round++) {
      List<Map.Entry<String, AuthorizationRequest>> order = new ArrayList<>(scenarios().entrySet());
      java.util.Collections.shuffle(order, random);
      assertThat(records(pdp, order)).as("round " + round).allSatisfy(line -> assertThat(expected).contains(line));
    }
  }
}
