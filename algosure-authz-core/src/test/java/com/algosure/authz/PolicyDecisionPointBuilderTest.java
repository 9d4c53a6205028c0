package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyDecisionPointBuilderTest {

  @Test
  void buildWhenCatalogueMissingThenExplains() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().directory(Fixtures.directory()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("roleCatalog is required: set it with roleCatalog(RoleCatalog.fromJson(...))");
  }

  @Test
  void buildWhenDirectoryMissingThenExplains() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("directory is required");
  }

  @Test
  void buildWhenDirectoryAnswersNullServiceAccountsThenExplains() {
    com.algosure.authz.spi.InMemoryDirectory real = Fixtures.directory();
    com.algosure.authz.spi.Directory nulls = new Fixtures.HostDirectory(real) {
      @Override
      public com.algosure.authz.spi.Directory serviceAccounts() {
        return null;
      }
    };

    assertThatThrownBy(() -> PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).directory(nulls).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("answered null to serviceAccounts()");
  }

  @Test
  void builderWhenOptionSetTwiceThenRejected() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().auditSink(AuditSink.inMemory()).auditSink(AuditSink.inMemory()))
        .isInstanceOf(IllegalStateException.class).hasMessage("auditSink was already set");
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().roleCatalog(Fixtures.CATALOG).roleCatalog(Fixtures.CATALOG))
        .isInstanceOf(IllegalStateException.class).hasMessage("roleCatalog was already set");
  }

  /** Regression: a second requireDomainPolicy(false), from another piece of configuration, silently undid a true. */
  @Test
  void builderWhenRequireDomainPolicySetTwiceThenRejected() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().requireDomainPolicy(true).requireDomainPolicy(false))
        .isInstanceOf(IllegalStateException.class).hasMessage("requireDomainPolicy was already set");
  }

  @Test
  void builderWhenDomainPolicyRegisteredTwiceThenRejected() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().domainPolicy("filing", (r, c) -> null)
        .domainPolicy("filing", (r, c) -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("domainPolicy for resource type 'filing' was already set");
  }

  /** Two policies for one domain spelled in two cases would make the one a request gets depend on its spelling. */
  @Test
  void builderWhenDomainPolicyRegisteredForACaseVariantThenRejected() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().domainPolicy("filing", (r, c) -> null)
        .domainPolicy("Filing", (r, c) -> null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("domainPolicy for resource type 'Filing' cannot be set: resource type 'filing' has one, and types"
            + " differing only in case name one domain");
  }

  @Test
  void builderWhenEntitlementTtlOutOfRangeThenRejected() {
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().entitlementCacheTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("entitlementCacheTtl must be between 0 and 1 hour, was PT-1S");
    assertThatThrownBy(() -> PolicyDecisionPoint.builder().entitlementCacheTtl(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void buildWhenBuilderChangedAfterBuildThenBuiltPdpIsUnaffected() {
    Fixtures f = Fixtures.create();
    PolicyDecisionPoint.Builder b = f.pdpBuilder();
    PolicyDecisionPoint pdp = b.build();
    b.domainPolicy("filing", (r, c) -> com.algosure.authz.spi.DomainDecision.deny("later"));

    assertThat(pdp.decide(Fixtures.read(Actor.user("alice")).tenant("acme").organization("sales").build()).permitted())
        .isTrue();
  }

  @Test
  void valuesWhenInvalidThenRejectedWithTheValueCut() {
    assertThatThrownBy(() -> TenantId.of("acme corp")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant id 'acme corp' is not valid: use 1 to 128 letters, digits or . _ - : @ /");
    assertThatThrownBy(() -> TenantId.of("x".repeat(500))).hasMessageContaining("...")
        .hasMessageNotContaining("x".repeat(100));
    assertThatThrownBy(() -> OrganizationId.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Permission.of("a\nb")).hasMessageContaining("'a?b'");
    assertThatThrownBy(() -> ResourceRef.of("filing", null)).hasMessageContaining("ResourceRef.type(type)");
  }
}
