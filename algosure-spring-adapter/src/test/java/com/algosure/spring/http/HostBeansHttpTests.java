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
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A host that replaces beans: its own authenticator (counting) and its own filter chain with the adapter's configurer. */
@SpringBootTest(classes = {HttpTestApplication.class, HostBeansHttpTests.HostSecurity.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = AdapterFixtures.CATALOG)
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
  void hostChainWhenDeclaredThenUsedWithTheAdaptersProblemResponses() {
    assertThat(http.get("/public/ping", null).status()).isEqualTo(200);
    TestHttpClient.Response r = http.get("/api/filings", "not-a-token");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"");
    assertThat(r.map()).containsEntry("reason", "MALFORMED");
  }
}
