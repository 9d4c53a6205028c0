package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.test.TestHttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Who holds a filing for its {@code Idempotency-Key}: only a caller the decision point permitted to submit it, and only
 * while something may have been sent under that key.
 */
class FilingHoldTests {

  /** Set while the audit sink fails the guard's record of a request it is about to send. */
  static final AtomicBoolean FAIL_REQUEST_AUDIT = new AtomicBoolean();
  /** The repository, for the listener. */
  static final AtomicReference<FilingRepository> REPOSITORY = new AtomicReference<>();
  /** The key each refused decision on submitting a filing saw the filing held under ("none" if none). */
  static final List<String> HELD_WHILE_REFUSED = new CopyOnWriteArrayList<>();

  @Configuration(proxyBeanMethods = false)
  static class Observed {
    @Bean
    @Primary
    AuditSink failingRequestAudit() {
      AuditSink real = AuditSink.slf4j();
      return new AuditSink() {
        @Override
        public void record(AuditEvent event) {
          if (FAIL_REQUEST_AUDIT.get() && event.type() == AuditEventType.INTEGRATION_REQUEST) {
            throw new IllegalStateException("audit store unreachable");
          }
          real.record(event);
        }
      };
    }

    @Bean
    AlgosureEventListener holdObserver() {
      return new AlgosureEventListener() {
        @Override
        public void onDecision(AuthorizationDecision decision, Duration latency) {
          AuditEvent e = decision.toAuditEvent();
          if (!decision.permitted() && e.action().equals(Optional.of("filings:submit"))) {
            String id = e.resource().orElse("").replaceFirst("^filing/", "");
            HELD_WHILE_REFUSED.add(REPOSITORY.get().find(id).map(Filing::submissionKey).orElse("none"));
          }
        }
      };
    }
  }

  ConfigurableApplicationContext service;
  TestHttpClient http;

  @BeforeEach
  void start() {
    FAIL_REQUEST_AUDIT.set(false);
    HELD_WHILE_REFUSED.clear();
    service = new SpringApplicationBuilder(FilingsApplication.class, Observed.class).run("--server.port=0",
        "--filings.audit-file=target/filings-audit-hold-test.log");
    REPOSITORY.set(service.getBean(FilingRepository.class));
    http = new TestHttpClient(((WebServerApplicationContext) service).getWebServer().getPort());
  }

  @AfterEach
  void stop() {
    FAIL_REQUEST_AUDIT.set(false);
    service.close();
  }

  private String token(String user) {
    return http.post("/dev/tokens/" + user, null).json().path("access_token").asText();
  }

  private String[] approvedDraft(String title) {
    String id = http.postJson("/api/filings", token("alice"), "{\"title\":\"" + title + "\"}", "X-Organization-Id", "sales")
        .json().path("id").asText();
    String approval = http.post("/api/filings/" + id + "/approvals", token("dave")).json().path("approvalId").asText();
    return new String[] {id, approval};
  }

  /**
   * Regression: the filing was held for the caller's key before anything authorized the caller, and let go only when
   * the guard refused: meanwhile its owner's submission was answered 409 {@code FILING_SUBMITTED}, by a caller who was
   * never allowed to submit it (another tenant's, or one without the approval).
   */
  @Test
  void submitWhenTheCallerIsRefusedThenTheFilingIsNeverHeldForItsKey() {
    String[] f = approvedDraft("held by nobody refused");

    TestHttpClient.Response unapproved = http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key",
        "unapproved-" + f[0]);
    TestHttpClient.Response otherTenant = http.post("/api/filings/" + f[0] + "/submit", token("bob"), "Idempotency-Key",
        "bob-" + f[0]);

    assertThat(unapproved.status()).as(unapproved.body()).isEqualTo(428);
    assertThat(otherTenant.status()).as(otherTenant.body()).isEqualTo(404);
    assertThat(HELD_WHILE_REFUSED).as("the key the filing was held under while each refusal was decided")
        .isNotEmpty().containsOnly("none");
    TestHttpClient.Response owner = http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key",
        "owner-" + f[0], "X-Approval-Id", f[1]);
    assertThat(owner.status()).as(owner.body()).isEqualTo(200);
  }

  /**
   * Regression: a submission the guard did not send because its audit sink failed ({@code FAILED}, reason
   * {@code AUDIT_FAILED}, no attempt made) kept the filing held for its key: every other key was answered 409
   * {@code FILING_SUBMITTED} for a filing the authority never received.
   */
  @Test
  void submitWhenTheRequestCouldNotBeAuditedThenNothingWasSentAndAnotherKeyMaySubmit() {
    String[] f = approvedDraft("audit down");
    FAIL_REQUEST_AUDIT.set(true);
    TestHttpClient.Response refused = http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key",
        "audit-down-" + f[0], "X-Approval-Id", f[1]);
    assertThat(refused.status()).as(refused.body()).isEqualTo(503);
    assertThat(refused.reason()).isEqualTo("AUDIT_FAILED");
    FAIL_REQUEST_AUDIT.set(false);

    TestHttpClient.Response r = http.post("/api/filings/" + f[0] + "/submit", token("alice"), "Idempotency-Key",
        "audit-up-" + f[0], "X-Approval-Id", f[1]);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
