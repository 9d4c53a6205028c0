package com.algosure.authz.token;

import com.nimbusds.jose.util.BoundedInputStream;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Fetches a JWKS with connect and read timeouts and a size limit (nimbus), and without following redirects: a
 * redirect could move the key source to another host.
 *
 * <p>A failed fetch of a URI with a query, user info or fragment (an API gateway's key may be there) is reported
 * without them: {@link HttpURLConnection} quotes the whole URL in its exceptions ({@code Server returned HTTP
 * response code: 500 for URL: ...?apikey=...}, a 404's {@code FileNotFoundException}), nimbus puts that message in
 * its own, and both would reach the refusal's causes.
 *
 * <p>An HTTP(S) fetch is given the connect and the read timeout together: the read timeout bounds each read only, so
 * a JWKS trickling in (a few bytes a second) would otherwise hold the fetching thread, and nimbus's cache lock, for as
 * long as the server likes, while every other validation waits out the lock and is refused (the keys held for the
 * outage grace are not used: the lock is above the outage tolerance). At that deadline the connection is closed,
 * whatever the fetch is waiting for (the TLS handshake, the response's status line and headers, or its body), and
 * no read starts after it. The validating thread waits for the fetch no longer than that deadline, whatever the fetch
 * waits for, the host name lookup included (see {@link #fetchOnTime}). Otherwise the fetch is nimbus's (same size
 * limit, status check and content type).
 */
final class JwksRetriever extends DefaultResourceRetriever {

  /** Opens an HTTP(S) connection, not yet connected. */
  @FunctionalInterface
  interface Opener {
    HttpURLConnection open(URL url) throws IOException;
  }

  /**
   * The most fetches of one retriever (one issuer) running at once, counting those left behind at their deadline: the
   * cache lock and the rate limit let few start, so more are lookups that hang.
   */
  static final int MAX_FETCHES = 4;

  private final long totalTimeoutMillis;
  private final @Nullable Opener opener;
  private final ThreadPoolExecutor fetchers = fetchThreads();

  JwksRetriever(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimitBytes) {
    this(connectTimeoutMillis, readTimeoutMillis, sizeLimitBytes, null);
  }

  /** @param opener opens the connections instead of nimbus (tests: a connection that hangs where a socket cannot) */
  JwksRetriever(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimitBytes, @Nullable Opener opener) {
    super(connectTimeoutMillis, readTimeoutMillis, sizeLimitBytes, true);
    this.totalTimeoutMillis = (long) connectTimeoutMillis + readTimeoutMillis;
    this.opener = opener;
  }

  @Override
  public Resource retrieveResource(URL url) throws IOException {
    try {
      String protocol = url.getProtocol();
      if (!"http".equals(protocol) && !"https".equals(protocol)) {
        return super.retrieveResource(url);
      }
      return fetchOnTime(url);
    } catch (IOException e) {
      throw withoutCredential(e, url);
    }
  }

  /**
   * {@link #fetch} on one of this retriever's fetch threads, waited for no longer than the deadline: the watchdog cuts
   * a connection, not the host name lookup before it ({@code HttpURLConnection} resolves the name before the connect
   * timeout applies, in a call that neither a close nor an interrupt ends, for as long as the system resolver tries),
   * so the validating thread, which holds nimbus's cache lock, must not be the one that does it. A fetch left behind
   * ends when its lookup does; while {@value #MAX_FETCHES} such are still running, a fetch fails at once.
   */
  private Resource fetchOnTime(URL url) throws IOException {
    Future<Resource> fetching;
    try {
      fetching = fetchers.submit(() -> fetch(url));
    } catch (RejectedExecutionException e) {
      throw new IOException(MAX_FETCHES + " earlier JWKS fetches of this issuer are still running past their deadline"
          + " (a host name lookup that hangs, say): check the DNS resolution of the JWKS host");
    }
    try {
      return fetching.get(totalTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      fetching.cancel(true);
      throw Deadlined.late(totalTimeoutMillis);
    } catch (InterruptedException e) {
      fetching.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the JWKS");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException("the JWKS fetch failed", cause);
    }
  }

  /** Fetch threads of this retriever, made as needed and ended when idle. */
  private static ThreadPoolExecutor fetchThreads() {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(0, MAX_FETCHES, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "algosure-jwks-fetch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  /**
   * nimbus's {@code retrieveResource} for HTTP(S), against the fetch's deadline: the body's reads check it, and a
   * watchdog closes the connection once it has passed, so that headers or a handshake trickling in are cut too (their
   * reads happen inside {@link HttpURLConnection#getInputStream}, out of the body's reach).
   */
  private Resource fetch(URL url) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(totalTimeoutMillis);
    HttpURLConnection con = openConnection(url);
    AtomicBoolean cut = new AtomicBoolean();
    // repeated until the fetch ends: a close made while the socket is still being opened has nothing to close yet
    ScheduledFuture<?> watchdog = Watchdog.EXECUTOR.scheduleWithFixedDelay(() -> {
      cut.set(true);
      con.disconnect();
    }, totalTimeoutMillis, 100, TimeUnit.MILLISECONDS);
    try {
      con.setConnectTimeout(getConnectTimeout());
      con.setReadTimeout(getReadTimeout());
      byte[] body;
      try (InputStream in = new Deadlined(new BoundedInputStream(con.getInputStream(), getSizeLimit()), deadline,
          totalTimeoutMillis)) {
        body = in.readAllBytes();
      }
      int status = con.getResponseCode();
      if (status > 299 || status < 200) {
        throw new IOException("HTTP " + status + ": " + con.getResponseMessage());
      }
      return new Resource(new String(body, StandardCharsets.UTF_8), con.getContentType());
    } catch (IOException e) {
      // the watchdog's close surfaces as "Socket closed" or the like: said as what it is
      throw cut.get() ? Deadlined.late(totalTimeoutMillis) : e;
    } finally {
      watchdog.cancel(false);
      con.disconnect();
    }
  }

  /** The one daemon thread that closes the connections of fetches past their deadline. */
  private static final class Watchdog {
    static final ScheduledThreadPoolExecutor EXECUTOR = executor();

    private static ScheduledThreadPoolExecutor executor() {
      ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "algosure-jwks-fetch-deadline");
        t.setDaemon(true);
        return t;
      });
      e.setRemoveOnCancelPolicy(true); // a fetch on time leaves nothing behind
      return e;
    }
  }

  /** A body that refuses to start a read after the fetch's deadline. */
  private static final class Deadlined extends FilterInputStream {
    private final long deadlineNanos;
    private final long totalMillis;

    Deadlined(InputStream in, long deadlineNanos, long totalMillis) {
      super(in);
      this.deadlineNanos = deadlineNanos;
      this.totalMillis = totalMillis;
    }

    private void check() throws IOException {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw late(totalMillis);
      }
    }

    static IOException late(long totalMillis) {
      return new IOException("the JWKS did not arrive within " + totalMillis + " ms, the connect and read timeouts"
          + " together: check that the JWKS endpoint answers promptly, or raise the JWKS timeouts");
    }

    @Override
    public int read() throws IOException {
      check();
      return super.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      check();
      return super.read(b, off, len);
    }
  }

  @Override
  protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
    HttpURLConnection c = opener == null ? super.openHTTPConnection(url) : opener.open(url);
    c.setInstanceFollowRedirects(false);
    return c;
  }

  /** The failure as it is for a URL of scheme, host, port and path only; else by its class and a quotable URL. */
  private static IOException withoutCredential(IOException e, URL url) {
    if (url.getQuery() == null && url.getUserInfo() == null && url.getRef() == null) {
      return e;
    }
    String quotable;
    try {
      quotable = TrustedIssuer.quotable(url.toURI());
    } catch (URISyntaxException notAUri) {
      quotable = url.getProtocol() + "://...";
    }
    // the message and the causes may each quote the URL; the class says what failed (a 404, a timeout)
    return new IOException(e.getClass().getName() + " fetching " + quotable);
  }
}
