package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.token.KeycloakMapping;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/** The inline Keycloak mapping properties as a host writes them, in a properties or YAML file. */
class KeycloakMappingPropertiesTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AlgosureTokenAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  /** The properties as a file would give them (TestPropertyValues would split a key at its ':'). */
  private ApplicationContextRunner with(Map<String, Object> properties) {
    return runner.withInitializer(context -> context.getEnvironment().getPropertySources()
        .addFirst(new MapPropertySource("host-file", properties)));
  }

  private static void failsWith(ApplicationContextRunner runner, String message) {
    runner.run(context -> assertThat(configurationError(context.getStartupFailure())).hasMessage(message));
  }

  /** The start-up error naming the property: the outermost of its kind (a core builder's refusal is its cause). */
  private static InvalidAlgosureConfigurationException configurationError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidAlgosureConfigurationException e) {
        return e;
      }
    }
    throw new AssertionError("start-up failed without naming a property", failure);
  }

  /**
   * Regression: Spring drops every character but letters, digits, '-' and '_' from a map key not in brackets, so
   * {@code filings:read} was bound as a rule for the role {@code filingsread}, and the role the token carries mapped to
   * nothing, without a word at start-up.
   */
  @Test
  void bindWhenAClientRoleKeyHasAColonWithoutBracketsThenStartUpFailsNamingTheBracketedForm() {
    failsWith(with(Map.of("algosure.keycloak.client-roles.filings-api.filings:read[0]", "filing-viewer")),
        "algosure.keycloak.client-roles.filings-api.filings:read[0]: the key 'filings:read' would lose the characters "
            + "Spring drops from a map key that is not in brackets (only letters, digits, '-' and '_' are kept): "
            + "write it as algosure.keycloak.client-roles.filings-api.[filings:read][0] (in YAML, as the key "
            + "\"[filings:read]\")");
  }

  @Test
  void bindWhenARealmRoleKeyHasASlashWithoutBracketsThenStartUpFails() {
    failsWith(with(Map.of("algosure.keycloak.realm-roles.tenant/admin", "platform-admin")),
        "algosure.keycloak.realm-roles.tenant/admin: the key 'tenant/admin' would lose the characters Spring drops "
            + "from a map key that is not in brackets (only letters, digits, '-' and '_' are kept): write it as "
            + "algosure.keycloak.realm-roles.[tenant/admin] (in YAML, as the key \"[tenant/admin]\")");
  }

  /** Regression: {@code my.client.viewer} was bound as the role {@code client.viewer} of a client {@code my}. */
  @Test
  void bindWhenAClientRoleKeyHasADotWithoutBracketsThenStartUpFailsSayingWhereTheClientEnds() {
    failsWith(with(Map.of("algosure.keycloak.client-roles.my.client.viewer", "filing-viewer")),
        "algosure.keycloak.client-roles.my.client.viewer: it does not say where the client id ends and the role "
            + "begins: write each in brackets when it holds a '.' or other characters than letters, digits, '-' and "
            + "'_', such as algosure.keycloak.client-roles.[my.client].[viewer]");
  }

  @Test
  void bindWhenKeysAreBracketedOrPlainThenEveryRuleIsKeptAsWritten() {
    with(Map.of("algosure.keycloak.client-roles.filings-api.[filings:read][0]", "filing-viewer",
        "algosure.keycloak.client-roles.[my.client].[a/b]", "filing-viewer",
        "algosure.keycloak.client-roles.filings-api.Filing_Clerk", "filing-clerk",
        "algosure.keycloak.realm-roles.[tenant/admin]", "platform-admin",
        "algosure.keycloak.realm-roles.platform-admin[0]", "platform-admin"))
        .run(context -> {
          assertThat(context).hasNotFailed();
          AlgosureProperties.Keycloak k = context.getBean(AlgosureProperties.class).getKeycloak();
          assertThat(k.getClientRoles().get("filings-api")).containsOnlyKeys("filings:read", "Filing_Clerk");
          assertThat(k.getClientRoles().get("my.client")).containsOnlyKeys("a/b");
          assertThat(k.getRealmRoles()).containsOnlyKeys("tenant/admin", "platform-admin");
        });
  }

  /**
   * Regression: Keycloak writes {@code acr} "1" for any full login, with a password alone too (and "0" for one from the
   * SSO cookie), so a host that listed "1" in mfa-acr-values let every password login pass for multi-factor.
   */
  @Test
  void startWhenMfaAcrValuesListKeycloaksSingleFactorLevelThenStartUpFails() {
    failsWith(with(Map.of("algosure.keycloak.mfa-acr-values", "gold,1")),
        "algosure.keycloak.mfa-acr-values: acr '1' does not show a second factor: Keycloak writes '1' for "
            + "any full login, with a password alone too, and '0' for one from the SSO cookie, so each would count as "
            + "MFA; list only the acr values of step-up levels that require a second factor, such as '2' or 'gold'");
    failsWith(with(Map.of("algosure.keycloak.mfa-acr-values", "0")),
        "algosure.keycloak.mfa-acr-values: acr '0' does not show a second factor: Keycloak writes '1' for "
            + "any full login, with a password alone too, and '0' for one from the SSO cookie, so each would count as "
            + "MFA; list only the acr values of step-up levels that require a second factor, such as '2' or 'gold'");
  }

  @Test
  void startWhenTheMappingFileCountsAcr1AsMfaThenStartUpFails(@TempDir Path dir) {
    Path file = dir.resolve("mapping.json");
    try {
      Files.writeString(file, "{\"mfa\": {\"acr\": [\"1\"]}}", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    runner.withPropertyValues("algosure.keycloak.mapping-location=" + file.toUri())
        .run(context -> assertThat(configurationError(context.getStartupFailure()))
            .hasMessageStartingWith("algosure.keycloak.mapping-location: ")
            .hasMessageContaining("mfa.acr")
            .hasMessageContaining("acr '1' does not show a second factor"));
  }

  @Test
  void startWhenMfaAcrValuesAreStepUpLevelsThenTheyCount() {
    with(Map.of("algosure.keycloak.mfa-acr-values", "2,gold")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(KeycloakMapping.class).toString()).contains("mfaAcrValues=[2, gold]");
    });
  }

  /**
   * Regression: Keycloak writes {@code amr} "pwd" for a password (a token after a password and an OTP says
   * ["pwd", "otp"]), so a host that listed "pwd" in mfa-amr-values let a password alone pass for multi-factor.
   */
  @Test
  void startWhenMfaAmrValuesListAKnowledgeFactorThenStartUpFails() {
    failsWith(with(Map.of("algosure.keycloak.mfa-amr-values", "otp,pwd")),
        "algosure.keycloak.mfa-amr-values: amr 'pwd' is one knowledge factor (RFC 8176: a password, a PIN or a "
            + "knowledge-based answer), never a second one: a token after a password alone carries it too, so each "
            + "such login would count as MFA; list only values that show a second factor, such as otp, hwk or mfa");
  }

  @Test
  void startWhenTheMappingFileCountsAmrPwdAsMfaThenStartUpFails(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("mapping.json");
    Files.writeString(file, "{\"mfa\": {\"amr\": [\"otp\", \"pin\"]}}", StandardCharsets.UTF_8);
    runner.withPropertyValues("algosure.keycloak.mapping-location=" + file.toUri())
        .run(context -> assertThat(configurationError(context.getStartupFailure()))
            .hasMessageStartingWith("algosure.keycloak.mapping-location: ")
            .hasMessageContaining("mfa.amr")
            .hasMessageContaining("amr 'pin' is one knowledge factor"));
  }

  @Test
  void startWhenMfaAmrValuesShowASecondFactorThenTheyCount() {
    with(Map.of("algosure.keycloak.mfa-amr-values", "otp,hwk")).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(KeycloakMapping.class).toString()).contains("mfaAmrValues=[hwk, otp]");
    });
  }
}
