package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A configured URI that start-up refuses is never quoted with the credential it carries (user info, a query): the
 * message, which the failure analyzer prints and the start-up failure logs, names the property and what is wrong.
 */
class ConfiguredUriCredentialsTests {

  private static final String API_KEY = "DO-NOT-LEAK-api-key-c0ffee";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AlgosureTokenAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG, "algosure.providers.authority.actions=filings:submit");

  private void refusedWithoutTheKey(String endpoint, String expectedMessage) {
    runner.withPropertyValues("algosure.providers.authority.endpoint=" + endpoint)
        .run(context -> {
          assertThat(context).getFailure().rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
              .hasMessage(expectedMessage);
          assertThat(context).getFailure().hasStackTraceContaining("algosure.providers.authority.endpoint");
          assertThat(context.getStartupFailure()).satisfies(f -> {
            for (Throwable t = f; t != null; t = t.getCause()) {
              assertThat(String.valueOf(t.getMessage())).doesNotContain(API_KEY);
            }
          });
        });
  }

  @Test
  void validateWhenEndpointWithUserInfoHasAHostJavaCannotParseThenRefusedWithoutQuotingTheCredential() {
    // an underscore makes java.net.URI parse the authority as registry-based: no host, and no user info either
    refusedWithoutTheKey("https://apikey:" + API_KEY + "@authority_eu.example.com/v1",
        "algosure.providers.authority.endpoint: 'https://...' is not an absolute https URI: set the provider's https endpoint");
  }

  @Test
  void validateWhenEndpointHasAnotherSchemeAndUserInfoThenRefusedWithoutQuotingTheCredential() {
    refusedWithoutTheKey("smtps://apikey:" + API_KEY + "@smtp.example.com",
        "algosure.providers.authority.endpoint: 'smtps://smtp.example.com...' is not an absolute https URI: set the "
            + "provider's https endpoint");
  }

  @Test
  void validateWhenEndpointIsOpaqueWithTheKeyThenRefusedWithoutQuotingIt() {
    refusedWithoutTheKey("apikey:" + API_KEY,
        "algosure.providers.authority.endpoint: 'apikey:...' is not an absolute https URI: set the provider's https endpoint");
  }

  @Test
  void validateWhenEndpointIsRelativeWithAKeyInItsQueryThenRefusedWithoutQuotingIt() {
    refusedWithoutTheKey("authority.example.com/v1?api_key=" + API_KEY,
        "algosure.providers.authority.endpoint: '...' is not an absolute https URI: set the provider's https endpoint");
  }
}
