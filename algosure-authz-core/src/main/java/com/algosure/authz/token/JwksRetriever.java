package com.algosure.authz.token;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * Fetches a JWKS with connect and read timeouts and a size limit (nimbus), and without following redirects: a
 * redirect could move the key source to another host.
 */
final class JwksRetriever extends DefaultResourceRetriever {

  JwksRetriever(int connectTimeoutMillis, int readTimeoutMillis, int sizeLimitBytes) {
    super(connectTimeoutMillis, readTimeoutMillis, sizeLimitBytes, true);
  }

  @Override
  protected HttpURLConnection openHTTPConnection(URL url) throws IOException {
    HttpURLConnection c = super.openHTTPConnection(url);
    c.setInstanceFollowRedirects(false);
    return c;
  }
}
