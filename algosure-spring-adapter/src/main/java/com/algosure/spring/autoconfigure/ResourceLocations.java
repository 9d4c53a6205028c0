package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.io.IOException;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;

/**
 * The messages of a resource start-up cannot use (a role catalogue, a Keycloak mapping). A URL location may carry a
 * credential (user info, a signed query such as {@code ?X-Amz-Signature=...}): such a location is quoted as its
 * scheme and host only, and an I/O error, whose message names the URL, by its class only and not kept as the cause.
 * Thread-safe.
 */
final class ResourceLocations {

  private ResourceLocations() {}

  /** @return the resource as a message may name it */
  static String describe(Resource location) {
    URI uri = uri(location);
    if (uri == null) {
      return location.getDescription();
    }
    String quotable = AlgosureProperties.quotable(uri);
    return quotable.equals(uri.toString()) ? location.getDescription() : "'" + quotable + "'";
  }

  /**
   * @param property the property naming the location
   * @param location the location
   * @param e the failure to read it
   * @return the exception to throw, without the I/O error's message where it may quote a credential
   */
  static InvalidAlgosureConfigurationException unreadable(String property, Resource location, IOException e) {
    if (mayCarryCredential(location)) {
      return new InvalidAlgosureConfigurationException(property, describe(location) + " could not be read ("
          + e.getClass().getSimpleName() + ")");
    }
    return new InvalidAlgosureConfigurationException(property, describe(location) + " could not be read: " + e.getMessage(), e);
  }

  private static boolean mayCarryCredential(Resource location) {
    URI uri = uri(location);
    return uri != null && !AlgosureProperties.quotable(uri).equals(uri.toString());
  }

  /** @return the URI of a location that is no class path entry or file, or null */
  private static @Nullable URI uri(Resource location) {
    if (location.isFile() || location instanceof ClassPathResource) {
      return null;
    }
    try {
      return location.getURI();
    } catch (IOException | RuntimeException e) {
      return null; // not a URL resource: its description is the host's own text
    }
  }
}
