package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.spring.test.TestHttpClient;
import com.algosure.testing.MutableClock;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/** Submissions to an authority over HTTP (a JDK server on loopback), whose answers the stub authority never gives. */
class FilingSubmissionTests {

  /** The service's clock, which the test moves past the authority's Retry-After instead of waiting for it. */
  @Configuration(proxyBeanMethods = false)
  static class MovableClock {
    static final MutableClock CLOCK = MutableClock.at(Instant.now());

    @Bean
    @Primary
    Clock movableClock() {
      return CLOCK;
    }
  }

  HttpServer authority;
  final AtomicInteger received = new AtomicInteger();
  ConfigurableApplicationContext service;
  TestHttpClient http;

  @BeforeEach
  void start() throws Exception {
    authority = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    authority.createContext("/filings", exchange -> {
      exchange.getRequestBody().readAllBytes();
      int n = received.incrementAndGet();
      // a gateway timed out (the authority may have filed it), then the authority throttles the retry for a second
      int status = n == 1 ? 504 : n == 2 ? 429 : 200;
      byte[] body = status == 200 ? "{\"reference\":\"AUTH-9\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (status == 429) {
        exchange.getResponseHeaders().add("Retry-After", "1");
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    authority.start();
    // arguments, as they override application.yml
    MovableClock.CLOCK.set(Instant.now());
    service = new SpringApplicationBuilder(FilingsApplication.class, MovableClock.class).run("--server.port=0",
        "--filings.audit-file=target/filings-audit-test.log", "--filings.authority.stub=false",
        "--filings.authority.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--algosure.providers.authority.endpoint=http://127.0.0.1:" + authority.getAddress().getPort() + "/",
        "--algosure.providers.authority.allow-loopback-http=true", "--algosure.providers.authority.retry.max-attempts=2");
    http = new TestHttpClient(((WebServerApplicationContext) service).getWebServer().getPort());
  }

  @AfterEach
  void stop() {
    service.close();
    authority.stop(0);
  }

  private String token(String user) {
    return http.post("/dev/tokens/" + user, null).json().path("access_token").asText();
  }

  @Test
  void submitWhenRateLimitedAfterAnAttemptThatMayHaveFiledThenANewKeyIsRefusedNotSentAgain() {
    String id = http.postJson("/api/filings", token("alice"), "{\"title\":\"throttled\"}", "X-Organization-Id", "sales")
        .json().path("id").asText();
    String approval = http.post("/api/filings/" + id + "/approvals", token("dave")).json().path("approvalId").asText();

    TestHttpClient.Response first = http.post("/api/filings/" + id + "/submit", token("alice"), "Idempotency-Key",
        "k-throttled-1", "X-Approval-Id", approval);
    assertThat(first.reason()).as(first.body()).isEqualTo("PROVIDER_RATE_LIMITED");
    assertThat(received.get()).isEqualTo(2);
    MovableClock.CLOCK.advance(Duration.ofMillis(1_100)); // past the authority's Retry-After

    // the 504 may have filed it: only its own key (which the authority recognises) may send it again
    TestHttpClient.Response again = http.post("/api/filings/" + id + "/submit", token("alice"), "Idempotency-Key",
        "k-throttled-2", "X-Approval-Id", approval);
    assertThat(again.status()).as(again.body()).isEqualTo(409);
    assertThat(again.reason()).isEqualTo("FILING_SUBMITTED");
    assertThat(received.get()).as("submissions the authority received").isEqualTo(2);
  }
}
