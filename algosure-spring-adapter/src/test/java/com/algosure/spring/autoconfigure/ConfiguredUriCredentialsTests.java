package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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

  private void resourceRefusedWithoutTheKey(String property, String location, String expectedStart) {
    runner.withPropertyValues("algosure.providers.authority.endpoint=https://authority.example.com",
        property + "=" + location).run(context -> {
      Throwable ours = context.getStartupFailure();
      while (ours != null && !(ours instanceof InvalidAlgosureConfigurationException)) {
        ours = ours.getCause();
      }
      assertThat(ours).as("the failure's causes").isNotNull().hasMessageStartingWith(expectedStart);
      assertThat(context.getStartupFailure()).satisfies(f -> {
        for (Throwable t = f; t != null; t = t.getCause()) {
          assertThat(String.valueOf(t.getMessage())).doesNotContain(API_KEY);
        }
      });
    });
  }

  /** A loopback server answering HEAD with 200 and GET with the status and body given. */
  private static HttpServer serving(int status, String body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
      exchange.close();
    });
    server.start();
    return server;
  }

  /**
   * Regression: a role catalogue or Keycloak mapping location that start-up could not use was quoted whole (the
   * resource's description, and the I/O error's message, which names the URL), with the key in its query or user info.
   */
  @Test
  void roleCatalogWhenAUrlWithAKeyInItsQueryDoesNotAnswerThenRefusedWithoutQuotingIt() throws IOException {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    resourceRefusedWithoutTheKey("algosure.role-catalog", "http://127.0.0.1:" + port + "/roles.json?sig=" + API_KEY,
        "algosure.role-catalog: 'http://127.0.0.1...' does not exist");
  }

  @Test
  void roleCatalogWhenAUrlWithUserInfoCannotBeReadThenRefusedWithoutQuotingIt() throws IOException {
    HttpServer server = serving(500, "failed");
    try {
      resourceRefusedWithoutTheKey("algosure.role-catalog", "http://reader:" + API_KEY + "@127.0.0.1:"
          + server.getAddress().getPort() + "/roles.json", "algosure.role-catalog: 'http://127.0.0.1...' could not be read");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void keycloakMappingWhenAUrlWithAKeyInItsQueryIsNotAMappingThenRefusedWithoutQuotingIt() throws IOException {
    HttpServer server = serving(200, "{not json");
    try {
      resourceRefusedWithoutTheKey("algosure.keycloak.mapping-location", "http://127.0.0.1:"
          + server.getAddress().getPort() + "/mapping.json?X-Amz-Signature=" + API_KEY,
          "algosure.keycloak.mapping-location: 'http://127.0.0.1...' is not a valid Keycloak mapping");
    } finally {
      server.stop(0);
    }
  }
}
