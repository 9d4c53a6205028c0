package com.algosure.authz.token;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.Resource;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/**
 * Fetches a JWKS with connect and read timeouts and a size limit (nimbus), and without following redirects: a
 * redirect could move the key source to another host.
 *
 * <p>A failed fetch of a URI with a query, user info or fragment (an API gateway's key may be there) is reported
 * without them: {@link HttpURLConnection} quotes the whole URL in its exceptions ({@code Server returned HTTP
 * response code: 500 for URL: ...?apikey=...}, a 404's {@code FileNotFoundException}), nimbus puts that message in
 * its own, and both would reach the refusal's causes.
 */
final class JwksRetriever extends DefaultResourceRetriever {

  JwksRetriever(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimitBytes) {
    super(connectTimeoutMillis, readTimeoutMillis, sizeLimitBytes, true);
  }

  @Override
  public Resource retrieveResource(URL url) throws IOException {
    try {
      return super.retrieveResource(url);
    } catch (IOException e) {
      throw withoutCredential(e, url);
    }
  }

  @Override
  protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
    HttpURLConnection c = super.openHTTPConnection(url);
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
