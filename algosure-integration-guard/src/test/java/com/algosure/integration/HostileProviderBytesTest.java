package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.SECRET_VALUE;
import static com.algosure.integration.GuardFixtures.request;
import static com.algosure.integration.GuardFixtures.sendCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile provider misbehaving at the byte level (a raw socket on 127.0.0.1): redirects, interim and upgrade
 * answers, lying Content-Length, resets mid-body, odd statuses, encodings and headers. None of it may become an
 * accepted fact, an answer after sending is never re-sent without reason, and no secret is logged or audited.
 */
class HostileProviderBytesTest {

  /** A provider that answers each request with what {@code answer} writes, recording each request's head. */
  static final class RawProvider implements AutoCloseable {
    final ServerSocket server;
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    final Thread thread;

    RawProvider(BiConsumer<Socket, OutputStream> answer) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      thread = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            requests.add(readRequest(s.getInputStream()));
            answer.accept(s, s.getOutputStream());
          } catch (Exception e) {
            // closed
          }
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }

    static String readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      int len = 0;
      for (String line : h.split("\r\n")) {
        if (line.toLowerCase().startsWith("content-length:")) {
          len = Integer.parseInt(line.substring(15).trim());
        }
      }
      byte[] body = in.readNBytes(len);
      return h + new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  static void write(OutputStream o, String s) {
    write(o, s.getBytes(StandardCharsets.ISO_8859_1));
  }

  static void write(OutputStream o, byte[] b) {
    try {
      o.write(b);
      o.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closed
    }
  }

  /** Closes the connection with a TCP reset (linger 0), as a crashed or killed server does. */
  static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // closed
    }
    close(s);
  }

  GuardFixtures f;
  LogCapture logs;

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
    logs = new LogCapture();
  }

  @AfterEach
  void noSecretAnywhere() {
    logs.close();
    List<String> everything = new ArrayList<>(logs.lines());
    for (AuditEvent e : f.audit.events()) {
      everything.add(e.toString());
    }
    f.escalations.escalations().forEach(e -> everything.add(e.toString()));
    assertThat(everything).noneMatch(s -> s.contains(SECRET_VALUE));
  }

  IntegrationOutcome<JsonNode> run(RawProvider p, String key) {
    IntegrationGuard guard = f.guard(p.base(), b -> b.attemptTimeout(Duration.ofMillis(1500)));
    IntegrationOutcome<JsonNode> out = guard.execute(request(key).build(), sendCall());
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).isEmpty();
    assertThat(out).isNotInstanceOf(IntegrationOutcome.Accepted.class);
    assertThat(out.toString()).doesNotContain(SECRET_VALUE);
    return out;
  }

  @Test
  void executeWhenTheProviderRedirectsToAnotherHostThenNotFollowedAndTheCredentialStaysHome() throws Exception {
    try (RawProvider thief = new RawProvider((s, o) -> {
          write(o, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"id\":\"st\"}\n");
          close(s);
        });
        RawProvider p = new RawProvider((s, o) -> {
          write(o, "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + thief.base() + "/v1/messages\r\nContent-Length: 0\r\n\r\n");
          close(s);
        })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-redirect");
      assertThat(p.requests).hasSize(1);
      assertThat(thief.requests).isEmpty();
      assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_ERROR);
    }
  }

  @Test
  void executeWhenTheProviderAnswers101ThenNotAFact() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n{\"id\":\"forged\"}");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-101");
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenTheProviderSendsEarlyHintsBeforeItsAnswerThenTheFinalAnswerIsValidated() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"id\":\"ok\"}");
      close(s);
    })) {
      IntegrationGuard guard = f.guard(p.base(), b -> b.attemptTimeout(Duration.ofMillis(1500)));
      IntegrationOutcome<JsonNode> out = guard.execute(request("k-103").build(), sendCall());
      assertThat(out.accepted()).isTrue();
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenContentLengthPromisesMoreThanComesThenEscalatedAndNotResent() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"ok\"}");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-short");
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenTheConnectionIsResetMidBodyThenEscalatedAndNotResent() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":");
      reset(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-reset");
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenTheConnectionIsResetBeforeAnyAnswerThenEscalatedAndNotResent() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> reset(s))) {
      IntegrationOutcome<JsonNode> out = run(p, "k-reset0");
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenTheStatusIsOutOfRangeThenNotAFact() throws Exception {
    for (String status : new String[] {"600", "999", "000", "99", "abc"}) {
      try (RawProvider p = new RawProvider((s, o) -> {
        write(o, "HTTP/1.1 " + status + " Odd\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"id\":\"ok\"}");
        close(s);
      })) {
        f = new GuardFixtures();
        f.grantMailConsent();
        IntegrationOutcome<JsonNode> out = run(p, "k-status-" + status);
        assertThat(out.reason()).as(status).isIn(OutcomeReason.PROVIDER_ERROR, OutcomeReason.UNKNOWN_STATE);
        assertThat(p.requests).as(status).hasSize(1);
      }
    }
  }

  @Test
  void executeWhenTheBodyIsGzippedThenNotDecodedAndNotAFact() throws Exception {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write("{\"id\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
    }
    byte[] body = gz.toByteArray();
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length + "\r\n\r\n");
      write(o, body);
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-gzip");
      assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    }
  }

  @Test
  void executeWhenTheHeadersAreHugeThenNotAFactAndTheCallEnds() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n");
      String line = "X-Junk: " + "a".repeat(8000) + "\r\n";
      for (int i = 0; i < 2000; i++) {
        write(o, line);
      }
      write(o, "Content-Length: 11\r\n\r\n{\"id\":\"ok\"}");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-headers");
      assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenTwoRetryAfterHeadersConflictThenTheFirstCounts() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 429 Too Many\r\nRetry-After: 86400\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-ra2");
      assertThat(out).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class,
          r -> assertThat(r.retryAfter()).isEqualTo(f.clock.instant().plusSeconds(86_400)));
      assertThat(p.requests).hasSize(1);
    }
  }

  @Test
  void executeWhenRetryAfterHoldsNonAsciiBytesThenTheDefaultPauseApplies() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 429 Too Many\r\nRetry-After: 1\u00ff\u00fe\r\nX-Odd: \u0000\u00e9\r\nContent-Length: 0\r\n\r\n");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-nonascii");
      assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    }
  }

  @Test
  void executeWhen204CarriesABodyThenNotAFact() throws Exception {
    try (RawProvider p = new RawProvider((s, o) -> {
      write(o, "HTTP/1.1 204 No Content\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"id\":\"ok\"}");
      close(s);
    })) {
      IntegrationOutcome<JsonNode> out = run(p, "k-204");
      assertThat(p.requests).hasSize(1);
    }
  }
}
