package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  /**
   * A connection whose connect hangs as a host name lookup does: {@code HttpURLConnection} resolves the name
   * ({@code new InetSocketAddress(host, port)} in {@code NetworkClient.doConnect}) before the connect timeout applies,
   * in a native call that neither an interrupt nor {@link #disconnect()} ends.
   */
  private static final class HangingLookup extends HttpURLConnection {
    final CountDownLatch released = new CountDownLatch(1);

    HangingLookup(URL url) {
      super(url);
    }

    @Override
    public void connect() throws IOException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (released.getCount() > 0 && System.nanoTime() < until) {
        try {
          released.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          // a native lookup does not notice an interrupt
        }
      }
      throw new UnknownHostException(url.getHost());
    }

    @Override
    public InputStream getInputStream() throws IOException {
      connect();
      throw new AssertionError("unreachable");
    }

    @Override
    public void disconnect() {
      // no socket yet: nothing to close, as in the JDK
    }

    @Override
    public boolean usingProxy() {
      return false;
    }
  }

  @Test
  void whenTheHostNameLookupHangsThenTheFetchFailsAtTheDeadline() {
    HangingLookup[] opened = new HangingLookup[1];
    JwksRetriever retriever = new JwksRetriever(500, 1_000, 50_000, url -> opened[0] = new HangingLookup(url));
    long start = System.nanoTime();

    IOException e = catchThrowableOfType(IOException.class,
        () -> retriever.retrieveResource(new URL("https://sso.example.invalid/jwks")));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);
    opened[0].released.countDown();

    assertThat(waited).as("time the fetching thread waited").isLessThan(Duration.ofMillis(4_000));
    assertThat(e).as("the fetch must fail").isNotNull();
    assertThat(e.getMessage()).contains("1500 ms", "connect and read timeouts together");
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
