package com.algosure.examples.filings;

import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.InMemoryDirectory;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.core.io.Resource;

/**
 * Loads the example's directory from JSON into an in-memory {@link Directory}:
 *
 * <pre>{@code
 * {
 *   "tenants":  {"acme": {"organizations": ["sales", "support"]}},
 *   "members":  {"alice": ["sales", "support"]},
 *   "bindings": [{"subject": "alice", "role": "filing-clerk", "organization": "sales"},
 *                {"subject": "billing-worker", "serviceAccount": true, "role": "filing-viewer", "tenant": "acme"},
 *                {"subject": "carol", "role": "platform-admin", "platform": true}]
 * }
 * }</pre>
 *
 * A binding with {@code "serviceAccount": true} is a service account's (its subject a client id), kept apart from
 * the users' ({@link Directory#serviceAccounts()}); {@code "members"} are users. A real service would answer from
 * its identity and organization records; the directory SPI is the seam.
 *
 * @since 0.1.0
 */
public final class JsonDirectory {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonDirectory() {}

  /**
   * @param location the JSON file
   * @param property the property that names it, for error messages
   * @return the directory
   * @throws InvalidAlgosureConfigurationException if the file is missing or an entry is invalid (named)
   */
  public static Directory load(Resource location, String property) {
    JsonNode root = read(location, property);
    String where = property + " (" + location.getDescription() + ")";
    InMemoryDirectory.Builder b = Directory.inMemory();
    try {
      fields(root, where, Set.of("tenants", "members", "bindings"));
      for (Map.Entry<String, JsonNode> t : root.path("tenants").properties()) {
        for (JsonNode org : t.getValue().path("organizations")) {
          b.organization(t.getKey(), org.asText());
        }
      }
      for (Map.Entry<String, JsonNode> m : root.path("members").properties()) {
        for (JsonNode org : m.getValue()) {
          b.member(m.getKey(), org.asText());
        }
      }
      int i = 0;
      for (JsonNode binding : root.path("bindings")) {
        bind(b, binding, where + " bindings[" + i++ + "]");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidAlgosureConfigurationException(where,
          Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
    }
    return b.build();
  }

  private static void bind(InMemoryDirectory.Builder b, JsonNode binding, String at) {
    fields(binding, at, Set.of("subject", "serviceAccount", "role", "organization", "tenant", "platform"));
    String subject = binding.path("subject").asText("");
    String role = binding.path("role").asText("");
    boolean client = binding.path("serviceAccount").asBoolean(false);
    if (binding.path("platform").asBoolean(false)) {
      if (client) {
        throw new InvalidAlgosureConfigurationException(at, "a service account cannot hold a platform role here:"
            + " bind it in a \"tenant\" or an \"organization\"");
      }
      b.platformRole(subject, role);
    } else if (binding.has("organization")) {
      String org = binding.get("organization").asText();
      if (client) {
        b.serviceAccountOrganizationRole(subject, org, role);
      } else {
        b.organizationRole(subject, org, role);
      }
    } else if (binding.has("tenant")) {
      String tenant = binding.get("tenant").asText();
      if (client) {
        b.serviceAccountTenantRole(subject, tenant, role);
      } else {
        b.tenantRole(subject, tenant, role);
      }
    } else {
      throw new InvalidAlgosureConfigurationException(at, "name a scope: \"organization\", \"tenant\" or \"platform\": true");
    }
  }

  /**
   * @param location the JSON file
   * @param property the property that names it, for error messages
   * @return the tenants the file declares (its {@code tenants} keys)
   * @throws InvalidAlgosureConfigurationException if the file is missing or a tenant id is invalid (named)
   */
  public static Set<TenantId> tenants(Resource location, String property) {
    Set<TenantId> tenants = new LinkedHashSet<>();
    for (String t : (Iterable<String>) () -> read(location, property).path("tenants").fieldNames()) {
      try {
        tenants.add(TenantId.of(t));
      } catch (IllegalArgumentException e) {
        throw new InvalidAlgosureConfigurationException(property + " (" + location.getDescription() + ") tenants",
            Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
      }
    }
    return Set.copyOf(tenants);
  }

  static JsonNode read(Resource location, String property) {
    if (!location.exists()) {
      throw new InvalidAlgosureConfigurationException(property, location.getDescription() + " does not exist");
    }
    try (InputStream in = location.getInputStream()) {
      JsonNode root = JSON.readTree(in);
      if (root == null || !root.isObject()) {
        throw new InvalidAlgosureConfigurationException(property, location.getDescription() + " is not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new InvalidAlgosureConfigurationException(property, location.getDescription() + " is not readable JSON: "
          + e.getMessage(), e);
    }
  }

  static void fields(JsonNode node, String at, Set<String> allowed) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String f = field.getKey();
      if (!allowed.contains(f)) {
        throw new InvalidAlgosureConfigurationException(at, "unknown field '" + f + "': expected one of " + new java.util.TreeSet<>(allowed));
      }
    }
  }
}
