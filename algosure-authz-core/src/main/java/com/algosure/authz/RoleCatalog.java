package com.algosure.authz;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.authz.internal.ArraySet;
import com.algosure.authz.internal.UntrustedText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The role catalogue: which permissions exist (with their scope, entitlement and approval needs) and which
 * permissions each role grants. Built in code with {@link #builder()} or loaded from JSON with
 * {@link #fromJson(InputStream)}:
 *
 * <pre>{@code
 * {
 *   "permissions": {
 *     "filings:read":   {},
 *     "filings:submit": {"scope": "organization", "feature": "e-filing", "limit": "filings-per-month", "highImpact": true},
 *     "tenants:audit":  {"scope": "tenant"}
 *   },
 *   "roles": {
 *     "filing-clerk":   {"permissions": ["filings:read", "filings:submit"]},
 *     "platform-admin": {"permissions": ["tenants:audit"], "privileged": true}
 *   }
 * }
 * }</pre>
 *
 * <p>A role that is not in the catalogue grants nothing. A privileged role is the only kind that can act
 * across tenants (and only with MFA evidence).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RoleCatalog {

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // the caller's stream: fromJson leaves it open
          .build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Each permission's definition and the roles that grant it, found with one look-up. A decision looks its action
   * up anyway; the roles granting it then sit beside the definition, so checking each of the principal's bindings
   * reads that one small set instead of looking up each role's grants in turn.
   */
  private final Map<Permission, Declared> declared;
  private final Map<Role, Set<Permission>> grants;
  private final Set<Role> privileged;

  private RoleCatalog(Builder b) {
    Map<Role, Set<Permission>> g = new HashMap<>();
    // array sets rather than Set.copyOf: Set.copyOf's look-up pays an integer division each time, a HashSet's
    // three more hops
    b.roles.forEach((role, perms) -> g.put(role, ArraySet.copyOf(perms)));
    this.grants = Collections.unmodifiableMap(g);
    this.privileged = ArraySet.copyOf(b.privileged);
    Map<Permission, List<Role>> grantedBy = new HashMap<>();
    b.roles.forEach((role, perms) -> perms.forEach(p -> grantedBy.computeIfAbsent(p, k -> new ArrayList<>()).add(role)));
    Map<Permission, Declared> d = new HashMap<>();
    b.permissions.forEach((p, definition) ->
        d.put(p, new Declared(definition, ArraySet.copyOf(grantedBy.getOrDefault(p, List.of())))));
    this.declared = Collections.unmodifiableMap(d);
  }

  /**
   * A declared permission as a decision needs it: its definition, and every role that grants it.
   *
   * @param definition the permission's definition
   * @param grantedBy the roles whose grants include it
   */
  record Declared(PermissionDefinition definition, Set<Role> grantedBy) {}

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a catalogue from JSON (UTF-8). Unknown fields, unknown permissions in a role, duplicate keys,
   * content after the object (a second document, a stray brace) and wrong types are errors that name the entry.
   *
   * @param json the catalogue; not closed by this method
   * @return the catalogue
   * @throws InvalidRoleCatalogException if the JSON is unreadable or an entry is invalid
   */
  public static RoleCatalog fromJson(InputStream json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try (JsonParser parser = JSON.createParser(json)) {
      try {
        root = JSON.readTree(parser);
      } catch (StreamConstraintsException e) {
        // the error of a limit carries no location (reading it threw a NullPointerException): the parser knows where
        JsonLocation where = parser.currentLocation();
        throw new InvalidRoleCatalogException("line " + where.getLineNr() + ", column " + where.getColumnNr(),
            "beyond a limit of the reader (" + e.getOriginalMessage() + "): a role catalogue is four levels deep, with"
                + " short names and values; check that the file is the role catalogue", e);
      }
    } catch (JsonProcessingException e) {
      throw new InvalidRoleCatalogException("line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr(), "not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new InvalidRoleCatalogException("(input)", "could not be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidRoleCatalogException("$", "expected an object with \"permissions\" and \"roles\"");
    }
    onlyFields(root, "$", "permissions", "roles");
    Builder b = builder();
    JsonNode perms = object(root, "permissions", "$");
    for (Iterator<Map.Entry<String, JsonNode>> it = perms.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = "permissions." + quoted(e.getKey());
      JsonNode p = e.getValue();
      if (!p.isObject()) {
        throw new InvalidRoleCatalogException(at, "expected an object such as {} or {\"scope\": \"tenant\"}");
      }
      onlyFields(p, at, "scope", "feature", "limit", "highImpact", "description");
      description(p, at);
      PermissionDefinition def = PermissionDefinition.of(name(e.getKey(), at, Permission::of).name());
      if (p.has("scope")) {
        String scope = text(p, "scope", at);
        switch (scope) {
          case "organization":
            def = def.withScope(PermissionScope.ORGANIZATION);
            break;
          case "tenant":
            def = def.withScope(PermissionScope.TENANT);
            break;
          default:
            throw new InvalidRoleCatalogException(at + ".scope",
                "'" + Identifiers.printable(scope) + "' is not a scope: use \"organization\" or \"tenant\"");
        }
      }
      if (p.has("feature")) {
        def = def.withFeature(text(p, "feature", at));
      }
      if (p.has("limit")) {
        def = def.withLimit(text(p, "limit", at));
      }
      if (p.has("highImpact")) {
        JsonNode h = p.get("highImpact");
        if (!h.isBoolean()) {
          throw new InvalidRoleCatalogException(at + ".highImpact", "expected true or false");
        }
        if (h.booleanValue()) {
          def = def.asHighImpact();
        }
      }
      b.permission(def);
    }
    JsonNode roles = object(root, "roles", "$");
    for (Iterator<Map.Entry<String, JsonNode>> it = roles.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String at = "roles." + quoted(e.getKey());
      JsonNode r = e.getValue();
      if (!r.isObject()) {
        throw new InvalidRoleCatalogException(at, "expected an object such as {\"permissions\": [\"filings:read\"]}");
      }
      onlyFields(r, at, "permissions", "privileged", "description");
      description(r, at);
      Role role = name(e.getKey(), at, Role::of);
      JsonNode list = r.get("permissions");
      if (list == null || !list.isArray()) {
        throw new InvalidRoleCatalogException(at + ".permissions", "expected an array of permission names");
      }
      Set<Permission> granted = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        String pat = at + ".permissions[" + i + "]";
        JsonNode n = list.get(i);
        if (!n.isTextual()) {
          throw new InvalidRoleCatalogException(pat, "expected a permission name as a string");
        }
        Permission p = name(n.textValue(), pat, Permission::of);
        if (!b.permissions.containsKey(p)) {
          throw new InvalidRoleCatalogException(pat, "permission '" + p + "' is not declared: add it under \"permissions\"");
        }
        granted.add(p);
      }
      boolean priv = false;
      if (r.has("privileged")) {
        JsonNode n = r.get("privileged");
        if (!n.isBoolean()) {
          throw new InvalidRoleCatalogException(at + ".privileged", "expected true or false");
        }
        priv = n.booleanValue();
      }
      b.putRole(role, granted, priv, at);
    }
    return b.build();
  }

  /**
   * A name from the document as a location quotes it: as it is, unless it is longer than a name can be or holds a
   * character that could break the line or reorder the message (then cut and made printable).
   */
  private static String quoted(String key) {
    return UntrustedText.safe(key, 128);
  }

  private static <T> T name(String value, String at, java.util.function.Function<String, T> factory) {
    try {
      return factory.apply(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidRoleCatalogException(at, messageOf(e));
    }
  }

  private static JsonNode object(JsonNode parent, String field, String at) {
    JsonNode n = parent.get(field);
    if (n == null) {
      return JSON.createObjectNode();
    }
    if (!n.isObject()) {
      throw new InvalidRoleCatalogException(at.equals("$") ? field : at + "." + field, "expected an object keyed by name");
    }
    return n;
  }

  private static String text(JsonNode parent, String field, String at) {
    JsonNode n = parent.get(field);
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw new InvalidRoleCatalogException(at + "." + field, "expected a non-empty string");
    }
    return n.textValue();
  }

  /**
   * A description is read by people only, but must be a string: one of another type (an object, from a misplaced
   * brace) could hold an option such as {@code highImpact} that would be dropped without a word.
   */
  private static void description(JsonNode entry, String at) {
    JsonNode d = entry.get("description");
    if (d != null && !d.isTextual()) {
      throw new InvalidRoleCatalogException(at + ".description", "expected a string; an option such as \"highImpact\""
          + " or \"privileged\" belongs beside \"description\", not inside it");
    }
  }

  private static void onlyFields(JsonNode node, String at, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!ok.contains(f)) {
        throw new InvalidRoleCatalogException(at.equals("$") ? quoted(f) : at + "." + quoted(f),
            "unknown field '" + Identifiers.printable(f) + "': expected one of " + new java.util.TreeSet<>(ok));
      }
    }
  }

  /**
   * The declaration of a permission.
   *
   * @param permission the permission
   * @return its definition, or empty if the catalogue does not declare it
   */
  public Optional<PermissionDefinition> definition(Permission permission) {
    Declared d = declared.get(permission);
    return d == null ? Optional.empty() : Optional.of(d.definition());
  }

  /** @return the permission's definition and the roles granting it, or null if it is not declared (no allocation) */
  @Nullable Declared declaredOrNull(Permission permission) {
    return declared.get(permission);
  }

  /**
   * Whether a role grants a permission.
   *
   * @param role the role
   * @param permission the permission
   * @return true if the catalogue lists the permission under the role
   */
  public boolean grants(Role role, Permission permission) {
    Set<Permission> p = grants.get(role);
    return p != null && p.contains(permission);
  }

  /** @param role a role @return whether the role is privileged (may act across tenants, with MFA) */
  public boolean isPrivileged(Role role) {
    return privileged.contains(role);
  }

  /** @return every role the catalogue declares */
  public Set<Role> roles() {
    return grants.keySet();
  }

  /** @return every permission the catalogue declares */
  public Set<Permission> permissions() {
    return declared.keySet();
  }

  /** @param role a role @return the permissions it grants, empty if the role is unknown */
  public Set<Permission> permissionsOf(Role role) {
    return grants.getOrDefault(role, Set.of());
  }

  @Override
  public String toString() {
    return "RoleCatalog[" + declared.size() + " permissions, " + grants.size() + " roles]";
  }

  /**
   * Builds a {@link RoleCatalog}. Each permission and each role may be declared once; a role may only grant
   * declared permissions. Not thread-safe.
   */
  public static final class Builder {
    private final Map<Permission, PermissionDefinition> permissions = new LinkedHashMap<>();
    private final Map<Role, Set<Permission>> roles = new LinkedHashMap<>();
    private final Set<Role> privileged = new HashSet<>();

    private Builder() {}

    /**
     * Declares a permission.
     *
     * @param definition the declaration
     * @return this builder
     * @throws InvalidRoleCatalogException if the permission is already declared
     */
    public Builder permission(PermissionDefinition definition) {
      Objects.requireNonNull(definition, "definition");
      if (permissions.putIfAbsent(definition.permission(), definition) != null) {
        throw new InvalidRoleCatalogException("permissions." + definition.permission(), "declared twice");
      }
      return this;
    }

    /**
     * Declares organization-scoped permissions with no entitlement or approval.
     *
     * @param names the permissions' names
     * @return this builder
     */
    public Builder permissions(String... names) {
      for (String n : names) {
        permission(PermissionDefinition.of(n));
      }
      return this;
    }

    /**
     * Declares a role.
     *
     * @param name the role's name
     * @param permissions the permissions it grants; each must be declared already
     * @return this builder
     * @throws InvalidRoleCatalogException if the role is declared twice or grants an undeclared permission
     */
    public Builder role(String name, String... permissions) {
      return role(name, false, permissions);
    }

    /**
     * Declares a privileged role: the only kind that can act across tenants (with MFA).
     *
     * @param name the role's name
     * @param permissions the permissions it grants
     * @return this builder
     */
    public Builder privilegedRole(String name, String... permissions) {
      return role(name, true, permissions);
    }

    private Builder role(String name, boolean isPrivileged, String... names) {
      Role role = Role.of(name);
      Set<Permission> set = new HashSet<>();
      for (int i = 0; i < names.length; i++) {
        Permission p = Permission.of(names[i]);
        if (!permissions.containsKey(p)) {
          throw new InvalidRoleCatalogException("roles." + name + ".permissions[" + i + "]",
              "permission '" + p + "' is not declared: declare it with permission(...) first");
        }
        set.add(p);
      }
      return putRole(role, set, isPrivileged, "roles." + name);
    }

    private Builder putRole(Role role, Set<Permission> granted, boolean isPrivileged, String at) {
      if (roles.putIfAbsent(role, granted) != null) {
        throw new InvalidRoleCatalogException(at, "declared twice");
      }
      if (isPrivileged) {
        privileged.add(role);
      }
      return this;
    }

    /** @return the catalogue */
    public RoleCatalog build() {
      return new RoleCatalog(this);
    }
  }
}
