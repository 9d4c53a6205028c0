package com.algosure.spring.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.security.AlgosureHttpConfigurer;
import com.algosure.spring.test.AlgosureTestIssuer;
import com.algosure.spring.test.TestHttpClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A host's own {@link SecurityFilterChain}s switch the adapter's default chain off, as Spring Boot's. Where none of them
 * matches every request and none applies {@link AlgosureHttpConfigurer}, requests outside them are never
 * authenticated: the start-up says so, naming the host's chains.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostChainCoverageTests {

  static final AlgosureTestIssuer ISSUER = AlgosureTestIssuer.start();

  /** A chain for the actuator only, with no Algosure configurer: every other path has no chain. */
  static class ActuatorChainOnly {
    @Bean
    SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
      return http.securityMatcher("/actuator/**").authorizeHttpRequests(a -> a.anyRequest().denyAll()).build();
    }
  }

  /** The actuator's chain, and one for the API with the adapter's configurer. */
  static class ApiChainWithConfigurer {
    @Bean
    SecurityFilterChain actuatorChain(HttpSecurity http) throws Exception {
      return http.securityMatcher("/actuator/**").authorizeHttpRequests(a -> a.anyRequest().denyAll()).build();
    }

    @Bean
    SecurityFilterChain apiChain(HttpSecurity http) throws Exception {
      return http.securityMatcher("/api/**").authorizeHttpRequests(a -> a.anyRequest().authenticated())
          .with(new AlgosureHttpConfigurer(), Customizer.withDefaults()).build();
    }
  }

  /** One chain for every request, without the adapter's configurer: the host decides for every path. */
  static class AnyRequestChain {
    @Bean
    SecurityFilterChain everything(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
    }
  }

  /**
   * Keeps the configurations nested in test classes (another test's host chain) out of the application's component
   * scan, as {@code @SpringBootTest} does. This test's own are not annotated, so that no scan picks them up either.
   */
  static final class NestedInTests extends TypeExcludeFilter {
    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
      return reader.getClassMetadata().getClassName().contains("Tests$");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof NestedInTests;
    }

    @Override
    public int hashCode() {
      return NestedInTests.class.hashCode();
    }
  }

  private final List<ConfigurableApplicationContext> started = new ArrayList<>();

  @AfterEach
  void stop() {
    started.forEach(ConfigurableApplicationContext::close);
  }

  @AfterAll
  static void stopIssuer() {
    ISSUER.close();
  }

  private TestHttpClient start(Class<?> host) {
    List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
        "--" + AdapterFixtures.CATALOG));
    ISSUER.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(HttpTestApplication.class, host)
        .initializers(c -> c.getBeanFactory().registerSingleton("nestedInTests", new NestedInTests()))
        .run(args.toArray(String[]::new));
    started.add(context);
    return new TestHttpClient(((WebServerApplicationContext) context).getWebServer().getPort());
  }

  private static List<String> warnings(CapturedOutput output) {
    return output.getOut().lines().filter(line -> line.contains(" WARN ")).toList();
  }

  @Test
  void startWhenTheHostsChainsCoverSomePathsWithoutTheConfigurerThenWarnsNamingThemAndRequestsOutsideAreUnauthenticated(
      CapturedOutput output) {
    TestHttpClient http = start(ActuatorChainOnly.class);

    assertThat(warnings(output)).anySatisfy(w -> assertThat(w).contains("actuatorChain", "/actuator/**",
        "no SecurityFilterChain of the Algosure adapter", "not authenticated", "AlgosureHttpConfigurer"));
    // what the warning describes: a valid token is never read outside the actuator's chain
    TestHttpClient.Response r = http.get("/api/filings", ISSUER.user("alice").token(), "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(401);
    assertThat(http.get("/public/ping", null).status()).isEqualTo(200);
  }

  @Test
  void startWhenAHostChainAppliesTheConfigurerThenNoWarningAndItsPathsAreAuthenticated(CapturedOutput output) {
    TestHttpClient http = start(ApiChainWithConfigurer.class);

    assertThat(warnings(output)).noneSatisfy(w -> assertThat(w).contains("no SecurityFilterChain of the Algosure adapter"));
    TestHttpClient.Response r = http.get("/api/filings", ISSUER.user("alice").token(), "X-Organization-Id", "sales");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  @Test
  void startWhenAHostChainMatchesEveryRequestThenNoWarning(CapturedOutput output) {
    start(AnyRequestChain.class);

    assertThat(warnings(output)).noneSatisfy(w -> assertThat(w).contains("no SecurityFilterChain of the Algosure adapter"));
  }
}
