package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.examples.filings.web.ExampleExceptionHandler;
import com.algosure.spring.test.TestHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

/**
 * A caller that goes away while the service writes its answer or reads the request: nothing failed on the service's
 * side. Spring MVC's problem details are off here: the example answers Spring's refusals itself, whatever that
 * setting says.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientDisconnectTests {

  /** An answer large enough that writing it outlasts a caller that reads a few bytes and hangs up. */
  @Configuration(proxyBeanMethods = false)
  @RestController
  static class LargeAnswer {
    static volatile boolean writing;

    @GetMapping("/api/large")
    ResponseEntity<byte[]> large() {
      writing = true;
      byte[] body = new byte[16 * 1024 * 1024];
      Arrays.fill(body, (byte) 'x');
      return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
    }
  }

  ConfigurableApplicationContext service;
  TestHttpClient http;
  int port;

  @BeforeEach
  void start() {
    service = new SpringApplicationBuilder(FilingsApplication.class, LargeAnswer.class).run("--server.port=0",
        "--filings.audit-file=target/filings-audit-test.log", "--spring.mvc.problemdetails.enabled=false");
    port = ((WebServerApplicationContext) service).getWebServer().getPort();
    http = new TestHttpClient(port);
  }

  @AfterEach
  void stop() {
    service.close();
  }

  /**
   * Regression: the broken connection of a caller that hung up while the answer was being written reached the
   * example's catch-all handler, which logged it at ERROR as an unexpected failure and tried to write a 500 on it.
   */
  @Test
  void readWhenTheCallerHangsUpDuringTheAnswerThenNoErrorIsLogged(CapturedOutput log) throws Exception {
    String token = http.post("/dev/tokens/alice", null).json().path("access_token").asText();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/large HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nX-Organization-Id: sales\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThat(in.readNBytes(16)).isNotEmpty(); // the answer has begun
      socket.setSoLinger(true, 0); // hang up with a reset, as a client that goes away does
    }
    // the server notices at its next write; give it the time to finish (or fail) the answer
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline && !log.getAll().contains("/api/large")) {
      Thread.sleep(100);
    }
    Thread.sleep(1_000);

    assertThat(LargeAnswer.writing).isTrue();
    assertThat(log.getAll()).doesNotContain("ERROR").doesNotContain("unexpected");
  }

  @Test
  void createWhenTheCallerHangsUpDuringAChunkedBodyThenNoErrorIsLogged(CapturedOutput log) throws Exception {
    String token = http.post("/dev/tokens/alice", null).json().path("access_token").asText();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/filings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nX-Organization-Id: sales\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "400\r\n{\"title\": \"").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(500); // the body is being read
      socket.setSoLinger(true, 0);
    }
    Thread.sleep(2_000);

    assertThat(log.getAll()).doesNotContain("ERROR");
  }

  /**
   * The example's catch-all handler, as a host that copies it without {@code MvcProblems} has it: a broken connection
   * is no unexpected failure.
   */
  @Test
  void unexpectedWhenTheCallerHasGoneAwayThenNothingIsWrittenAndNoErrorIsLogged(CapturedOutput log) throws Exception {
    ExampleExceptionHandler handler = service.getBean(ExampleExceptionHandler.class);

    assertThat(handler.unexpected(new IOException("Broken pipe"), new MockHttpServletRequest())).isNull();
    assertThat(handler.unexpected(new AsyncRequestNotUsableException("ServletOutputStream failed to write"),
        new MockHttpServletRequest())).isNull();
    assertThat(log.getAll()).doesNotContain("ERROR");
  }
}
