package com.algosure.authz;

import static com.algosure.authz.Fixtures.user;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditFailurePolicy;
import com.algosure.audit.AuditSink;
import com.algosure.authz.spi.AttributeDecision;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.InMemoryDirectory;
import com.algosure.testing.Clocks;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every SPI that throws or answers null makes the decision deny, naming the stage; decide never throws. */
class FailClosedTest {

  private final Fixtures f = Fixtures.create();

  /** A directory that answers like the fixture's, except one method which fails the given way. */
  private static Directory broken(String method, boolean returnNull) {
    InMemoryDirectory real = Fixtures.directory();
    Function<Object, Object> fail = v -> {
      if (returnNull) {
        return null;
      }
      throw new IllegalStateException("directory down");
    };
    return new Directory() {
      @Override
      @SuppressWarnings("unchecked")
      public Set<TenantId> tenantsOf(String subject) {
        return method.equals("tenantsOf") ? (Set<TenantId>) fail.apply(null) : real.tenantsOf(subject);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
        return method.equals("organizationsOf") ? (Set<OrganizationId>) fail.apply(null)
            : real.organizationsOf(subject, tenant);
      }

      @Override
      @SuppressWarnings("unchecked")
      public Optional<TenantId> tenantOf(OrganizationId organization) {
        return method.equals("tenantOf") ? (Optional<TenantId>) fail.apply(null) : real.tenantOf(organization);
      }

      @Override
      @SuppressWarnings("unchecked")
      public List<RoleBinding> bindingsOf(String subject) {
        return method.equals("bindingsOf") ? (List<RoleBinding>) fail.apply(null) : real.bindingsOf(subject);
      }
    };
  }

  static Stream<Arguments> directoryFailures() {
    return Stream.of(
        Arguments.of("tenantsOf", false, DecisionStage.TENANT),
        Arguments.of("tenantsOf", true, DecisionStage.TENANT),
        Arguments.of("tenantOf", false, DecisionStage.ORGANIZATION),
        Arguments.of("tenantOf", true, DecisionStage.ORGANIZATION),
        Arguments.of("organizationsOf", false, DecisionStage.ORGANIZATION),
        Arguments.of("organizationsOf", true, DecisionStage.ORGANIZATION),
        Arguments.of("bindingsOf", false, DecisionStage.RBAC),
        Arguments.of("bindingsOf", true, DecisionStage.RBAC));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("directoryFailures")
  void decideWhenDirectoryFailsThenDenyStageFailureNamingTheStage(String method, boolean returnsNull,
      DecisionStage stage) {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(broken(method, returnsNull)).auditSink(f.audit).build();

    // alice in a named organization exercises every directory method
    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.stage()).isEqualTo(stage);
    assertThat(d.explanation()).contains(stage.name());
    assertThat(f.audit.events()).hasSize(1);
  }

  /**
   * Regression: an SPI answering null, which the SDK itself detects, was explained only as "stage TENANT failed
   * (NullPointerException)". The explanation names the SPI method and what it must answer instead.
   */
  @Test
  void decideWhenAnSpiAnswersNullThenTheExplanationNamesTheMethodAndWhatToFix() {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(broken("tenantsOf", true)).auditSink(f.audit).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.explanation()).contains("TENANT", "Directory.tenantsOf returned null", "never null")
        .doesNotContain("NullPointerException");
  }

  /** A host SPI's own exception is named by its class only: its message may carry a credential or personal data. */
  @Test
  void decideWhenAHostSpiThrowsThenTheExplanationNamesOnlyTheExceptionsClass() {
    PolicyDecisionPoint pdp = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
      throw new IllegalStateException("password=hunter2 for db user alice");
    }).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.explanation()).contains("DOMAIN", "IllegalStateException").doesNotContain("hunter2");
  }

  /** Regression: tenant, organization and RBAC each used to ask the directory for the same bindings. */
  @Test
  void decideWhenSeveralStagesNeedTheBindingsThenTheDirectoryIsAskedOnce() {
    InMemoryDirectory real = Fixtures.directory();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    Directory counting = new Fixtures.HostDirectory(real) {
      @Override
      public List<RoleBinding> bindingsOf(String subject) {
        asked.incrementAndGet();
        return real.bindingsOf(subject);
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(counting)
        .auditSink(f.audit).build();

    // cross-tenant: the tenant stage looks for a privileged binding, RBAC for the granting one
    Actor root = user("root", com.algosure.authz.IdentitySignals.builder().mfa(true).build());
    assertThat(pdp.decide(AuthorizationRequest.builder().actor(root).tenant("acme").action("admin:filings:read")
        .resource(ResourceRef.type("filing")).build()).permitted()).isTrue();
    assertThat(asked).hasValue(1);

    // a tenant-wide role in a named organization: the organization stage and RBAC both look
    asked.set(0);
    assertThat(pdp.decide(Fixtures.read(user("tom")).tenant("acme").organization("sales").build())
        .permitted()).isTrue();
    assertThat(asked).hasValue(1);
  }

  @Test
  void decideWhenAttributePolicyThrowsOrAnswersNullThenDeny() {
    PolicyDecisionPoint throwing = f.pdpBuilder().attributePolicy((r, c) -> {
      throw new IllegalStateException("boom");
    }).build();
    PolicyDecisionPoint nulls = Fixtures.create().pdpBuilder().attributePolicy((r, c) -> null).build();
    AuthorizationRequest r = Fixtures.read(user("alice")).tenant("acme").organization("sales").build();

    assertThat(throwing.decide(r).reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(throwing.decide(r).stage()).isEqualTo(DecisionStage.ABAC);
    assertThat(nulls.decide(r).reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
  }

  @Test
  void decideWhenDomainPolicyThrowsOrAnswersNullThenDeny() {
    PolicyDecisionPoint throwing = f.pdpBuilder().domainPolicy("filing", (r, c) -> {
      throw new StackOverflowError();
    }).build();
    PolicyDecisionPoint nulls = Fixtures.create().pdpBuilder().domainPolicy("filing", (r, c) -> null).build();
    AuthorizationRequest r = Fixtures.read(user("alice")).tenant("acme").organization("sales").build();

    assertThat(throwing.decide(r).stage()).isEqualTo(DecisionStage.DOMAIN);
    assertThat(throwing.decide(r).effect()).isEqualTo(Effect.DENY);
    assertThat(nulls.decide(r).reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
  }

  @Test
  void decideWhenApprovalStoreThrowsOrAnswersNullThenDeny() {
    AuthorizationRequest r = AuthorizationRequest.builder().actor(user("alice")).tenant("acme").organization("sales")
        .action("filings:submit").resource(ResourceRef.of("filing", "f-1")).approvalId("ap-1").build();
    PolicyDecisionPoint throwing = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).entitlements(Fixtures.entitlements()).auditSink(f.audit)
        .approvals(id -> {
          throw new IllegalStateException("store down");
        }).build();
    PolicyDecisionPoint nulls = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).entitlements(Fixtures.entitlements()).auditSink(f.audit)
        .approvals(id -> null).build();

    assertThat(throwing.decide(r).stage()).isEqualTo(DecisionStage.APPROVAL);
    assertThat(throwing.decide(r).reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(nulls.decide(r).reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
  }

  @Test
  void decideWhenClockThrowsThenStillDecides() {
    java.time.Clock broken = Clocks.answering(() -> {
      throw new IllegalStateException("no time");
    });
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(f.audit).clock(broken).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(d.decisionId()));
  }

  /** Regression: a clock answering null gave a PERMIT with no timestamp (to a sink overriding recordDecision). */
  @Test
  void decideWhenClockAnswersNullThenDenyNamingTheClockWithATimestamp() {
    java.time.Clock nulls = Clocks.answering(() -> null);
    java.util.List<com.algosure.audit.AuditableDecision> recorded = new java.util.ArrayList<>();
    com.algosure.audit.AuditSink decisionsOnly = new com.algosure.audit.AuditSink() {
      @Override
      public void record(com.algosure.audit.AuditEvent event) {
        throw new AssertionError("not used");
      }

      @Override
      public void recordDecision(com.algosure.audit.AuditableDecision decision) {
        recorded.add(decision);
      }
    };
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(decisionsOnly).clock(nulls).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.explanation()).contains("clock answered null");
    assertThat(d.timestamp()).isNotNull();
    assertThat(recorded).containsExactly(d);
  }

  @Test
  void decideWhenClockThrowsThenDenyNamingTheClock() {
    java.time.Clock broken = Clocks.answering(() -> {
      throw new IllegalStateException("no time");
    });
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(f.audit).clock(broken).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.reasons()).containsExactly(ReasonCode.STAGE_FAILURE);
    assertThat(d.explanation()).contains("clock answered IllegalStateException");
    assertThat(f.audit.events()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("DENY"));
  }

  @Test
  void decideWhenAuditSinkFailsAndPolicyFailClosedThenPermitBecomesDeny() {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(e -> {
          throw new IllegalStateException("disk full");
        }).build();

    AuthorizationDecision d = pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build());

    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reasons()).containsExactly(ReasonCode.AUDIT_FAILED);
    assertThat(d.stage()).isEqualTo(DecisionStage.AUDIT);
    assertThat(d.matchedRole()).isEmpty();
  }

  @Test
  void decideWhenAuditSinkFailsAndPolicyLogAndContinueThenPermitStands() {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditFailurePolicy(AuditFailurePolicy.LOG_AND_CONTINUE)
        .auditSink(e -> {
          throw new IllegalStateException("disk full");
        }).build();

    assertThat(pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales").build()).permitted())
        .isTrue();
  }

  @Test
  void decideWhenAuditSinkFailsOnDenyThenDenyStandsWithItsOwnReason() {
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG)
        .directory(Fixtures.directory()).auditSink(e -> {
          throw new IllegalStateException("disk full");
        }).build();

    assertThat(pdp.decide(Fixtures.read(user("bob")).tenant("acme").build()).reasons())
        .containsExactly(ReasonCode.TENANT_ACCESS_DENIED);
  }

  @Test
  void decideWhenAttributeValuesAreSensitiveThenTheyAreNeverAudited() {
    PolicyDecisionPoint pdp = f.pdpBuilder().attributePolicy((r, c) -> AttributeDecision.notApplicable()).build();

    pdp.decide(Fixtures.read(user("alice")).tenant("acme").organization("sales")
        .attribute("ssn", "078-05-1120").build());

    assertThat(f.audit.events().get(0).toString()).doesNotContain("078-05-1120");
  }
}
