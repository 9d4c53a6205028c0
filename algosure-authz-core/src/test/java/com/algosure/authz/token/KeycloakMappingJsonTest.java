package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.authz.Role;
import com.algosure.testing.TestTokens;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeycloakMappingJsonTest {

  private static final Instant EXPIRES = Instant.parse("2026-11-24T10:01:00Z");

  private static KeycloakMapping load(String json) {
    return KeycloakMapping.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static InvalidKeycloakMappingException invalid(String json) {
    InvalidKeycloakMappingException e = catchThrowableOfType(InvalidKeycloakMappingException.class, () -> load(json));
    assertThat(e).as("the mapping must be refused").isNotNull();
    return e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice", "bob", "root", "carol-mfa", "alice-via-filings-api", "billing-worker"})
  void fromJsonMapsLikeTheSameMappingBuiltInCode(String user) throws IOException {
    KeycloakMapping fromJson;
    try (InputStream in = getClass().getResourceAsStream("/keycloak/algosure-mapping.json")) {
      fromJson = KeycloakMapping.fromJson(in);
    }

    assertThat(fromJson.map(TestTokens.keycloakPayload(user), EXPIRES))
        .isEqualTo(KeycloakTokensTest.realmMapping().map(TestTokens.keycloakPayload(user), EXPIRES));
  }

  @Test
  void fromJsonWhenEmptyObjectThenTheDefaults() {
    assertThat(load("{}").map(TestTokens.keycloakPayload("carol-mfa"), EXPIRES))
        .isEqualTo(KeycloakMapping.defaults().map(TestTokens.keycloakPayload("carol-mfa"), EXPIRES));
  }

  @Test
  void fromJsonWhenTrustedTenantClaimThenItFillsTheTrustedTenant() {
    KeycloakMapping m = load("{\"tenantClaims\": [{\"claim\": \"tenant_id\", \"trusted\": true}]}");

    assertThat(m.map(TestTokens.keycloakPayload("bob"), EXPIRES).actor().signals().trustedTenant())
        .hasValueSatisfying(t -> assertThat(t.value()).isEqualTo("globex"));
  }

  @Test
  void fromJsonWhenAcrValuesThenTheyCountAsMfa() {
    KeycloakMapping m = load("{\"mfa\": {\"acr\": [\"gold\"]}}");
    Map<String, Object> steppedUp = TestTokens.keycloakPayload("root");
    steppedUp.put("acr", "gold");

    assertThat(m.map(steppedUp, EXPIRES).actor().signals().mfa()).isTrue();
    assertThat(m.map(TestTokens.keycloakPayload("root"), EXPIRES).actor().signals().mfa()).isFalse(); // acr "1"
  }

  @Test
  void fromJsonWhenNotJsonThenLineAndColumn() {
    InvalidKeycloakMappingException e = invalid("{\n  \"realmRoles\": [,]\n}");

    assertThat(e.location()).isEqualTo("line 2, column 18");
    assertThat(e.getMessage()).startsWith("Keycloak mapping, at line 2, column 18: not valid JSON");
  }

  /** A document past the reader's limits threw a NullPointerException (the parser's error has no location). */
  @Test
  void fromJsonWhenNestedTooDeeplyThenTheErrorSaysSoAndWhere() {
    InvalidKeycloakMappingException e = invalid("{\"groups\": " + "[".repeat(40));

    assertThat(e.location()).isEqualTo("line 1, column 28"); // just past the 17th level
    assertThat(e.getMessage()).contains("nesting depth").contains("limit");
  }

  /** The stream was closed though documented not to be (a zip or jar stream lost its further entries). */
  @Test
  void fromJsonThenTheStreamIsLeftOpenAsDocumented() {
    boolean[] closed = {false};
    InputStream in = new java.io.FilterInputStream(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };

    KeycloakMapping.fromJson(in);

    assertThat(closed[0]).isFalse();
  }

  @Test
  void fromJsonWhenDuplicateKeyThenRefused() {
    assertThat(invalid("{\"groups\": [], \"groups\": []}").getMessage()).contains("not valid JSON").contains("groups");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"realmRoles\": []}\n{\"realmRoles\": [{\"keycloak\": \"x\", \"role\": \"y\"}]}",
      "{\"realmRoles\": [{\"keycloak\": \"x\", \"role\": \"y\"}]}}",
      "{} []", "{} x"})
  void fromJsonWhenContentAfterTheMappingThenRefusedNotIgnored(String json) {
    // the second document or the stray brace was silently dropped
    InvalidKeycloakMappingException e = invalid(json);

    assertThat(e.getMessage()).contains("not valid JSON");
  }

  @Test
  void fromJsonWhenTrailingWhitespaceThenLoaded() {
    assertThat(load("{}\n\n  ")).isNotNull();
  }

  @Test
  void fromJsonWhenRootIsNotAnObjectThenRefused() {
    assertThat(invalid("[]").location()).isEqualTo("$");
  }

  @Test
  void fromJsonWhenUnknownTopLevelFieldThenItIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"realmRole\": []}");

    assertThat(e.location()).isEqualTo("realmRole");
    assertThat(e.getMessage()).contains("unknown field").contains("realmRoles");
  }

  @Test
  void fromJsonWhenRealmRoleEntryLacksTheRoleThenTheEntryIsNamed() {
    InvalidKeycloakMappingException e = invalid(
        "{\"realmRoles\": [{\"keycloak\": \"member\", \"role\": \"member\"}, {\"keycloak\": \"tenant-admin\"}]}");

    assertThat(e.getMessage()).isEqualTo("Keycloak mapping, at realmRoles[1].role: is required");
  }

  @Test
  void fromJsonWhenRealmRoleNamesAnInvalidAlgosureRoleThenTheEntryIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"realmRoles\": [{\"keycloak\": \"member\", \"role\": \"two words\"}]}");

    assertThat(e.location()).isEqualTo("realmRoles[0]");
    assertThat(e.getMessage()).contains("'two words' is not valid");
  }

  /** An invalid role of a group rule was reported at its pattern, which was fine, sending the reader to the wrong field. */
  @Test
  void fromJsonWhenGroupRuleNamesAnInvalidAlgosureRoleThenTheRoleIsNamedNotThePattern() {
    InvalidKeycloakMappingException e = invalid(
        "{\"groups\": [{\"pattern\": \"/tenants/{tenant}/admins\", \"role\": \"tenant admin\"}]}");

    assertThat(e.location()).isEqualTo("groups[0].role");
    assertThat(e.getMessage()).contains("'tenant admin' is not valid");
  }

  /**
   * A rejected name or pattern went into the message as it was: a line break in it forged a log line, a right-to-left
   * override reordered the start-up error.
   */
  @Test
  void fromJsonWhenARejectedValueHasControlOrFormatCharactersThenTheMessageQuotesItPrintably() {
    InvalidKeycloakMappingException twice = invalid("{\"realmRoles\": [{\"keycloak\": \"admin\\nINFO granted\", \"role\": \"a\"},"
        + " {\"keycloak\": \"admin\\nINFO granted\", \"role\": \"a\"}]}");
    InvalidKeycloakMappingException pattern = invalid("{\"groups\": [{\"pattern\": \"/t/{team}\\u202e\"}]}");
    InvalidKeycloakMappingException claim = invalid("{\"organizationClaims\": [\"org\\u2028x\", \"org\\u2028x\"]}");

    assertThat(twice.getMessage()).contains("admin?INFO granted").doesNotContain("\n");
    assertThat(pattern.getMessage()).contains("/t/{team}?").doesNotContain("\u202e");
    assertThat(claim.getMessage()).contains("org?x").doesNotContain("\u2028");
  }

  @Test
  void fromJsonWhenClientRoleEntryIsNotAnObjectThenTheEntryIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"clientRoles\": [\"filings-api/filings:read\"]}");

    assertThat(e.location()).isEqualTo("clientRoles[0]");
    assertThat(e.getMessage()).contains("expected an object such as {\"client\": \"filings-api\"");
  }

  @Test
  void fromJsonWhenGroupPatternHasAnUnknownPlaceholderThenThePatternIsNamed() {
    InvalidKeycloakMappingException e = invalid(
        "{\"groups\": [{\"pattern\": \"/tenants/{tenant}\"}, {\"pattern\": \"/tenants/{tenant}/{team}\"}]}");

    assertThat(e.location()).isEqualTo("groups[1].pattern");
    assertThat(e.getMessage()).contains("{tenant} and {org}");
  }

  @Test
  void fromJsonWhenGroupPatternPutsBothPlaceholdersInOneSegmentThenThePatternIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"groups\": [{\"pattern\": \"/t/{tenant}-{org}\"}]}");

    assertThat(e.location()).isEqualTo("groups[0].pattern");
    assertThat(e.getMessage()).contains("one path segment").contains("'/t/{tenant}/{org}'");
  }

  @Test
  void fromJsonWhenGroupRoleHasNoTenantPlaceholderThenRefusedUnlessDeclaredPlatformWide() {
    InvalidKeycloakMappingException e = invalid("{\"groups\": [{\"pattern\": \"/staff\", \"role\": \"reader\"}]}");
    KeycloakMapping platform = load("{\"groups\": [{\"pattern\": \"/staff\", \"role\": \"reader\", \"platform\": true}]}");

    assertThat(e.location()).isEqualTo("groups[0].pattern");
    assertThat(e.getMessage()).contains("no {tenant} placeholder", "\"platform\": true");
    assertThat(platform.map(Map.of("sub", "tom", "groups", List.of("/staff")), Instant.parse("2030-01-01T00:00:00Z"))
        .actor().signals().roles()).containsExactly(Role.of("reader"));
    assertThat(invalid("{\"groups\": [{\"pattern\": \"/t/{tenant}\", \"role\": \"reader\", \"platform\": true}]}")
        .location()).isEqualTo("groups[0].pattern");
    assertThat(invalid("{\"groups\": [{\"pattern\": \"/staff\", \"role\": \"reader\", \"platform\": \"yes\"}]}")
        .location()).isEqualTo("groups[0].platform");
  }

  @Test
  void fromJsonWhenGroupEntryHasAnUnknownFieldThenItIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"groups\": [{\"pattern\": \"/t/{tenant}\", \"roles\": [\"x\"]}]}");

    assertThat(e.location()).isEqualTo("groups[0].roles");
  }

  @Test
  void fromJsonWhenTwoTrustedTenantClaimsThenTheSecondIsNamed() {
    InvalidKeycloakMappingException e = invalid("{\"tenantClaims\": [{\"claim\": \"tenant_id\", \"trusted\": true},"
        + " {\"claim\": \"tenant\", \"trusted\": true}]}");

    assertThat(e.location()).isEqualTo("tenantClaims[1]");
    assertThat(e.getMessage()).contains("already set to 'tenant_id'");
  }

  @Test
  void fromJsonWhenTrustedIsNotABooleanThenItIsNamed() {
    assertThat(invalid("{\"tenantClaims\": [{\"claim\": \"tenant_id\", \"trusted\": \"yes\"}]}").location())
        .isEqualTo("tenantClaims[0].trusted");
  }

  @Test
  void fromJsonWhenAnAmrValueIsNotAStringThenItIsNamed() {
    assertThat(invalid("{\"mfa\": {\"amr\": [\"otp\", 2]}}").location()).isEqualTo("mfa.amr[1]");
  }

  @Test
  void fromJsonWhenOrganizationClaimIsBlankThenItIsNamed() {
    assertThat(invalid("{\"organizationClaims\": [\"org_ids\", \" \"]}").location()).isEqualTo("organizationClaims[1]");
  }

  @Test
  void fromJsonWhenSectionHasTheWrongTypeThenItIsNamed() {
    assertThat(invalid("{\"groups\": {\"pattern\": \"/t/{tenant}\"}}").location()).isEqualTo("groups");
  }
}
