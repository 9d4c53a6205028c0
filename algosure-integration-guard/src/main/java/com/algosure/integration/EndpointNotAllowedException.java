package com.algosure.integration;

import java.net.URI;

/**
 * A request of a call was about to go to an origin (scheme, host, port) that is not one of its provider's
 * {@linkplain ProviderPolicy#allowedOrigins() allowed origins}, where the provider's credentials must not go, or to
 * a path a call's {@link CallContext#newRequest(String) relative path} reached by leaving the endpoint's path.
 * Thrown before any network I/O. The message names the scheme, host and port, never the path or query.
 *
 * @since 0.1.0
 */
public final class EndpointNotAllowedException extends TransportPolicyViolationException {

  private static final long serialVersionUID = 1L;

  EndpointNotAllowedException(URI uri, ProviderPolicy policy) {
    super(uri, "origin " + TransportPolicy.originOrNull(uri) + " is not an allowed origin of provider '"
        + policy.provider() + "' " + policy.allowedOrigins() + ", and the provider's credentials go only there: "
        + "keep the request on the provider's endpoint, or allow the tenant's server with "
        + "ProviderPolicy.builder(\"" + policy.provider() + "\").allowedOrigin(URI.create(\"https://host\"))");
  }

  EndpointNotAllowedException(URI uri, String why) {
    super(uri, why);
  }
}
