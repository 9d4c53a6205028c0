package com.algosure.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.BearerTokenAuthenticator;
import com.algosure.spring.security.AlgosureHttpConfigurer;
import com.algosure.spring.test.AlgosureTestIssuer;
import com.algosure.spring.test.TestHttpClient;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A host that replaces beans: its own authenticator (counting), its own token resolver (reading {@code access_token}
 * query parameters too) and its own filter chain with the adapter's configurer.
 */
@SpringBootTest(classes = {HttpTestApplication.class, HostBeansHttpTests.HostSecurity.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {AdapterFixtures.CATALOG, "server.address=127.0.0.1"})
class HostBeansHttpTests {

  static final AlgosureTestIssuer ISSUER = AlgosureTestIssuer.start();

  @DynamicPropertySource
  static void issuer(DynamicPropertyRegistry registry) {
    ISSUER.registerProperties(registry);
  }

  @AfterAll
  static void stop() {
    ISSUER.close();
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class HostSecurity {
    static final AtomicInteger VALIDATIONS = new AtomicInteger();

    @Bean
    BearerTokenAuthenticator countingAuthenticator(AccessTokenValidator validator) {
      return token -> {
        VALIDATIONS.incrementAndGet();
        return validator.authenticate(token);
      };
    }

    @Bean
    BearerTokenResolver queryTokenResolver() {
      DefaultBearerTokenResolver resolver = new DefaultBearerTokenResolver();
      resolver.setAllowUriQueryParameter(true);
      return resolver;
    }

    @Bean
    SecurityFilterChain hostChain(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.requestMatchers("/public/**").permitAll().anyRequest().authenticated())
          .with(new AlgosureHttpConfigurer(), Customizer.withDefaults())
          .build();
    }
  }

  @LocalServerPort
  int port;

  @Autowired
  BearerTokenAuthenticator authenticator;

  TestHttpClient http;

  @BeforeEach
  void client() {
    http = new TestHttpClient(port);
  }

  @Test
  void requestWhenTokenValidThenValidatedExactlyOncePerRequest() {
    String alice = ISSUER.user("alice").token();
    int before = HostSecurity.VALIDATIONS.get();
    assertThat(http.get("/api/filings", alice, "X-Organization-Id", "sales").status()).isEqualTo(200);
    assertThat(http.get("/api/filings", alice, "X-Organization-Id", "support").status()).isEqualTo(403);
    assertThat(HostSecurity.VALIDATIONS.get() - before).isEqualTo(2);
  }

  @Test
  void hostChainWhenRequestAuthenticatedOrRefusedThenNoSessionIsCreated() {
    TestHttpClient.Response ok = http.get("/api/filings", ISSUER.user("alice").token(), "X-Organization-Id", "sales");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.header("Set-Cookie")).isNull();
    TestHttpClient.Response refused = http.get("/api/filings", null);
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.header("Set-Cookie")).isNull();
  }

  @Test
  void hostChainWhenDeclaredThenUsedWithTheAdaptersProblemResponses() {
    assertThat(http.get("/public/ping", null).status()).isEqualTo(200);
    TestHttpClient.Response r = http.get("/api/filings", "not-a-token");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    assertThat(r.map()).containsEntry("reason", "MALFORMED");
  }

  @Test
  void hostChainWhenLogoutPostedWithoutATokenThen401NotARedirectToALoginPage() {
    TestHttpClient.Response r = http.post("/logout", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("Location")).isNull();
  }

  @Test
  void hostChainWhenTwoAuthorizationHeadersThen400InvalidRequest() {
    String alice = ISSUER.user("alice").token();
    TestHttpClient.Response r = http.get("/api/filings", alice, "Authorization", "Bearer " + ISSUER.user("bob").token(),
        "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_request\"");
    assertThat(r.map()).containsEntry("reason", "INVALID_REQUEST");
  }

  @Test
  void requestWhenTokenInHeaderAndInQueryThen400InvalidRequestWithoutEchoingEither() {
    String alice = ISSUER.user("alice").token();
    String bob = ISSUER.user("bob").token();
    TestHttpClient.Response r = http.get("/api/filings?access_token=" + bob, alice, "X-Organization-Id", "sales");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_request\"");
    assertThat(r.map()).containsEntry("reason", "INVALID_REQUEST");
    assertThat(r.body()).doesNotContain(bob.substring(bob.lastIndexOf('.') + 1)).doesNotContain(alice.substring(alice.lastIndexOf('.') + 1));
  }

  @Test
  void requestWhenTokenOnlyInQueryAndHostResolverReadsQueryThenAuthenticated() {
    assertThat(http.get("/api/filings?access_token=" + ISSUER.user("alice").token(), null, "X-Organization-Id", "sales")
        .status()).isEqualTo(200);
  }
}
