package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.Directory;
import com.algosure.testing.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * From a Keycloak token to a decision: the validated actor's signals are what the decision point combines with the
 * directory (tokens are hints, the directory is truth).
 */
class TokenToDecisionTest extends ValidatorTestSupport {

  private AccessTokenValidator validator;
  private PolicyDecisionPoint pdp;

  @BeforeEach
  void wire() {
    validator = open(builder().issuer(realm().build()).mapping(KeycloakTokensTest.realmMapping()));
    pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder()
            .permissions("filings:read", "tenants:administer")
            .role("filings-reader", "filings:read")
            .privilegedRole("platform-admin", "tenants:administer")
            .build())
        .directory(Directory.inMemory()
            .organization("acme", "sales").organization("acme", "support").organization("globex", "hq")
            .member("c2ffedce-bc99-4867-a99d-2c5f752960bf", "sales", "support")
            .build())
        .auditSink(AuditSink.inMemory())
        .clock(clock)
        .build();
  }

  private AuthorizationDecision decide(Actor actor, String tenant, String organization, String action) {
    AuthorizationRequest.Builder r = AuthorizationRequest.builder().actor(actor).tenant(tenant).action(action)
        .resource(ResourceRef.type("filing"));
    if (organization != null) {
      r.organization(organization);
    }
    return pdp.decide(r.build());
  }

  @Test
  void aliceReadsFilingsOfTheOrganizationSheNames() {
    Actor alice = validator.authenticate(TestTokens.keycloak("alice", key, issuer(), NOW).sign());

    assertThat(decide(alice, "acme", "sales", "filings:read").effect()).isEqualTo(Effect.PERMIT);
  }

  @Test
  void aliceWithoutAnActiveOrganizationIsDeniedAsAmbiguous() {
    Actor alice = validator.authenticate(TestTokens.keycloak("alice", key, issuer(), NOW).sign());

    assertThat(decide(alice, "acme", null, "filings:read").reasons()).containsExactly(ReasonCode.ORGANIZATION_AMBIGUOUS);
  }

  @Test
  void aliceActorAfterTheTokenExpiredPlusSkewIsDenied() {
    Actor alice = validator.authenticate(TestTokens.keycloak("alice", key, issuer(), NOW).sign());

    clock.advance(Duration.ofDays(1).plusSeconds(60));

    assertThat(decide(alice, "acme", "sales", "filings:read").reasons()).containsExactly(ReasonCode.ACTOR_EXPIRED);
  }

  @Test
  void rootAdministeringAnotherTenantWithoutMfaMustStepUp() {
    Actor root = validator.authenticate(TestTokens.keycloak("root", key, issuer(), NOW).sign());

    assertThat(decide(root, "globex", "hq", "tenants:administer").effect()).isEqualTo(Effect.STEP_UP_REQUIRED);
  }

  @Test
  void carolAdministeringAnotherTenantWithOtpIsPermitted() {
    Actor carol = validator.authenticate(TestTokens.keycloak("carol-mfa", key, issuer(), NOW).sign());

    AuthorizationDecision d = decide(carol, "globex", "hq", "tenants:administer");

    assertThat(d.effect()).isEqualTo(Effect.PERMIT);
    assertThat(d.reasons()).contains(ReasonCode.CROSS_TENANT_ADMINISTRATION);
  }

  @Test
  void billingWorkerTokenRoleAloneDoesNotPermit() {
    Actor worker = validator.authenticate(TestTokens.keycloak("billing-worker", key, issuer(), NOW).sign());

    assertThat(decide(worker, "acme", "sales", "filings:read").effect()).isEqualTo(Effect.DENY);
  }
}
