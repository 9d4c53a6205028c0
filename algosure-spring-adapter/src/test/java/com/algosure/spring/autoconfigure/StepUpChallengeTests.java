package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.web.ProblemResponses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The RFC 9470 step-up challenge names the acr values that count as MFA in the Keycloak mapping, so that a client asks
 * the issuer for an authentication this service accepts.
 */
class StepUpChallengeTests {

  private static final String ISSUER = "algosure.issuers[0].issuer-uri=https://sso.example.com/realms/algosure";
  private static final String AUDIENCE = "algosure.issuers[0].audiences=filings-api";

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AlgosureTokenAutoConfiguration.class, AlgosureWebAutoConfiguration.class,
          AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  private static String challenge(org.springframework.context.ApplicationContext context) {
    AuthorizationDecision d = context.getBean(PolicyDecisionPoint.class).decide(AuthorizationRequest.builder()
        .actor(AdapterFixtures.user("root")).tenant("acme").action("admin:filings:read")
        .resource(ResourceRef.type("filing")).build());
    assertThat(d.effect()).as(d.toString()).isEqualTo(Effect.STEP_UP_REQUIRED);
    var p = context.getBean(ProblemResponses.class).decision(d);
    assertThat(p.status()).isEqualTo(428);
    return p.headers().get("WWW-Authenticate");
  }

  @Test
  void challengeWhenMfaIsReadFromAmrOnlyThenNoAcrValues() {
    runner.run(context -> assertThat(challenge(context)).isEqualTo("Bearer error=\"insufficient_user_authentication\", "
        + "error_description=\"multi-factor authentication is required\""));
  }

  @Test
  void challengeWhenMfaAcrValuesConfiguredThenNamedInAcrValues() {
    runner.withPropertyValues("algosure.keycloak.mfa-acr-values=gold,2")
        .run(context -> assertThat(challenge(context)).endsWith(", acr_values=\"2 gold\""));
  }

  /** An issuer with a mapping of its own: only the values that count as MFA for every issuer are named. */
  @Test
  void challengeWhenAnIssuerHasItsOwnMappingThenOnlyTheAcrValuesEveryMappingAcceptsAreNamed(@TempDir Path dir)
      throws IOException {
    Path partner = dir.resolve("partner.json");
    Files.writeString(partner, "{\"mfa\": {\"amr\": [\"otp\"], \"acr\": [\"gold\", \"3\"]}}", StandardCharsets.UTF_8);
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.keycloak.mfa-acr-values=gold,2",
            "algosure.issuers[1].issuer-uri=https://sso.example.com/realms/partner",
            "algosure.issuers[1].audiences=filings-api", "algosure.issuers[1].actor-id-prefix=partner",
            "algosure.issuers[1].mapping-location=file:" + partner)
        .run(context -> assertThat(challenge(context)).endsWith(", acr_values=\"gold\""));
  }

  /** An acr value a header cannot carry (a space) is left out of the challenge, never written into the header. */
  @Test
  void challengeWhenAnMfaAcrValueCannotBeCarriedThenLeftOut() {
    runner.withPropertyValues("algosure.keycloak.mfa-acr-values=gold,two words")
        .run(context -> assertThat(challenge(context)).endsWith(", acr_values=\"gold\""));
  }
}
