package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.authz.Actor;
import com.algosure.authz.BindingScope;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.TenantId;
import com.algosure.testing.TestTokens;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link KeycloakMapping#map} on real Keycloak payloads and on the edge cases Keycloak produces or an attacker tries. */
class KeycloakMappingTest {

  private static final Instant EXPIRES = Instant.parse("2026-11-24T10:01:00Z");

  private static Map<String, Object> payload(String name) {
    return TestTokens.keycloakPayload(name);
  }

  private static TokenRejectedException rejected(KeycloakMapping m, Map<String, Object> claims) {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> m.map(claims, EXPIRES));
    assertThat(e).as("the claims must be refused").isNotNull();
    return e;
  }

  @Test
  void mapWhenRealmAccessResourceAccessAndGroupsAbsentThenNoRolesAndNoError() {
    Map<String, Object> claims = payload("root");
    claims.remove("realm_access");
    claims.remove("resource_access");
    claims.remove("groups");

    MappedIdentity id = KeycloakTokensTest.realmMapping().map(claims, EXPIRES);

    assertThat(id.actor().signals().roles()).isEmpty();
    assertThat(id.actor().signals().organizationHints()).isEmpty();
    assertThat(id.tenantHints()).isEmpty();
  }

  @Test
  void mapThenSignalsCarryIssuerAndTheGivenExpiry() {
    MappedIdentity id = KeycloakMapping.defaults().map(payload("alice"), EXPIRES);

    assertThat(id.actor().signals().issuer()).contains("http://127.0.0.1:18080/realms/algosure");
    assertThat(id.actor().signals().expiresAt()).contains(EXPIRES);
  }

  @Test
  void mapWhenIssuerIsAUriObjectThenItIsTheSignalsIssuer() {
    Map<String, Object> claims = payload("alice");
    claims.put("iss", URI.create("https://sso.example.com/realms/algosure"));

    assertThat(KeycloakMapping.defaults().map(claims, EXPIRES).actor().signals().issuer())
        .contains("https://sso.example.com/realms/algosure");
  }

  @Test
  void mapWhenClientRolesOfAnotherClientThenTheyMapToNothing() {
    Map<String, Object> claims = payload("alice");
    claims.put("resource_access", Map.of("account", Map.of("roles", List.of("filings:read", "manage-account"))));

    assertThat(KeycloakTokensTest.realmMapping().map(claims, EXPIRES).actor().signals().roles())
        .containsExactly(Role.of("member"));
  }

  @Test
  void mapWhenRoleAndHintClaimsHaveTheWrongTypeThenTheyAreIgnored() {
    Map<String, Object> claims = payload("alice");
    claims.put("realm_access", "platform-admin");
    claims.put("resource_access", List.of("filings-api"));
    claims.put("groups", 42);
    claims.put("org_ids", Map.of("id", "sales"));
    claims.put("amr", "otp-but-a-string-is-not-an-array");

    MappedIdentity id = KeycloakTokensTest.realmMapping().map(claims, EXPIRES);

    assertThat(id.actor().signals().roles()).isEmpty();
    assertThat(id.actor().signals().organizationHints()).isEmpty();
    assertThat(id.actor().signals().mfa()).isFalse();
  }

  @Test
  void mapWhenRolesIsOneStringOrAListWithOtherMembersThenOnlyTheStringsAreRoles() {
    Map<String, Object> claims = payload("alice");
    claims.put("realm_access", Map.of("roles", "tenant-admin"));
    claims.put("resource_access", Map.of("filings-api", Map.of("roles", java.util.Arrays.asList("filings:read", 7, null,
        Map.of("role", "filings:approve")))));

    assertThat(KeycloakTokensTest.realmMapping().map(claims, EXPIRES).actor().signals().roles())
        .containsExactlyInAnyOrder(Role.of("tenant-admin"), Role.of("filings-reader"));
  }

  @Test
  void mapWhenGroupRuleGrantsARoleThenMembersOfMatchingGroupsHoldIt() {
    KeycloakMapping m = KeycloakMapping.builder().group("/tenants/{tenant}/admins", "tenant-admin").build();
    Map<String, Object> claims = payload("alice");
    claims.put("groups", List.of("/tenants/acme/admins", "/tenants/acme/org-sales"));

    MappedIdentity id = m.map(claims, EXPIRES);

    // the group names its tenant, so its members hold the role in that tenant only
    assertThat(id.actor().signals().roles()).isEmpty();
    assertThat(id.actor().signals().scopedRoles())
        .containsExactly(Map.entry(Role.of("tenant-admin"), java.util.Set.of(BindingScope.tenant(TenantId.of("acme")))));
    assertThat(id.tenantHints()).containsExactly(TenantId.of("acme"));
  }

  @Test
  void mapWhenGroupPathIsDeeperThanThePatternThenItDoesNotMatch() {
    KeycloakMapping m = KeycloakMapping.builder().group("/tenants/{tenant}/org-{org}").build();
    Map<String, Object> claims = payload("alice");
    claims.put("groups", List.of("/tenants/acme/org-sales/team-x", "/other/acme/org-sales"));

    MappedIdentity id = m.map(claims, EXPIRES);

    assertThat(id.tenantHints()).isEmpty();
    assertThat(id.actor().signals().organizationHints()).isEmpty();
  }

  @Test
  void mapWhenPatternHasRegexCharactersThenTheyAreLiteral() {
    KeycloakMapping m = KeycloakMapping.builder().group("/t.x/{tenant}").build();
    Map<String, Object> claims = payload("alice");
    claims.put("groups", List.of("/tax/evil", "/t.x/good"));

    assertThat(m.map(claims, EXPIRES).tenantHints()).containsExactly(TenantId.of("good"));
  }

  @Test
  void mapWhenGroupNamesAnInvalidIdThenThatHintIsIgnored() {
    KeycloakMapping m = KeycloakMapping.builder().group("/tenants/{tenant}/org-{org}").build();
    Map<String, Object> claims = payload("alice");
    claims.put("groups", List.of("/tenants/ac me/org-sales", "/tenants/acme/org-support"));

    MappedIdentity id = m.map(claims, EXPIRES);

    assertThat(id.tenantHints()).containsExactly(TenantId.of("acme"));
    assertThat(id.actor().signals().organizationHints())
        .containsExactlyInAnyOrder(OrganizationId.of("sales"), OrganizationId.of("support"));
  }

  @Test
  void mapWhenTrustedTenantClaimIsAOneElementArrayThenTrusted() {
    KeycloakMapping m = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();
    Map<String, Object> claims = payload("alice");
    claims.put("tenant_id", List.of("acme"));

    assertThat(m.map(claims, EXPIRES).actor().signals().trustedTenant()).contains(TenantId.of("acme"));
  }

  @Test
  void mapWhenTrustedTenantClaimNamesTwoTenantsThenInvalidClaim() {
    KeycloakMapping m = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();
    Map<String, Object> claims = payload("alice");
    claims.put("tenant_id", List.of("acme", "globex"));

    TokenRejectedException e = rejected(m, claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'tenant_id'").contains("exactly one");
  }

  @Test
  void mapWhenTrustedTenantClaimIsNotAValidIdThenInvalidClaim() {
    KeycloakMapping m = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();
    Map<String, Object> claims = payload("alice");
    claims.put("tenant_id", "acme; drop table");

    assertThat(rejected(m, claims).reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  @Test
  void mapWhenTrustedTenantClaimIsANumberThenInvalidClaim() {
    KeycloakMapping m = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();
    Map<String, Object> claims = payload("alice");
    claims.put("tenant_id", 7);

    assertThat(rejected(m, claims).reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  @Test
  void mapWhenTrustedTenantClaimAbsentThenNoTrustedTenant() {
    KeycloakMapping m = KeycloakMapping.builder().trustedTenantClaim("tenant_id").build();

    assertThat(m.map(payload("root"), EXPIRES).actor().signals().trustedTenant()).isEmpty();
  }

  /** Keycloak's impersonation details (the "Impersonator User ID" and "Impersonator Username" mappers). */
  @Test
  void mapWhenTokenWasObtainedByImpersonationThenTheUserWithTheImpersonatorsIdInTheSignals() {
    Map<String, Object> claims = payload("alice");
    claims.put("impersonator", Map.of("id", "9c0e2f5a-7c55-4b8e-b1a4-3f2d1e0c9b8a", "username", "helpdesk"));

    Actor actor = KeycloakMapping.defaults().map(claims, EXPIRES).actor();

    assertThat(actor).isInstanceOf(Actor.User.class);
    assertThat(actor.id()).isEqualTo(claims.get("sub"));
    assertThat(actor.signals().impersonator()).contains("9c0e2f5a-7c55-4b8e-b1a4-3f2d1e0c9b8a");
    assertThat(KeycloakMapping.defaults().map(payload("alice"), EXPIRES).actor().signals().impersonator()).isEmpty();
  }

  /**
   * Regression: an RFC 8693 delegation token ({@code act}: the party acting for the subject) was mapped as the
   * subject's own; who acted was recorded nowhere and could approve the subject's requests.
   */
  @Test
  void mapWhenTokenNamesAnActingPartyThenTheCurrentActorIsInTheSignals() {
    Map<String, Object> claims = payload("alice");
    claims.put("act", Map.of("sub", "billing-agent", "act", Map.of("sub", "earlier-agent")));

    Actor actor = KeycloakMapping.defaults().map(claims, EXPIRES).actor();

    assertThat(actor.id()).isEqualTo(claims.get("sub"));
    assertThat(actor.signals().impersonator()).contains("billing-agent");
  }

  /**
   * Regression: the prior actors of a delegation chain ({@code act.act.sub}, deeper ones too) were dropped, so a
   * party that acted for the subject earlier in the chain could approve the subject's request.
   */
  @Test
  void mapWhenTokenNamesADelegationChainThenEarlierActorsAreInTheSignalsInOrder() {
    Map<String, Object> claims = payload("alice");
    claims.put("act", Map.of("sub", "billing-agent", "act", Map.of("sub", "gateway", "act", Map.of("sub", "dave"))));

    IdentitySignals signals = KeycloakMapping.defaults().map(claims, EXPIRES).actor().signals();

    assertThat(signals.impersonator()).contains("billing-agent");
    assertThat(signals.priorActors()).containsExactly("gateway", "dave");
    assertThat(KeycloakMapping.defaults().map(payload("alice"), EXPIRES).actor().signals().priorActors()).isEmpty();
  }

  @Test
  void mapWhenAnEarlierActorIsNotAValidIdThenInvalidClaim() {
    Map<String, Object> claims = payload("alice");
    claims.put("act", Map.of("sub", "billing-agent", "act", Map.of("sub", "da ve\n")));

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'act'").doesNotContain("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"string", "no-sub", "number-sub", "nested-string", "nested-no-sub", "number-iss"})
  void mapWhenActClaimIsIllFormedThenMalformed(String shape) {
    Map<String, Object> claims = payload("alice");
    claims.put("act", switch (shape) {
      case "string" -> "billing-agent";
      case "no-sub" -> Map.of("client_id", "billing-agent");
      case "number-sub" -> Map.of("sub", 7);
      case "nested-string" -> Map.of("sub", "billing-agent", "act", "earlier-agent");
      case "nested-no-sub" -> Map.of("sub", "billing-agent", "act", Map.of());
      default -> Map.of("sub", "billing-agent", "iss", 7);
    });

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(e.getMessage()).contains("'act'");
  }

  /** One acting party is recorded: a token naming two different ones cannot be traced to either alone. */
  @Test
  void mapWhenImpersonatorAndADifferentActingPartyThenInvalidClaim() {
    Map<String, Object> claims = payload("alice");
    claims.put("impersonator", Map.of("id", "dave", "username", "dave"));
    claims.put("act", Map.of("sub", "billing-agent"));

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'impersonator'").contains("'act'");
  }

  @Test
  void mapWhenImpersonatorAndActingPartyAreTheSamePersonThenThatPersonIsInTheSignals() {
    Map<String, Object> claims = payload("alice");
    claims.put("impersonator", Map.of("id", "dave", "username", "dave"));
    claims.put("act", Map.of("sub", "dave"));

    assertThat(KeycloakMapping.defaults().map(claims, EXPIRES).actor().signals().impersonator()).contains("dave");
  }

  /**
   * Regression: with the issuer as a URI object (as a host passing Spring's converted claims has it, and as
   * {@link #mapWhenIssuerIsAUriObjectThenItIsTheSignalsIssuer} accepts), {@code act.iss} naming that same issuer was
   * compared with the object, never equal to the string, and every such delegation token was refused.
   */
  @Test
  void mapWhenIssuerIsAUriObjectAndTheActingPartyNamesTheSameIssuerThenTheActingPartyIsRecorded() {
    Map<String, Object> claims = payload("alice");
    claims.put("iss", URI.create("https://sso.example.com/realms/algosure"));
    claims.put("act", Map.of("sub", "billing-agent", "iss", "https://sso.example.com/realms/algosure"));

    assertThat(KeycloakMapping.defaults().map(claims, EXPIRES).actor().signals().impersonator())
        .contains("billing-agent");
  }

  /** The acting party's id is recorded in the subject's namespace: one another issuer named is refused. */
  @Test
  void mapWhenActingPartyIsNamedByAnotherIssuerThenInvalidClaim() {
    Map<String, Object> claims = payload("alice");
    claims.put("act", Map.of("sub", "billing-agent", "iss", "https://other.example.com"));

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'act'").contains("'iss'");
  }

  /**
   * Regression: a token saying it was obtained by impersonation without naming who (no object, no id, an id that is
   * no identifier) was mapped as the user's own, untraceably.
   */
  @ParameterizedTest
  @ValueSource(strings = {"string", "no-id", "number-id", "bad-id"})
  void mapWhenImpersonatorClaimDoesNotNameTheImpersonatorThenInvalidClaim(String shape) {
    Map<String, Object> claims = payload("alice");
    claims.put("impersonator", switch (shape) {
      case "string" -> "helpdesk";
      case "no-id" -> Map.of("username", "helpdesk");
      case "number-id" -> Map.of("id", 7, "username", "helpdesk");
      default -> Map.of("id", "help desk\n", "username", "helpdesk");
    });

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'impersonator'").doesNotContain("\n");
  }

  @Test
  void mapWhenServiceAccountUsernameNamesAnotherClientThenInvalidClaim() {
    Map<String, Object> claims = payload("billing-worker");
    claims.put("preferred_username", "service-account-filings-api");

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("'billing-worker'");
  }

  /**
   * Regression: Keycloak keeps usernames in lower case, so the service-account user of client {@code Billing-Worker} is
   * {@code service-account-billing-worker}, and every token of that client was refused as naming another client.
   */
  @Test
  void mapWhenClientIdHasCapitalsAndKeycloakLowerCasedTheServiceAccountUsernameThenTheServiceAccount() {
    Map<String, Object> claims = payload("billing-worker");
    claims.put("client_id", "Billing-Worker");
    claims.put("azp", "Billing-Worker");
    claims.put("preferred_username", "service-account-billing-worker");

    Actor actor = KeycloakMapping.defaults().map(claims, EXPIRES).actor();

    assertThat(actor).isEqualTo(Actor.serviceAccount("Billing-Worker", actor.signals()));
  }

  @Test
  void mapWhenServiceAccountTokenOfKeycloakBefore25HasClientIdInCamelCaseThenItNamesTheClient() {
    Map<String, Object> claims = payload("billing-worker");
    claims.put("clientId", claims.remove("client_id"));

    Actor actor = KeycloakMapping.defaults().map(claims, EXPIRES).actor();

    assertThat(actor).isEqualTo(Actor.serviceAccount("billing-worker", actor.signals()));
  }

  /**
   * azp named the client, so a user who chose the username service-account-filings-api became that client. Such a
   * token (no client_id) cannot be told from filings-api's own service-account token without its client id claim, so
   * it is refused: never that client, and never a person by a guess.
   */
  @Test
  void mapWhenUserNamedLikeAServiceAccountSignsInThroughThatClientThenRefusedNotTheServiceAccount() {
    Map<String, Object> claims = payload("alice-via-filings-api");
    claims.put("preferred_username", "service-account-filings-api");

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
  }

  /**
   * Regression: a Keycloak service-account token without its client id claim ({@code client_id}, before Keycloak 25
   * {@code clientId}: the "service_account" client scope's mapper removed, or not in a lightweight token) was mapped
   * as a person, with the service-account user's {@code sub} as id: the client escaped its least-privilege bindings
   * and counted as a person wherever the directory knows that user.
   */
  @Test
  void mapWhenServiceAccountTokenLacksItsClientIdClaimThenMissingClaimNotAUser() {
    Map<String, Object> claims = payload("billing-worker");
    claims.remove("client_id");

    TokenRejectedException e = rejected(KeycloakMapping.defaults(), claims);

    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
    assertThat(e.getMessage()).contains("'preferred_username'", "'service-account-'", "client_id", "clientId");
  }

  @Test
  void mapWhenUserTokenThenUserEvenIfItCarriesAzp() {
    Actor actor = KeycloakMapping.defaults().map(payload("alice-via-filings-api"), EXPIRES).actor();

    assertThat(actor).isInstanceOf(Actor.User.class);
  }

  @Test
  void mapWhenServiceAccountPrefixConfiguredThenItMarksServiceAccounts() {
    KeycloakMapping m = KeycloakMapping.builder().serviceAccountUsernamePrefix("svc-").build();
    Map<String, Object> claims = payload("billing-worker");
    claims.put("preferred_username", "svc-billing-worker");

    assertThat(m.map(claims, EXPIRES).actor()).isInstanceOf(Actor.ServiceAccount.class);
    assertThat(m.map(payload("billing-worker"), EXPIRES).actor()).isInstanceOf(Actor.User.class);
  }

  @Test
  void mapWhenUserTokenLacksSubThenMissingClaim() {
    Map<String, Object> claims = payload("alice");
    claims.remove("sub");

    assertThat(rejected(KeycloakMapping.defaults(), claims).reason()).isEqualTo(TokenRejectionReason.MISSING_CLAIM);
  }

  @Test
  void mapWhenSubIsNotAStringThenInvalidClaim() {
    Map<String, Object> claims = payload("alice");
    claims.put("sub", List.of("a", "b"));

    assertThat(rejected(KeycloakMapping.defaults(), claims).reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  @Test
  void mapWhenAmrAndAcrCountAsMfaThenTheSignalsNameTheValuesThatCounted() {
    KeycloakMapping m = KeycloakMapping.builder().mfaAcrValues("gold").build();
    Map<String, Object> claims = payload("root");
    claims.put("amr", List.of("pwd", "otp", "hwk"));
    claims.put("acr", "gold");

    assertThat(m.map(claims, EXPIRES).actor().signals().mfaEvidence()).containsExactly("amr:otp", "amr:hwk", "acr:gold");
  }

  @Test
  void buildWhenMfaEvidenceCouldBreakARecordThenRefused() {
    assertThatThrownBy(() -> IdentitySignals.builder().mfaEvidence(List.of("amr:otp\nforged=1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("\n");
    assertThat(IdentitySignals.builder().mfaEvidence(List.of("amr:otp")).mfa(false).build().mfaEvidence()).isEmpty();
  }

  @Test
  void mapWhenNoMfaEvidenceThenTheSignalsNameNone() {
    Map<String, Object> claims = payload("root");
    claims.put("amr", List.of("pwd"));

    assertThat(KeycloakMapping.defaults().map(claims, EXPIRES).actor().signals().mfaEvidence()).isEmpty();
  }

  @Test
  void mapWhenAcrValueConfiguredThenAcrIsMfaEvidence() {
    KeycloakMapping m = KeycloakMapping.builder().mfaAcrValues("gold", "2").build();
    Map<String, Object> claims = payload("root");
    claims.put("acr", "2");

    assertThat(m.map(claims, EXPIRES).actor().signals().mfa()).isTrue();
  }

  /**
   * Keycloak writes acr "1" after any full login (a password alone too) and "0" after one from the SSO cookie, and
   * a password-only token carries amr "pwd": configured as MFA evidence, each would make a single factor pass for MFA.
   */
  @Test
  void buildWhenMfaEvidenceIsASingleFactorThenRefusedSayingWhatToList() {
    for (String acr : List.of("1", "0")) {
      assertThatThrownBy(() -> KeycloakMapping.builder().mfaAcrValues("2", acr))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("acr '" + acr + "'")
          .hasMessageContaining("step-up");
    }
    for (String amr : List.of("pwd", "pin", "kba")) {
      assertThatThrownBy(() -> KeycloakMapping.builder().mfaAmrValues("otp", amr))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("amr '" + amr + "'")
          .hasMessageContaining("second factor");
    }
  }

  @Test
  void fromJsonWhenMfaEvidenceIsASingleFactorThenRefusedNamingTheField() {
    assertThatThrownBy(() -> KeycloakMapping.fromJson(new ByteArrayInputStream(
        "{\"mfa\": {\"acr\": [\"1\"]}}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidKeycloakMappingException.class)
        .hasMessageContaining("mfa.acr")
        .hasMessageContaining("acr '1'");
    assertThatThrownBy(() -> KeycloakMapping.fromJson(new ByteArrayInputStream(
        "{\"mfa\": {\"amr\": [\"otp\", \"pwd\"]}}".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(InvalidKeycloakMappingException.class)
        .hasMessageContaining("mfa.amr")
        .hasMessageContaining("amr 'pwd'");
  }

  @Test
  void mapWhenKeycloakAcrIsOneThenNoMfaByDefault() {
    assertThat(KeycloakMapping.defaults().map(payload("root"), EXPIRES).actor().signals().mfa()).isFalse();
  }

  @Test
  void mapWhenAmrValuesConfiguredThenOnlyThoseCount() {
    KeycloakMapping hardwareOnly = KeycloakMapping.builder().mfaAmrValues("hwk").build();

    assertThat(hardwareOnly.map(payload("carol-mfa"), EXPIRES).actor().signals().mfa()).isFalse();
    assertThat(KeycloakMapping.defaults().map(payload("carol-mfa"), EXPIRES).actor().signals().mfa()).isTrue();
  }

  @Test
  void mapWhenServiceAccountThenAmrIsEmptyAndNoMfa() {
    assertThat(KeycloakMapping.defaults().map(payload("billing-worker"), EXPIRES).actor().signals().mfa()).isFalse();
  }

  // Builder

  @Test
  void realmRoleWhenTheSameRuleTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().realmRole("member", "member");

    assertThatThrownBy(() -> b.realmRole("member", "member")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("realm role 'member' -> role 'member' is declared twice");
  }

  @Test
  void realmRoleMayMapToSeveralAlgosureRoles() {
    KeycloakMapping m = KeycloakMapping.builder().realmRole("member", "member").realmRole("member", "reader").build();

    assertThat(m.map(payload("alice"), EXPIRES).actor().signals().roles())
        .containsExactlyInAnyOrder(Role.of("member"), Role.of("reader"));
  }

  @Test
  void clientRoleWhenTheSameRuleTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().clientRole("filings-api", "filings:read", "reader");

    assertThatThrownBy(() -> b.clientRole("filings-api", "filings:read", "reader"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client role 'filings-api'/'filings:read' -> role 'reader' is declared twice");
  }

  @Test
  void realmRoleWhenAlgosureRoleNameIsInvalidThenRefused() {
    assertThatThrownBy(() -> KeycloakMapping.builder().realmRole("member", "a role")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role 'a role' is not valid");
  }

  @Test
  void realmRoleWhenBlankThenRefused() {
    assertThatThrownBy(() -> KeycloakMapping.builder().realmRole(" ", "member")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("realm role must not be null or blank");
  }

  @Test
  void trustedTenantClaimWhenSetTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().trustedTenantClaim("tenant_id");

    assertThatThrownBy(() -> b.trustedTenantClaim("tenant")).isInstanceOf(IllegalStateException.class)
        .hasMessage("trusted tenant claim was already set to 'tenant_id'");
  }

  @Test
  void tenantClaimWhenBothHintAndTrustedThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().tenantHintClaim("tenant_id");

    assertThatThrownBy(() -> b.trustedTenantClaim("tenant_id")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant claim 'tenant_id' is declared twice");
  }

  @Test
  void serviceAccountPrefixWhenSetTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().serviceAccountUsernamePrefix("svc-");

    assertThatThrownBy(() -> b.serviceAccountUsernamePrefix("sa-")).isInstanceOf(IllegalStateException.class)
        .hasMessage("service-account username prefix was already set to 'svc-'");
  }

  @Test
  void mfaAmrValuesWhenSetTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().mfaAmrValues("otp");

    assertThatThrownBy(() -> b.mfaAmrValues("hwk")).isInstanceOf(IllegalStateException.class)
        .hasMessage("MFA amr values were already set to [otp]");
  }

  @Test
  void groupWhenPatternDoesNotStartWithSlashThenRefused() {
    assertThatThrownBy(() -> KeycloakMapping.builder().group("tenants/{tenant}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group pattern 'tenants/{tenant}' must be a Keycloak group path starting with '/', such as "
            + "/tenants/{tenant}/org-{org}");
  }

  /**
   * A template ending in '/' or holding an empty segment was accepted, though no Keycloak group path has either: the
   * rule never matched, and the members of '/tenants/acme/admins' silently lost the role it was written to give.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/tenants/{tenant}/admins/", "/tenants//{tenant}", "//tenants/{tenant}", "/"})
  void groupWhenTemplateEndsInSlashOrHasAnEmptySegmentThenRefusedAsMatchingNothing(String pattern) {
    assertThatThrownBy(() -> KeycloakMapping.builder().group(pattern, "tenant-admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group pattern '" + pattern + "'")
        .hasMessageContaining("no Keycloak group path")
        .hasMessageContaining("such as /tenants/{tenant}/org-{org}");
  }

  @Test
  void groupWhenUnknownOrRepeatedPlaceholderThenRefused() {
    String message = "may hold only the placeholders {tenant} and {org}, each at most once";
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/t/{team}")).hasMessageContaining(message);
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/t/{tenant}/{tenant}")).hasMessageContaining(message);
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/t/}{tenant}")).hasMessageContaining(message);
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/t/{tenant")).hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/tenants/{tenant}{org}", "/t/{tenant}-{org}", "/t/{org}.{tenant}", "/t/x{tenant}_{org}y"})
  void groupWhenTwoPlaceholdersShareAPathSegmentThenRefusedSayingWhatToWrite(String pattern) {
    // "/t/{tenant}-{org}" split "acme-eu-sales" greedily as tenant "acme-eu", organization "sales"
    assertThatThrownBy(() -> KeycloakMapping.builder().group(pattern)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group pattern '" + pattern + "'").hasMessageContaining("one path segment")
        .hasMessageContaining("a segment of its own");
  }

  @Test
  void groupWhenPlaceholderSharesItsSegmentWithFixedTextOnlyThenItMatchesTheRest() {
    KeycloakMapping m = KeycloakMapping.builder().group("/tenants/{tenant}/org-{org}-team").build();

    MappedIdentity id = m.map(Map.of("sub", "u1", "groups", List.of("/tenants/acme/org-eu-sales-team")), EXPIRES);

    assertThat(id.tenantHints()).containsExactly(TenantId.of("acme"));
    assertThat(id.actor().signals().organizationHints()).containsExactly(OrganizationId.of("eu-sales"));
  }

  @Test
  void groupWhenNoPlaceholderAndNoRoleThenRefused() {
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/staff")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group pattern '/staff' has no {tenant} or {org} placeholder and grants no role, so it would map nothing");
  }

  /**
   * Regression: a group rule without {@code {tenant}} granted its role in every tenant its members can reach (and a
   * privileged role across tenants), as a realm role does, though nothing in {@code group("/acme-admins",
   * "tenant-admin")} said so: a host naming the tenant in the group's name made acme's admins admins of globex.
   */
  @Test
  void groupWhenRoleButNoTenantPlaceholderThenRefusedSayingHowToDeclareAPlatformWideGroup() {
    assertThatThrownBy(() -> KeycloakMapping.builder().group("/acme-admins", "tenant-admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("group pattern '/acme-admins' grants role 'tenant-admin' but has no {tenant} placeholder")
        .hasMessageContaining("every tenant")
        .hasMessageContaining("platformGroup(\"/acme-admins\", \"tenant-admin\")");
  }

  @Test
  void platformGroupWhenPathHasAPlaceholderThenRefused() {
    assertThatThrownBy(() -> KeycloakMapping.builder().platformGroup("/tenants/{tenant}/admins", "tenant-admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("platform group '/tenants/{tenant}/admins'")
        .hasMessageContaining("group(\"/tenants/{tenant}/admins\", \"tenant-admin\")");
  }

  @Test
  void platformGroupWhenLiteralPathThenItsRoleIsAPlatformWideSignal() {
    KeycloakMapping m = KeycloakMapping.builder().platformGroup("/staff", "staff").build();
    Map<String, Object> claims = payload("alice");
    claims.put("groups", List.of("/staff"));

    assertThat(m.map(claims, EXPIRES).actor().signals().roles()).containsExactly(Role.of("staff"));
  }

  @Test
  void groupWhenDeclaredTwiceThenRefused() {
    KeycloakMapping.Builder b = KeycloakMapping.builder().group("/tenants/{tenant}");

    assertThatThrownBy(() -> b.group("/tenants/{tenant}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group pattern '/tenants/{tenant}' is declared twice");
  }

  @Test
  void toStringNamesTheRules() {
    assertThat(KeycloakTokensTest.realmMapping().toString()).contains("platform-admin", "/tenants/{tenant}/org-{org}",
        "tenant_id");
  }
}
