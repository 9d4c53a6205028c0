package com.algosure.store.jdbc;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A TCP proxy in front of the real PostgreSQL that, when armed, lets the next {@code COMMIT} reach the server and
 * cuts the connection as the server's answer comes back: the transaction committed, the client never learns it (a
 * network failure at the worst moment).
 */
final class ReplyCuttingProxy implements Closeable {

  private final ServerSocket server;
  private volatile boolean armed;

  ReplyCuttingProxy() throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "reply-cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next COMMIT sent through the proxy commits, and its connection is cut before the answer arrives. */
  void cutNextCommitReply() {
    armed = true;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(Postgres.HOST, Postgres.PORT);
        boolean[] cut = new boolean[1];
        pump(client, upstream, chunk -> {
          // the COMMIT statement itself (its text ends there), not a statement that mentions it (READ COMMITTED)
          if (armed && chunk.contains("COMMIT\u0000")) {
            armed = false;
            cut[0] = true;
          }
        });
        pump(upstream, client, chunk -> {
          if (cut[0]) {
            throw new IllegalStateException("cut");
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, Consumer<String> inspect) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[65536];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          inspect.accept(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException | IllegalStateException e) {
        // cut, or closed by the other side
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "reply-cutting-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
