package com.algosure.authz;

import static com.algosure.authz.Fixtures.read;
import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.DomainDecision;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A host directory that answers with records that are not the ones asked for (an organization of another tenant, a
 * binding of another subject) never makes the decision permit: the decision point checks what it can check itself,
 * as it does for an approval store answering another approval.
 */
class ForeignDirectoryAnswerTest {

  private final Fixtures f = Fixtures.create();

  /**
   * Regression: a directory whose {@code organizationsOf} did not filter by the tenant it was asked about (alice is a
   * member of globex's hq only, with plain access to acme) made hq the active organization of a decision in acme:
   * alice's token role then counted as a member's there, the decision permitted in acme naming organization hq, and
   * the domain policy was handed an organization of another tenant.
   */
  @Test
  void decideWhenDirectoryAnswersTheOnlyMembershipInAnotherTenantThenDenyOutsideTenant() {
    Directory ignoresTenant = new Fixtures.HostDirectory(Directory.inMemory().organization("acme", "sales")
        .organization("globex", "hq").tenantAccess("alice", "acme").member("alice", "hq").build()) {
      @Override
      public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
        return super.organizationsOf(subject, TenantId.of("globex")); // whatever tenant was asked about
      }
    };
    AtomicReference<AuthorizationContext> seen = new AtomicReference<>();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(ignoresTenant)
        .domainPolicy("filing", (r, c) -> {
          seen.set(c);
          return DomainDecision.allow();
        })
        .auditSink(f.audit).clock(f.clock).build();
    Actor alice = user("alice", IdentitySignals.builder().roles("member").build());

    AuthorizationDecision d = pdp.decide(read(alice).tenant("acme").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.ORGANIZATION_OUTSIDE_TENANT);
    assertThat(d.stage()).isEqualTo(DecisionStage.ORGANIZATION);
    assertThat(d.organization()).isEmpty();
    assertThat(d.explanation()).contains("'hq'").contains("'acme'");
    assertThat(seen).hasValue(null);
  }

  /** The same directory still resolves a sole membership that does belong to the tenant. */
  @Test
  void decideWhenDirectoryAnswersTheOnlyMembershipInTheTenantThenResolved() {
    AuthorizationDecision d = f.pdp().decide(read(user("dave")).tenant("acme").build());

    assertThat(d.permitted()).isTrue();
    assertThat(d.organization()).contains(OrganizationId.of("sales"));
  }

  /**
   * Regression: the bindings a directory answered for mallory were used whatever subject they named, so a directory
   * that answered alice's (a look-up by a key that is not the subject's, a query that matched more than one subject)
   * let mallory, a plain member of sales, write there with alice's role.
   */
  @Test
  void decideWhenDirectoryAnswersABindingOfAnotherSubjectThenDenyStageFailure() {
    Directory real = Directory.inMemory().organization("acme", "sales")
        .organizationRole("alice", "sales", "member").member("mallory", "sales").build();
    Directory mixesSubjects = new Fixtures.HostDirectory(real) {
      @Override
      public List<RoleBinding> bindingsOf(String subject) {
        List<RoleBinding> all = new ArrayList<>(super.bindingsOf(subject));
        all.addAll(super.bindingsOf("alice"));
        return all;
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(mixesSubjects)
        .auditSink(f.audit).clock(f.clock).build();
    AuthorizationRequest write = AuthorizationRequest.builder().action("filings:write")
        .resource(ResourceRef.type("filing")).tenant("acme").organization("sales").actor(user("mallory")).build();

    AuthorizationDecision d = pdp.decide(write);

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.matchedRole()).isEmpty();
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("DENY"));
  }

  /** A binding naming a case variant of the subject is another subject's: ids are compared exactly everywhere. */
  @Test
  void decideWhenDirectoryAnswersABindingOfACaseVariantOfTheSubjectThenDeny() {
    Directory real = Directory.inMemory().organization("acme", "sales").member("mallory", "sales")
        .bind(new RoleBinding("MALLORY", Role.of("member"),
            BindingScope.organization(TenantId.of("acme"), OrganizationId.of("sales"))))
        .build();
    Directory ignoresCase = new Fixtures.HostDirectory(real) {
      @Override
      public List<RoleBinding> bindingsOf(String subject) {
        return super.bindingsOf(subject.toUpperCase(java.util.Locale.ROOT));
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(ignoresCase)
        .auditSink(f.audit).clock(f.clock).build();

    AuthorizationDecision d = pdp.decide(read(user("mallory")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
  }

  /**
   * Regression: the SDK's own check of the directory's answer was explained as "stage RBAC failed
   * (IllegalStateException)", as if the directory had thrown, leaving its operator to guess what was wrong. The
   * explanation says what the directory answered and what to fix, and names neither subject.
   */
  @Test
  void decideWhenDirectoryAnswersABindingOfAnotherSubjectThenTheExplanationSaysWhatToFix() {
    Directory real = Directory.inMemory().organization("acme", "sales")
        .organizationRole("alice", "sales", "member").member("mallory", "sales").build();
    Directory answersAlices = new Fixtures.HostDirectory(real) {
      @Override
      public List<RoleBinding> bindingsOf(String subject) {
        return super.bindingsOf("alice");
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(answersAlices)
        .auditSink(f.audit).clock(f.clock).build();

    AuthorizationDecision d = pdp.decide(read(user("mallory")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.explanation()).contains("RBAC", "Directory.bindingsOf", "binding of another subject",
        "only the bindings of the subject asked for").doesNotContain("IllegalStateException", "alice", "mallory");
  }
}
