package com.algosure.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A throw-away redis-server of the test's own, on a free loopback port, without persistence: started as a
 * child process, killed and started again to simulate an outage. Never the shared Redis on 6379.
 */
final class RedisServerProcess implements AutoCloseable {

  private static final String BINARY = "/usr/bin/redis-server";

  final int port;
  /** The server's output: a fresh owner-only file (not a name another user of the machine could take first). */
  private final Path log;
  /** Further options of the server, such as {@code --requirepass}. */
  private final List<String> options;
  private Process process;

  private RedisServerProcess(int port, Path log, List<String> options) {
    this.port = port;
    this.log = log;
    this.options = options;
  }

  static RedisServerProcess start() throws IOException {
    return start(List.of());
  }

  /** @param options further options of the server, such as {@code --requirepass}, {@code pw} */
  static RedisServerProcess start(List<String> options) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServerProcess server = new RedisServerProcess(port, Files.createTempFile("algosure-redis-" + port + "-", ".log"),
        List.copyOf(options));
    server.startAgain();
    return server;
  }

  long pid() {
    return process.pid();
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on its port and waits until it answers PING, at most 10 seconds. */
  void startAgain() throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
    command.addAll(options);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!answersPing()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IOException("redis-server on port " + port + " did not start; see its log " + log);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // waiting for a process, not for time
    }
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits for the process to end. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private boolean answersPing() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.read(buf);
      String answer = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
      return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH"); // a server with a password answers too
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      // a log left behind in the temporary directory is harmless
    }
  }
}
