package com.algosure.integration;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Which endpoints a call may go to: {@code https} only, with TLS 1.2 or 1.3; plain {@code http} only to a
 * loopback address ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1} however written) and only when explicitly
 * allowed (tests). URIs with credentials ({@code user:password@host}) are refused, because they end up in logs.
 * Host names are never resolved for the check: a name other than {@code localhost} is not loopback.
 *
 * <p>{@link #newHttpClient(Duration)} builds a {@link HttpClient} that enforces the policy on every request
 * before any network I/O (throwing {@link TransportPolicyViolationException}), negotiates only TLS 1.2/1.3
 * and never follows redirects (a redirect could downgrade the scheme).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class TransportPolicy {

  private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final TransportPolicy HTTPS_ONLY = new TransportPolicy(false);
  private static final TransportPolicy LOOPBACK_HTTP = new TransportPolicy(true);

  private final boolean loopbackHttp;

  private TransportPolicy(boolean loopbackHttp) {
    this.loopbackHttp = loopbackHttp;
  }

  /** @return the production policy: {@code https} only (the default of every guard) */
  public static TransportPolicy httpsOnly() {
    return HTTPS_ONLY;
  }

  /** @return {@code https}, plus plain {@code http} to loopback addresses; for tests against a local server */
  public static TransportPolicy httpsOrLoopbackHttp() {
    return LOOPBACK_HTTP;
  }

  /** @return whether plain {@code http} to loopback is allowed */
  public boolean allowsLoopbackHttp() {
    return loopbackHttp;
  }

  /**
   * @param uri an endpoint
   * @return whether a request may go there
   */
  public boolean permits(URI uri) {
    return violation(uri) == null;
  }

  /**
   * @param uri an endpoint
   * @throws TransportPolicyViolationException if a request may not go there
   */
  public void check(URI uri) {
    String why = violation(uri);
    if (why != null) {
      throw new TransportPolicyViolationException(uri, why);
    }
  }

  /** @return why a request may not go there (a sentence naming what to do), or null if it may */
  @Nullable String violation(URI uri) {
    String scheme = uri.getScheme();
    if (uri.getHost() == null || scheme == null) {
      return "the URI has no scheme or host";
    }
    if (uri.getRawUserInfo() != null) {
      return "credentials in the URI are not allowed: pass them through the secrets SPI";
    }
    if (scheme.equalsIgnoreCase("https")) {
      return null;
    }
    if (scheme.equalsIgnoreCase("http")) {
      if (!loopbackHttp) {
        return "plain http is not allowed: use https (TLS 1.2+)";
      }
      return isLoopback(uri.getHost()) ? null
          : "plain http is allowed only to a loopback address (localhost, 127.0.0.0/8, ::1): use https (TLS 1.2+)";
    }
    return "scheme '" + scheme + "' is not allowed: use https (TLS 1.2+)";
  }

  /**
   * The origin of a URI as the guard compares it: {@code scheme://host:port}, scheme and host in lower case,
   * the scheme's default port (443 for https, 80 for http) written out; a URI of another scheme without a port has
   * none ({@code ftp://files.example}), so that the origin is still a URI whose scheme the policy can name.
   *
   * @return the origin, or null if the URI has no scheme or host
   */
  static @Nullable String originOrNull(URI uri) {
    String scheme = uri.getScheme();
    String host = uri.getHost();
    if (scheme == null || host == null) {
      return null;
    }
    String s = scheme.toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port == -1) {
      port = s.equals("https") ? 443 : s.equals("http") ? 80 : -1;
    }
    // ':-1' would make the origin a URI without a host, refused for that instead of for its scheme
    return s + "://" + host.toLowerCase(Locale.ROOT) + (port == -1 ? "" : ":" + port);
  }

  /**
   * @return the origin of an absolute URI with a host; see {@link #originOrNull(URI)}
   * @throws IllegalArgumentException if it has no scheme or host
   */
  static String origin(URI uri) {
    String o = originOrNull(uri);
    if (o == null) {
      throw new IllegalArgumentException("the URI has no scheme or host");
    }
    return o;
  }

  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
      return true;
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      return isIpv6Loopback(h.substring(1, h.length() - 1));
    }
    if (!h.startsWith("127.")) {
      return false;
    }
    int dots = 0;
    int digits = 0;
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c == '.') {
        if (digits == 0) {
          return false;
        }
        dots++;
        digits = 0;
      } else if (c >= '0' && c <= '9' && ++digits <= 3) {
        continue;
      } else {
        return false;
      }
    }
    return dots == 3 && digits > 0;
  }

  /**
   * @param literal an IPv6 address literal, without brackets
   * @return whether it is {@code ::1}, however written ({@code 0:0:0:0:0:0:0:1}); never an IPv4-mapped or -compatible
   *     address, nor one with a zone
   */
  private static boolean isIpv6Loopback(String literal) {
    // ASCII hex digits (lower case: the host was) and colons only: no dotted IPv4 part, no zone, and so never a name
    // a look-up would resolve
    if (literal.indexOf(':') < 0
        || !literal.chars().allMatch(c -> c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
    try {
      // a literal with a colon is parsed, never looked up; an IPv4-mapped one comes back as an Inet4Address
      InetAddress a = InetAddress.getByName(literal);
      return a instanceof Inet6Address && a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * A client that enforces this policy on every request, negotiates only TLS 1.3 and 1.2 and never follows
   * redirects. The {@code https}-only policy's client prefers HTTP/2; the loopback-allowing (test) policy's
   * client speaks HTTP/1.1, so that no cleartext HTTP/2 upgrade is attempted against a local server.
   *
   * @param connectTimeout how long a connection may take to establish
   * @return the client
   */
  public HttpClient newHttpClient(Duration connectTimeout) {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    SSLParameters tls;
    try {
      tls = SSLContext.getDefault().getDefaultSSLParameters();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
    tls.setProtocols(TLS_PROTOCOLS.clone());
    HttpClient delegate = HttpClient.newBuilder()
        .sslParameters(tls)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(connectTimeout)
        .version(loopbackHttp ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
        .build();
    return new EnforcingHttpClient(delegate, this);
  }

  @Override
  public String toString() {
    return loopbackHttp ? "TransportPolicy[https, http to loopback]" : "TransportPolicy[https only]";
  }
}
