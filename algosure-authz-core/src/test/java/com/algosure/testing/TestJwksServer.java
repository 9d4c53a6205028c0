package com.algosure.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.algosure.authz.token.TrustedIssuer;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.nimbusds.jose.jwk.JWK;
import java.net.URI;

/**
 * A WireMock server on 127.0.0.1 (dynamic port) that plays Keycloak realms' JWKS endpoints, and counts what it was
 * asked. One server can serve several realms.
 *
 * <pre>{@code
 * try (TestJwksServer server = TestJwksServer.start()) {
 *   server.serve("test", TestKeys.rsa("k1"));
 *   TrustedIssuer issuer = server.trustedIssuer("test").audiences("filings-api").build();
 *   ...
 *   assertThat(server.jwksRequests("test")).isEqualTo(1);
 * }
 * }</pre>
 */
public final class TestJwksServer implements AutoCloseable {

  /** The realm most tests use. */
  public static final String REALM = "algosure";

  private final WireMockServer server;

  private TestJwksServer(WireMockServer server) {
    this.server = server;
  }

  /** @return a started server on 127.0.0.1 and a free port */
  public static TestJwksServer start() {
    WireMockServer s = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    s.start();
    return new TestJwksServer(s);
  }

  /** @return the base URL, such as {@code http://127.0.0.1:41234} */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** @return the issuer of a realm: {@code <base>/realms/<realm>} */
  public String issuer(String realm) {
    return baseUrl() + "/realms/" + realm;
  }

  /** @return the JWKS path of a realm, as Keycloak has it */
  public static String jwksPath(String realm) {
    return "/realms/" + realm + "/protocol/openid-connect/certs";
  }

  /** @return the JWKS URI of a realm */
  public URI jwksUri(String realm) {
    return URI.create(baseUrl() + jwksPath(realm));
  }

  /** @return a trusted-issuer builder for the realm with its issuer and JWKS URI set, plain http to loopback allowed */
  public TrustedIssuer.Builder trustedIssuer(String realm) {
    return TrustedIssuer.builder(issuer(realm)).jwksUri(jwksUri(realm)).allowPlainHttpToLoopback();
  }

  /** Serves these keys' public halves as the realm's JWKS (replacing what it served). @return this server */
  public TestJwksServer serve(String realm, JWK... keys) {
    return serveJson(realm, TestKeys.jwks(keys));
  }

  /** Serves this JSON as the realm's JWKS. @return this server */
  public TestJwksServer serveJson(String realm, String json) {
    return respond(realm, aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(json));
  }

  /** Makes the realm's JWKS endpoint answer 503. @return this server */
  public TestJwksServer failJwks(String realm) {
    return respond(realm, aResponse().withStatus(503).withBody("down for maintenance"));
  }

  /** Makes the realm's JWKS endpoint drop the connection. @return this server */
  public TestJwksServer resetJwks(String realm) {
    return respond(realm, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
  }

  /** Makes the realm's JWKS endpoint answer with this response. @return this server */
  public TestJwksServer respond(String realm, ResponseDefinitionBuilder response) {
    server.stubFor(get(urlEqualTo(jwksPath(realm))).willReturn(response));
    return this;
  }

  /** @return how many requests the realm's JWKS endpoint received */
  public int jwksRequests(String realm) {
    return requestsTo(jwksPath(realm));
  }

  /** @return how many GET requests this exact path received */
  public int requestsTo(String path) {
    return server.countRequestsMatching(getRequestedFor(urlEqualTo(path)).build()).getCount();
  }

  /** @return how many requests the server received in all, any method, any path */
  public int allRequests() {
    return server.countRequestsMatching(anyRequestedFor(anyUrl()).build()).getCount();
  }

  /** Forgets stubs and counted requests, between tests. */
  public void reset() {
    server.resetAll();
  }

  /** @return the WireMock server, for stubs this class does not offer */
  public WireMockServer wireMock() {
    return server;
  }

  @Override
  public void close() {
    server.stop();
  }
}
