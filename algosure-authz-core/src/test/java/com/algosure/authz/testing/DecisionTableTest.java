package com.algosure.authz.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecisionTableTest {

  private static final RoleCatalog CATALOG = RoleCatalog.builder()
      .permissions("filings:read", "filings:write")
      .permission(PermissionDefinition.of("filings:submit").withFeature("e-filing").asHighImpact())
      .permission(PermissionDefinition.of("admin:filings:read").withScope(PermissionScope.TENANT))
      .role("member", "filings:read", "filings:write", "filings:submit")
      .role("reader", "filings:read")
      .privilegedRole("platform-admin", "admin:filings:read")
      .build();

  private final PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
      .roleCatalog(CATALOG)
      .directory(Directory.inMemory()
          .organization("acme", "sales").organization("acme", "support").organization("globex", "hq")
          .organizationRole("alice", "sales", "member").organizationRole("alice", "support", "member")
          .tenantRole("bob", "globex", "member")
          .platformRole("root", "platform-admin")
          .serviceAccountTenantRole("billing-worker", "acme", "reader")
          .build())
      .entitlements(EntitlementSource.inMemory(java.util.Map.of(com.algosure.authz.TenantId.of("acme"),
          Entitlements.features("e-filing"))))
      .auditSink(AuditSink.inMemory())
      .build();

  /**
   * Mirrors the README section "Decision test tables": its test as written, on the table the section points to
   * for the format. Change one, change the other.
   */
  @Test
  void catalogueDecidesAsSpecified() {
    DecisionTable.fromClasspath("authz/decisions.json").assertAllMatch(pdp);
  }

  @Test
  void assertAllMatchWhenEveryRowMatchesThenPasses() {
    DecisionTable table = DecisionTable.fromClasspath("authz/decisions.json");

    assertThat(table.rows()).hasSize(8);
    assertThat(table.run(pdp)).isEmpty();
    table.assertAllMatch(pdp);
  }

  @Test
  void assertAllMatchWhenRowsMismatchThenFailureListsEachWithExplanation() {
    DecisionTable table = DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": ["
        + "{\"name\": \"bob reads acme\", \"actor\": {\"user\": \"bob\"}, \"tenant\": \"acme\","
        + " \"organization\": \"sales\", \"action\": \"filings:read\", \"resource\": {\"type\": \"filing\"},"
        + " \"expect\": {\"effect\": \"PERMIT\"}},"
        + "{\"name\": \"alice reads\", \"actor\": {\"user\": \"alice\"}, \"tenant\": \"acme\","
        + " \"organization\": \"sales\", \"action\": \"filings:read\", \"resource\": {\"type\": \"filing\"},"
        + " \"expect\": {\"effect\": \"PERMIT\", \"reason\": \"APPROVED\"}}]}").getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> table.assertAllMatch(pdp))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 of 2 decision rows did not match")
        .hasMessageContaining("'bob reads acme': expected PERMIT but was DENY [TENANT_ACCESS_DENIED] at TENANT — "
            + "'bob' has no access to tenant 'acme'")
        .hasMessageContaining("'alice reads': expected PERMIT APPROVED but was PERMIT [PERMITTED]");
  }

  @Test
  void fromJsonWhenContentAfterTheTableThenRefusedNotIgnored() {
    // a second table's rows were silently dropped, so its expectations were never checked
    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(
        "{\"rows\": []}\n{\"rows\": [{\"name\": \"never checked\"}]}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  /**
   * Regression: unknown fields were ignored, so a misspelt one made a row check something else than it says. This row
   * means to check that alice is refused organization hq of another tenant by that reason; loaded, it was decided
   * without an organization (alice has two: ORGANIZATION_AMBIGUOUS), and any denial passed.
   */
  @Test
  void fromJsonWhenAFieldIsMisspeltThenRefusedNamingItInsteadOfCheckingSomethingElse() {
    String row = "{\"name\": \"hq is not acme's\", \"actor\": {\"user\": \"alice\"}, \"tenant\": \"acme\","
        + " \"organisation\": \"hq\", \"action\": \"filings:read\", \"resource\": {\"type\": \"filing\"},"
        + " \"expect\": {\"effect\": \"DENY\", \"reasons\": \"ORGANIZATION_OUTSIDE_TENANT\"}}";

    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": [" + row + "]}")
        .getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("decision table, at rows[0] ('hq is not acme's').organisation: unknown field");
    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": ["
        + row.replace("organisation", "organization") + "]}").getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("decision table, at rows[0] ('hq is not acme's').expect.reasons: unknown field");
    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": [{\"name\": \"r\","
        + " \"actor\": {\"user\": \"alice\", \"trusted_tenant\": \"acme\"}, \"expect\": {\"effect\": \"DENY\"}}]}")
        .getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("decision table, at rows[0] ('r').actor.trusted_tenant: unknown field");
  }

  @Test
  void fromJsonWhenRowInvalidThenErrorNamesRowAndField() {
    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(
        "{\"rows\": [{\"name\": \"x\", \"actor\": {\"user\": \"a\"}, \"expect\": {\"effect\": \"ALLOW\"}}]}"
            .getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decision table, at rows[0] ('x').expect.effect: 'ALLOW' is not one of "
            + "[PERMIT, DENY, APPROVAL_REQUIRED, STEP_UP_REQUIRED]");
    assertThatThrownBy(() -> DecisionTable.fromClasspath("missing.json"))
        .hasMessage("decision table 'missing.json' is not on the class path");
  }

  /**
   * Regression: an agent row whose onBehalfOf is a service account (or another agent) escaped fromJson as a
   * ClassCastException ("class com.algosure.authz.Actor$ServiceAccount cannot be cast to ..."), naming neither the row
   * nor the field.
   */
  @Test
  void fromJsonWhenAnAgentActsOnBehalfOfNoUserThenErrorNamesRowAndField() {
    for (String onBehalfOf : new String[] {"{\"serviceAccount\": \"billing-worker\"}",
        "{\"agent\": \"other\", \"onBehalfOf\": {\"user\": \"alice\"}, \"grant\": {\"task\": \"t\","
            + " \"tenant\": \"acme\", \"domain\": \"filing\", \"expiresAt\": \"2030-01-01T00:00:00Z\"}}"}) {
      String row = "{\"name\": \"drafter\", \"actor\": {\"agent\": \"drafter\", \"onBehalfOf\": " + onBehalfOf
          + ", \"grant\": {\"task\": \"t\", \"tenant\": \"acme\", \"domain\": \"filing\", \"capabilities\":"
          + " [\"filings:read\"], \"expiresAt\": \"2030-01-01T00:00:00Z\"}}, \"expect\": {\"effect\": \"DENY\"}}";

      assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": [" + row + "]}")
          .getBytes(StandardCharsets.UTF_8))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("decision table, at rows[0] ('drafter').actor.onBehalfOf: expected {\"user\": id}: an agent acts"
              + " on behalf of a user");
    }
  }

  /**
   * Regression: a value of the wrong JSON type was read as nothing instead of refused. {@code "roles": "member"} (a
   * string, not an array) gave the actor no roles, {@code "mfa": "yes"} no MFA, {@code "capabilities": "filings:read"}
   * an agent no capability, {@code "attributes": [...]} no attributes and an object attribute the value "", and an
   * actor naming both a user and a service account was silently the user: each row then checked something else than
   * it says, and one expecting a DENY passed whatever the catalogue grants.
   */
  @Test
  void fromJsonWhenAValueHasTheWrongTypeThenRefusedNamingItInsteadOfReadAsNothing() {
    String grant = "\"grant\": {\"task\": \"t\", \"tenant\": \"acme\", \"domain\": \"filing\","
        + " \"expiresAt\": \"2030-01-01T00:00:00Z\", \"capabilities\": %s}";
    String[][] cases = {
        {"\"actor\": {\"user\": \"alice\", \"roles\": \"member\"}", ".actor.roles: expected an array of strings"},
        {"\"actor\": {\"user\": \"alice\", \"roles\": [\"member\", 7]}", ".actor.roles: expected an array of strings"},
        {"\"actor\": {\"user\": \"alice\", \"mfa\": \"yes\"}", ".actor.mfa: expected true or false"},
        {"\"actor\": {\"user\": \"alice\", \"mfa\": 1}", ".actor.mfa: expected true or false"},
        {"\"actor\": {\"user\": \"alice\", \"serviceAccount\": \"billing-worker\"}",
            ".actor: expected one of \"user\" or \"serviceAccount\", not both"},
        {"\"actor\": {\"agent\": \"drafter\", \"onBehalfOf\": {\"user\": \"alice\"}, "
            + String.format(grant, "\"filings:read\"") + "}", ".actor.grant.capabilities: expected an array of strings"},
        {"\"actor\": {\"user\": \"alice\"}, \"attributes\": [\"large\"]", ".attributes: expected an object"},
        {"\"actor\": {\"user\": \"alice\"}, \"attributes\": {\"amount\": {\"value\": 5}}",
            ".attributes.amount: expected a string, a number or true or false"},
    };
    for (String[] c : cases) {
      String row = "{\"name\": \"r\", " + c[0] + ", \"tenant\": \"acme\", \"organization\": \"sales\","
          + " \"action\": \"filings:read\", \"resource\": {\"type\": \"filing\"}, \"expect\": {\"effect\": \"DENY\"}}";

      assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream(("{\"rows\": [" + row + "]}")
          .getBytes(StandardCharsets.UTF_8))))
          .as(c[0])
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("decision table, at rows[0] ('r')" + c[1]);
    }
  }

  /**
   * Regression: a table with no rows loaded, and {@code assertAllMatch} then passed checking nothing (a test that cannot
   * fail), whatever the decision point decides.
   */
  @Test
  void fromJsonWhenTheTableHasNoRowsThenRefusedInsteadOfPassingUnchecked() {
    assertThatThrownBy(() -> DecisionTable.fromJson(new ByteArrayInputStream("{\"rows\": []}"
        .getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("decision table: \"rows\" is empty, so the table would check nothing: add at least one row");
  }
}
