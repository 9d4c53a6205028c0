package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.RoleBinding;
import com.algosure.spring.test.TestHttpClient;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** What a caller sees when the directory the decisions read does not answer: not a verdict, and not a 404. */
class DirectoryOutageTests {

  /** Set while the directory is "down". */
  static final AtomicBoolean DOWN = new AtomicBoolean();

  /** The example's directory, failing every look-up while {@link #DOWN} is set. */
  @Configuration(proxyBeanMethods = false)
  static class FailingDirectory {
    @Bean
    @Primary
    Directory failingDirectory(FilingsProperties properties) {
      Directory real = JsonDirectory.load(properties.getDirectory(), "filings.directory");
      return new Directory() {
        @Override
        public Set<TenantId> tenantsOf(String subject) {
          check();
          return real.tenantsOf(subject);
        }

        @Override
        public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
          check();
          return real.organizationsOf(subject, tenant);
        }

        @Override
        public Optional<TenantId> tenantOf(OrganizationId organization) {
          check();
          return real.tenantOf(organization);
        }

        @Override
        public List<RoleBinding> bindingsOf(String subject) {
          check();
          return real.bindingsOf(subject);
        }

        @Override
        public Directory serviceAccounts() {
          return real.serviceAccounts();
        }
      };
    }

    private static void check() {
      if (DOWN.get()) {
        throw new IllegalStateException("directory unreachable");
      }
    }
  }

  ConfigurableApplicationContext service;
  TestHttpClient http;

  @BeforeEach
  void start() {
    DOWN.set(false);
    service = new SpringApplicationBuilder(FilingsApplication.class, FailingDirectory.class).run("--server.port=0",
        "--filings.audit-file=target/filings-audit-outage-test.log");
    http = new TestHttpClient(((WebServerApplicationContext) service).getWebServer().getPort());
  }

  @AfterEach
  void stop() {
    DOWN.set(false);
    service.close();
  }

  private String token(String user) {
    return http.post("/dev/tokens/" + user, null).json().path("access_token").asText();
  }

  /**
   * Regression: reading a filing while the directory did not answer failed the decision at its tenant stage
   * ({@code STAGE_FAILURE}), which the example took for "another tenant's filing" and answered 404
   * {@code FILING_NOT_FOUND}: a caller of the filing's own tenant was told it does not exist. Nothing was decided,
   * so it is the adapter's 503, with the decision's reason and id.
   */
  @Test
  void readWhenTheDirectoryDoesNotAnswerThen503NotFilingNotFound() {
    String alice = token("alice");
    TestHttpClient.Response created = http.postJson("/api/filings", alice, "{\"title\":\"Q3\"}", "X-Organization-Id", "sales");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().path("id").asText();

    DOWN.set(true);
    TestHttpClient.Response r = http.get("/api/filings/" + id, alice, "X-Organization-Id", "sales");

    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.reason()).isEqualTo("STAGE_FAILURE");
    assertThat(r.json().path("decisionId").asText()).isNotBlank();
  }
}
