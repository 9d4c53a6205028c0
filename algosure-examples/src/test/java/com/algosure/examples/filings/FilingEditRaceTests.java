package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.spring.test.TestHttpClient;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** An edit racing an approval: the approved text is the text that is submitted, whatever the order of the two. */
@SpringBootTest(classes = {FilingsApplication.class, FilingEditRaceTests.Pausing.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "filings.audit-file=target/filings-audit-test.log")
class FilingEditRaceTests {

  @LocalServerPort
  int port;

  @Autowired
  PausingFilings filings;

  /**
   * Regression: the domain rule refused an edit of an approved filing when it decided, but the edit was applied
   * whatever had happened since. An agent's draft decided just before dave's approval was applied just after it, and
   * alice could submit under dave's approval a text he had not approved.
   */
  @Test
  void draftWhenApprovedBetweenItsDecisionAndItsUpdateThen409AndTheApprovedTextIsKept() throws Exception {
    TestHttpClient http = new TestHttpClient(port);
    String alice = http.post("/dev/tokens/alice", null).json().path("access_token").asText();
    String dave = http.post("/dev/tokens/dave", null).json().path("access_token").asText();
    String id = http.postJson("/api/filings", alice, "{\"title\":\"raced\"}", "X-Organization-Id", "sales")
        .json().path("id").asText();

    filings.pauseSecondRead(id); // the controller reads it, then the domain rule: held right after the rule's read
    CompletableFuture<TestHttpClient.Response> draft = CompletableFuture.supplyAsync(() -> http.postJson(
        "/api/agent/filings/" + id + "/draft", alice, "{\"text\":\"not what dave approved\"}", "X-Agent-Grant",
        "grant-vat-q3", "X-Agent-Task", "vat-q3"));
    assertThat(filings.reached.await(10, TimeUnit.SECONDS)).isTrue();
    TestHttpClient.Response approval = http.post("/api/filings/" + id + "/approvals", dave);
    filings.resume.countDown();

    assertThat(approval.status()).as(approval.body()).isEqualTo(201);
    TestHttpClient.Response r = draft.get(10, TimeUnit.SECONDS);
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.reason()).isEqualTo("FILING_CHANGED");
    // the refusal of what the decision point permitted is in the audit trail, under the id the problem names
    String decisionId = r.json().path("decisionId").asText();
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(java.nio.file.Path.of("target/filings-audit-test.log"))) {
      assertThat(lines.filter(l -> l.contains("\"id\":\"" + decisionId + "\"")).findFirst()).as("audit record %s", decisionId)
          .hasValueSatisfying(l -> assertThat(l).contains("\"outcome\":\"DENY\"", "\"reasons\":[\"FILING_CHANGED\"]",
              "\"actorKind\":\"agent\"", "\"onBehalfOf\":\"alice\""));
    }
    assertThat(http.get("/api/filings/" + id, alice).json().path("text").asText()).isEmpty();
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Pausing {
    @Bean
    @Primary
    PausingFilings pausingFilings(Clock clock) {
      return new PausingFilings(clock);
    }
  }

  /** The example's repository, which can hold one read of one filing after it has read it. */
  static final class PausingFilings extends FilingRepository {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    private final AtomicInteger reads = new AtomicInteger();
    private volatile String pausedId = "";

    PausingFilings(Clock clock) {
      super(clock);
    }

    void pauseSecondRead(String id) {
      pausedId = id;
    }

    @Override
    public Optional<Filing> find(String id) {
      Optional<Filing> read = super.find(id);
      if (id.equals(pausedId) && reads.incrementAndGet() == 2) {
        reached.countDown();
        try {
          resume.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return read;
    }
  }
}
