package com.algosure.authz.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.testing.TestJwksServer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A JWKS URI that carries a credential (an API gateway's key in its query, user info) is never quoted with it: not
 * in a refusal's message or its causes, not in the builder's messages, not in {@code toString}.
 */
class JwksUriCredentialTest {

  static final String GATEWAY_KEY = "DO-NOT-LEAK-gateway-key-9d4f";
  static final String ISSUER = "https://sso.example.com/realms/algosure";

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void noKeyIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(GATEWAY_KEY);
      assertThat(t.toString()).doesNotContain(GATEWAY_KEY);
    }
  }

  @Test
  void validateWhenTheJwksBehindAKeyedUriIsUnreachableThenTheRefusalNeverQuotesTheKey() throws IOException {
    URI jwks = URI.create("http://127.0.0.1:" + closedPort() + "/realms/algosure/certs?apikey=" + GATEWAY_KEY);
    TrustedIssuer issuer = TrustedIssuer.builder(ISSUER).jwksUri(jwks).allowPlainHttpToLoopback()
        .audiences(TestTokens.AUDIENCE).build();
    try (AccessTokenValidator v = AccessTokenValidator.builder().issuer(issuer).build()) {
      String token = TestTokens.accessToken(TestKeys.rsa("k1"), ISSUER, Instant.now()).sign();

      assertThatThrownBy(() -> v.validate(token)).isInstanceOf(TokenRejectedException.class)
          .satisfies(e -> assertThat(((TokenRejectedException) e).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE))
          .satisfies(e -> assertThat(e.getMessage()).contains("http://127.0.0.1:"))
          .satisfies(JwksUriCredentialTest::noKeyIn);
      assertThat(issuer.toString()).doesNotContain(GATEWAY_KEY);
    }
  }

  @Test
  void builderWhenTheJwksUriWithACredentialIsRefusedThenItsMessageNeverQuotesIt() {
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(URI.create("ftp://gw:" + GATEWAY_KEY + "@sso.example.com/certs")))
        .isInstanceOf(IllegalArgumentException.class).satisfies(JwksUriCredentialTest::noKeyIn);
    assertThatThrownBy(() -> TrustedIssuer.builder(ISSUER).jwksUri(URI.create("http://sso.example.com/certs?apikey=" + GATEWAY_KEY))
        .audiences(TestTokens.AUDIENCE).build())
        .isInstanceOf(IllegalStateException.class).satisfies(JwksUriCredentialTest::noKeyIn);
    TrustedIssuer.Builder twice = TrustedIssuer.builder(ISSUER).jwksUri(URI.create("https://sso.example.com/certs?apikey=" + GATEWAY_KEY));
    assertThatThrownBy(() -> twice.jwksUri(URI.create("https://sso.example.com/certs")))
        .isInstanceOf(IllegalStateException.class).satisfies(JwksUriCredentialTest::noKeyIn);
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 404, 500, 503})
  void validateWhenTheKeyedJwksUriAnswersAnErrorStatusThenTheRefusalNeverQuotesTheKey(int status) {
    // regression: HttpURLConnection quotes the whole URL ("...response code: 500 for URL: ...?apikey=", a 404's
    // FileNotFoundException), and nimbus put that in the refusal's cause
    try (TestJwksServer server = TestJwksServer.start()) {
      server.wireMock().stubFor(get(urlPathEqualTo("/gw/certs")).willReturn(aResponse().withStatus(status)));
      TrustedIssuer issuer = TrustedIssuer.builder(ISSUER)
          .jwksUri(URI.create(server.baseUrl() + "/gw/certs?apikey=" + GATEWAY_KEY)).allowPlainHttpToLoopback()
          .audiences(TestTokens.AUDIENCE).build();
      try (AccessTokenValidator v = AccessTokenValidator.builder().issuer(issuer).build()) {
        String token = TestTokens.accessToken(TestKeys.rsa("k1"), ISSUER, Instant.now()).sign();

        assertThatThrownBy(() -> v.validate(token)).isInstanceOf(TokenRejectedException.class)
            .satisfies(e -> assertThat(((TokenRejectedException) e).reason()).isEqualTo(TokenRejectionReason.JWKS_UNAVAILABLE))
            .satisfies(JwksUriCredentialTest::noKeyIn);
        assertThat(server.allRequests()).isEqualTo(1); // the keyed URI was fetched, its failure reported without the key
      }
    }
  }
}
