package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole-fetch deadline of a JWKS fetch, against a raw loopback server that answers as slowly as it likes. */
class JwksRetrieverDeadlineTest {

  private final ServerSocket server;
  private volatile boolean stop;

  JwksRetrieverDeadlineTest() throws IOException {
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    stop = true;
    server.close();
  }

  /** Answers one request with its status line and headers a byte every 100 ms (each within the read timeout). */
  private URL tricklingHeaders() throws IOException {
    Thread t = new Thread(() -> {
      try (Socket s = server.accept()) {
        OutputStream out = s.getOutputStream();
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + "a".repeat(60)
            + "\r\nContent-Length: 11\r\n\r\n{\"keys\":[]}").getBytes(StandardCharsets.US_ASCII);
        for (byte b : head) {
          if (stop) {
            return;
          }
          out.write(b);
          out.flush();
          Thread.sleep(100);
        }
      } catch (IOException | InterruptedException e) {
        // the client went away: what the test expects
      }
    }, "trickling-jwks-server");
    t.setDaemon(true);
    t.start();
    return new URL("http://127.0.0.1:" + server.getLocalPort() + "/jwks");
  }

  @Test
  void whenTheHeadersTrickleInSlowerThanTheTimeoutsAllowInTotalThenTheFetchFailsAtTheDeadline() throws IOException {
    JwksRetriever retriever = new JwksRetriever(500, 1_000, 50_000);
    URL url = tricklingHeaders(); // about 13 s for the whole answer, every byte within the 1 s read timeout
    long start = System.nanoTime();

    IOException e = catchThrowableOfType(IOException.class, () -> retriever.retrieveResource(url));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to give up").isLessThan(Duration.ofMillis(4_000));
    assertThat(e).as("the fetch must fail").isNotNull();
    assertThat(e.getMessage()).contains("1500 ms", "connect and read timeouts together");
  }
}
