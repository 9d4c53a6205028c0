package com.algosure.integration;

import java.net.URI;

/**
 * A request was about to go to an endpoint the {@link TransportPolicy} forbids (not {@code https}, or plain
 * {@code http} to a host that is not loopback, or credentials in the URI). Thrown before any network I/O.
 * The message names the scheme and host, never the path or query.
 *
 * @since 0.1.0
 */
public class TransportPolicyViolationException extends IntegrationException {

  private static final long serialVersionUID = 1L;

  private final String scheme;
  private final String host;

  TransportPolicyViolationException(URI uri, String why) {
    super("request to " + uri.getScheme() + "://" + uri.getHost() + " refused: " + why);
    this.scheme = String.valueOf(uri.getScheme());
    this.host = String.valueOf(uri.getHost());
  }

  /** @return the refused URI's scheme */
  public String scheme() {
    return scheme;
  }

  /** @return the refused URI's host */
  public String host() {
    return host;
  }
}
