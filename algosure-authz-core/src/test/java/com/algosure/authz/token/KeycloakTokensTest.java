package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.authz.Actor;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.TenantId;
import com.algosure.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real Keycloak 26 access-token payloads (captured from the realm in shared/keycloak), re-signed with the test's
 * key for the WireMock issuer and the test clock, validated and mapped end to end.
 */
class KeycloakTokensTest extends ValidatorTestSupport {

  /** The mapping a host of the algosure realm would declare. */
  static KeycloakMapping realmMapping() {
    return KeycloakMapping.builder()
        .realmRole("platform-admin", "platform-admin")
        .realmRole("tenant-admin", "tenant-admin")
        .realmRole("member", "member")
        .clientRole("filings-api", "filings:read", "filings-reader")
        .clientRole("filings-api", "filings:write", "filings-writer")
        .clientRole("filings-api", "filings:approve", "filings-approver")
        .group("/tenants/{tenant}")
        .group("/tenants/{tenant}/org-{org}")
        .tenantHintClaim("tenant_id")
        .organizationClaim("org_ids")
        .build();
  }

  private AccessTokenValidator keycloakValidator(KeycloakMapping mapping) {
    return open(builder().issuer(realm().build()).mapping(mapping));
  }

  private AuthenticatedToken validate(String user) {
    return keycloakValidator(realmMapping()).validate(TestTokens.keycloak(user, key, issuer(), NOW).sign());
  }

  private static Set<Role> roles(String... names) {
    Set<Role> out = new java.util.HashSet<>();
    for (String n : names) {
      out.add(Role.of(n));
    }
    return out;
  }

  @Test
  void aliceIsAMemberOfTwoOrganizationsOfAcme() {
    AuthenticatedToken t = validate("alice");

    assertThat(t.actor()).isInstanceOf(Actor.User.class);
    assertThat(t.actor().id()).isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf");
    IdentitySignals s = t.actor().signals();
    assertThat(s.roles()).isEqualTo(roles("member", "filings-reader", "filings-writer"));
    assertThat(s.organizationHints()).containsExactlyInAnyOrder(OrganizationId.of("sales"), OrganizationId.of("support"));
    assertThat(t.tenantHints()).containsExactly(TenantId.of("acme"));
    assertThat(s.trustedTenant()).isEmpty();
    assertThat(s.mfa()).isFalse();
    assertThat(s.issuer()).contains(issuer());
    assertThat(t.audiences()).containsExactly("filings-api");
  }

  @Test
  void aliceSignalsExpireAtTheTokensExpiryPlusTheClockSkew() {
    AuthenticatedToken t = validate("alice");

    // Keycloak's realm issues 24-hour tokens (exp - iat = 86400 in the captured payload)
    assertThat(t.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    assertThat(t.actor().signals().expiresAt()).contains(NOW.plus(Duration.ofDays(1)).plusSeconds(60));
  }

  @Test
  void bobIsTenantAdminOfGlobex() {
    AuthenticatedToken t = validate("bob");

    assertThat(t.actor()).isEqualTo(Actor.user("59dc9676-fb74-4971-b631-1aef2c963fed", t.actor().signals()));
    assertThat(t.actor().signals().roles())
        .isEqualTo(roles("tenant-admin", "member", "filings-approver", "filings-reader"));
    assertThat(t.tenantHints()).containsExactly(TenantId.of("globex"));
    assertThat(t.actor().signals().organizationHints()).containsExactly(OrganizationId.of("hq"));
  }

  @Test
  void rootIsPlatformAdminWithoutMfa() {
    AuthenticatedToken t = validate("root");

    assertThat(t.actor().signals().roles()).contains(Role.of("platform-admin"));
    assertThat(t.actor().signals().mfa()).isFalse();
    assertThat(t.tenantHints()).isEmpty();
    assertThat(t.actor().signals().organizationHints()).isEmpty();
  }

  @Test
  void carolIsPlatformAdminWithMfaFromAmrOtp() {
    AuthenticatedToken t = validate("carol-mfa");

    assertThat(t.actor().signals().roles()).contains(Role.of("platform-admin"));
    assertThat(t.actor().signals().mfa()).isTrue();
    // Keycloak reports acr "1" even after OTP: the evidence is in amr
    assertThat(t.stringClaim("acr")).contains("1");
    assertThat(t.stringListClaim("amr")).containsExactly("pwd", "otp");
    // which evidence counted, for the audit record of a cross-tenant decision: otp, not the password
    assertThat(t.actor().signals().mfaEvidence()).containsExactly("amr:otp");
  }

  @Test
  void aliceViaTheConfidentialClientIsStillAliceNotAServiceAccount() {
    AuthenticatedToken t = validate("alice-via-filings-api");

    assertThat(t.actor()).isInstanceOf(Actor.User.class);
    assertThat(t.actor().id()).isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf");
    assertThat(t.stringClaim("azp")).contains("filings-api");
  }

  @Test
  void billingWorkerIsAServiceAccountOfItsClient() {
    AuthenticatedToken t = validate("billing-worker");

    assertThat(t.actor()).isInstanceOf(Actor.ServiceAccount.class);
    assertThat(((Actor.ServiceAccount) t.actor()).clientId()).isEqualTo("billing-worker");
    assertThat(t.actor().signals().roles()).isEqualTo(roles("filings-reader"));
    assertThat(t.actor().signals().mfa()).isFalse();
    assertThat(t.subject()).isEqualTo("1e17e246-4860-48df-8941-8a419f715c56");
    assertThat(t.tenantHints()).containsExactly(TenantId.of("acme"));
  }

  @Test
  void tenantClaimDeclaredTrustedFillsTheTrustedTenant() {
    KeycloakMapping trusting = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();

    AuthenticatedToken t = keycloakValidator(trusting).validate(TestTokens.keycloak("bob", key, issuer(), NOW).sign());

    assertThat(t.actor().signals().trustedTenant()).contains(TenantId.of("globex"));
  }

  @Test
  void tenantClaimNotDeclaredTrustedIsOnlyAHint() {
    AuthenticatedToken t = validate("bob");

    assertThat(t.actor().signals().trustedTenant()).isEmpty();
  }

  @Test
  void keycloakRolesWithoutARuleMapToNothing() {
    AuthenticatedToken t = keycloakValidator(KeycloakMapping.defaults())
        .validate(TestTokens.keycloak("root", key, issuer(), NOW).sign());

    assertThat(t.actor().signals().roles()).isEmpty();
  }

  @Test
  void issuerWithItsOwnMappingUsesItInsteadOfTheValidators() {
    KeycloakMapping own = KeycloakMapping.builder().realmRole("member", "realm-b-member").build();
    AccessTokenValidator v = open(builder().issuer(realm().mapping(own).build()).mapping(realmMapping()));

    AuthenticatedToken t = v.validate(TestTokens.keycloak("alice", key, issuer(), NOW).sign());

    assertThat(t.actor().signals().roles()).isEqualTo(roles("realm-b-member"));
  }

  @Test
  void idTokenOfAliceIsRefused() {
    String idToken = TestTokens.keycloak("alice-id-token", key, issuer(), NOW).audience(AUDIENCE).sign();

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
        () -> keycloakValidator(realmMapping()).validate(idToken));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_TYPE);
  }

  @Test
  void payloadIssuedForAnotherAudienceIsRefused() {
    // alice's ID token names the public client algosure-cli as its audience
    String wrongAudience = TestTokens.keycloak("alice-id-token", key, issuer(), NOW).claim("typ", "Bearer").sign();

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
        () -> keycloakValidator(realmMapping()).validate(wrongAudience));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.WRONG_AUDIENCE);
  }

  @Test
  void realKeycloakPayloadAfterItsLifetimeIsExpired() {
    AccessTokenValidator v = keycloakValidator(realmMapping());
    String token = TestTokens.keycloak("carol-mfa", key, issuer(), NOW).sign();
    clock.set(NOW.plus(Duration.ofDays(1)).plusSeconds(61));

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(token));

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.EXPIRED);
  }

  @Test
  void validatedAtAnyInstantTheIssuedAtIsTheTestClock() {
    Instant later = NOW.plus(Duration.ofHours(3));
    clock.set(later);

    AuthenticatedToken t = keycloakValidator(realmMapping())
        .validate(TestTokens.keycloak("alice", key, issuer(), later).sign());

    assertThat(t.claims()).containsEntry("iat", later.getEpochSecond());
  }
}
