package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.spring.test.TestHttpClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** What a caller sees when the service fails in a way nobody planned for: a problem that tells nothing of the failure. */
@ExtendWith(OutputCaptureExtension.class)
class UnexpectedErrorTests {

  private static final String CALLER_DATA = "tenant acme, title 'Q3 private numbers'";

  /** A repository that fails listing with a message quoting what it was asked. */
  @Configuration(proxyBeanMethods = false)
  static class FailingRepository {
    @Bean
    @Primary
    FilingRepository failingFilings(Clock clock) {
      return new FilingRepository(clock) {
        @Override
        public List<Filing> of(String tenant, String organization) {
          throw new IllegalStateException("listing failed for " + CALLER_DATA);
        }
      };
    }
  }

  ConfigurableApplicationContext service;
  TestHttpClient http;

  @BeforeEach
  void start() {
    service = new SpringApplicationBuilder(FilingsApplication.class, FailingRepository.class).run("--server.port=0",
        "--filings.audit-file=target/filings-audit-test.log");
    http = new TestHttpClient(((WebServerApplicationContext) service).getWebServer().getPort());
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private String token(String user) {
    return http.post("/dev/tokens/" + user, null).json().path("access_token").asText();
  }

  /**
   * Regression: an unexpected exception was answered with Boot's {timestamp, status, error, path} JSON, not a problem
   * like every other answer of the API.
   */
  @Test
  void listWhenTheRepositoryFailsUnexpectedlyThen500ProblemWithoutTheExceptionAndItsClassLogged(CapturedOutput log) {
    TestHttpClient.Response r = http.get("/api/filings", token("alice"), "X-Organization-Id", "sales");

    assertThat(r.status()).as(r.body()).isEqualTo(500);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.json().path("title").asText()).isEqualTo("Internal error");
    assertThat(r.json().path("status").asInt()).isEqualTo(500);
    assertThat(r.reason()).isEqualTo("INTERNAL_ERROR");
    assertThat(r.json().path("decisionId").asText()).isNotBlank();
    assertThat(r.body()).doesNotContain("Q3 private", "IllegalStateException", "listing failed", "timestamp", "trace",
        "at com.");
    assertThat(log.getAll()).contains("ERROR", "java.lang.IllegalStateException", r.json().path("decisionId").asText())
        .doesNotContain("Q3 private", "listing failed");
  }

  @Test
  void readWhenTheDecisionPointDeniesThenTheAdaptersProblemAsBefore() {
    TestHttpClient.Response r = http.get("/api/filings", token("alice"));

    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.reason()).isEqualTo("ORGANIZATION_AMBIGUOUS");
  }
}
