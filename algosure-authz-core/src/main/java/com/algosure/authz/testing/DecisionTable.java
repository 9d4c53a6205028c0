package com.algosure.authz.testing;

import com.algosure.authz.Actor;
import com.algosure.authz.AgentGrant;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.UntrustedText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A table of expected decisions, loaded from JSON and checked against a {@link PolicyDecisionPoint} in one
 * line — what {@code opa test} and Cerbos test suites give policy authors:
 *
 * <pre>{@code
 * @Test
 * void catalogueDecidesAsSpecified() {
 *   DecisionTable.fromClasspath("authz/decisions.json").assertAllMatch(pdp);
 * }
 * }</pre>
 *
 * <p>The JSON is an object with {@code rows}; each row has a {@code name}, an {@code actor}, the request
 * ({@code tenant}, {@code organization}, {@code action}, {@code resource}, and optionally {@code approvalId},
 * {@code task}, {@code attributes}) and {@code expect} ({@code effect}, and optionally {@code reason}):
 *
 * <pre>{@code
 * {"rows": [
 *   {"name": "alice reads in sales",
 *    "actor": {"user": "alice", "roles": ["member"], "mfa": false},
 *    "tenant": "acme", "organization": "sales", "action": "filings:read", "resource": {"type": "filing"},
 *    "expect": {"effect": "PERMIT"}},
 *   {"name": "billing-worker cannot write",
 *    "actor": {"serviceAccount": "billing-worker"},
 *    "tenant": "acme", "organization": "sales", "action": "filings:write", "resource": {"type": "filing", "id": "f-1"},
 *    "expect": {"effect": "DENY", "reason": "SERVICE_ACCOUNT_SCOPE_EXCEEDED"}}
 * ]}
 * }</pre>
 *
 * <p>An actor is {@code {"user": id}}, {@code {"serviceAccount": clientId}} (both with optional
 * {@code roles}, {@code mfa}, {@code trustedTenant}) or {@code {"agent": id, "onBehalfOf": {user...},
 * "grant": {"task", "tenant", "organization", "domain", "capabilities", "expiresAt"}}}.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class DecisionTable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final List<Row> rows;

  private DecisionTable(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  /**
   * One expectation.
   *
   * @param name the row's name
   * @param request the request
   * @param effect the expected effect
   * @param reason the expected most significant reason, if the row names one
   */
  public record Row(String name, AuthorizationRequest request, Effect effect, Optional<ReasonCode> reason) {}

  /**
   * A row whose decision differed from the expectation.
   *
   * @param row the row
   * @param decision what the decision point decided
   */
  public record Mismatch(Row row, AuthorizationDecision decision) {
    @Override
    public String toString() {
      return "'" + row.name() + "': expected " + row.effect() + row.reason().map(r -> " " + r).orElse("")
          + " but was " + decision.effect() + " " + decision.reasons() + " at " + decision.stage() + " — "
          + decision.explanation();
    }
  }

  /**
   * Loads a table from the class path.
   *
   * @param resource the resource name, such as {@code authz/decisions.json}
   * @return the table
   * @throws IllegalArgumentException if the resource is missing or invalid
   */
  public static DecisionTable fromClasspath(String resource) {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    try (InputStream in = (cl != null ? cl : DecisionTable.class.getClassLoader()).getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("decision table '" + resource + "' is not on the class path");
      }
      return fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException("decision table '" + resource + "' could not be read", e);
    }
  }

  /**
   * Loads a table from JSON: one object; content after it (a second document, a stray brace) and a field the format
   * does not have (a misspelt {@code organisation}, which would make a row check something else) are errors.
   *
   * @param json the table (UTF-8); not closed
   * @return the table
   * @throws IllegalArgumentException naming the row and field if the table is invalid, or if it has no rows
   */
  public static DecisionTable fromJson(InputStream json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("decision table is not valid JSON at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("decision table could not be read", e);
    }
    if (root == null || !root.path("rows").isArray()) {
      throw new IllegalArgumentException("decision table: expected an object with a \"rows\" array");
    }
    onlyFields(root, "$", ROOT_FIELDS);
    List<Row> rows = new ArrayList<>();
    JsonNode list = root.get("rows");
    if (list.isEmpty()) {
      // assertAllMatch would pass checking nothing: a test that cannot fail
      throw new IllegalArgumentException(
          "decision table: \"rows\" is empty, so the table would check nothing: add at least one row");
    }
    for (int i = 0; i < list.size(); i++) {
      rows.add(row(list.get(i), "rows[" + i + "]"));
    }
    return new DecisionTable(rows);
  }

  /** @return the rows */
  public List<Row> rows() {
    return rows;
  }

  /**
   * Decides every row.
   *
   * @param pdp the decision point
   * @return the rows whose decision differed, in table order
   */
  public List<Mismatch> run(PolicyDecisionPoint pdp) {
    Objects.requireNonNull(pdp, "pdp");
    List<Mismatch> out = new ArrayList<>();
    for (Row r : rows) {
      AuthorizationDecision d = pdp.decide(r.request());
      if (d.effect() != r.effect() || (r.reason().isPresent() && d.reason() != r.reason().get())) {
        out.add(new Mismatch(r, d));
      }
    }
    return out;
  }

  /**
   * Decides every row and fails listing every mismatch with the decision's explanation.
   *
   * @param pdp the decision point
   * @throws AssertionError if any row's decision differs from its expectation
   */
  public void assertAllMatch(PolicyDecisionPoint pdp) {
    List<Mismatch> mismatches = run(pdp);
    if (!mismatches.isEmpty()) {
      StringBuilder s = new StringBuilder(mismatches.size() + " of " + rows.size() + " decision rows did not match:");
      for (Mismatch m : mismatches) {
        s.append("\n  - ").append(m);
      }
      throw new AssertionError(s.toString());
    }
  }

  private static Row row(JsonNode n, String at) {
    if (!n.isObject()) {
      throw bad(at, "expected an object");
    }
    String name = n.hasNonNull("name") ? n.get("name").asText() : at;
    at = at + " ('" + name + "')";
    // a misspelt field would make the row check something else than it says: refused, as RoleCatalog.fromJson does
    onlyFields(n, at, ROW_FIELDS);
    AuthorizationRequest.Builder b = AuthorizationRequest.builder();
    try {
      if (n.has("actor")) {
        b.actor(actor(n.get("actor"), at + ".actor"));
      }
      if (n.hasNonNull("tenant")) {
        b.tenant(text(n, "tenant", at));
      }
      if (n.hasNonNull("organization")) {
        b.organization(text(n, "organization", at));
      }
      if (n.hasNonNull("action")) {
        b.action(text(n, "action", at));
      }
      if (n.hasNonNull("resource")) {
        JsonNode r = n.get("resource");
        onlyFields(r, at + ".resource", RESOURCE_FIELDS);
        String type = text(r, "type", at + ".resource");
        b.resource(r.hasNonNull("id") ? ResourceRef.of(type, text(r, "id", at + ".resource")) : ResourceRef.type(type));
      }
      if (n.hasNonNull("approvalId")) {
        b.approvalId(text(n, "approvalId", at));
      }
      if (n.hasNonNull("task")) {
        b.task(text(n, "task", at));
      }
      if (n.hasNonNull("correlationId")) {
        b.correlationId(text(n, "correlationId", at));
      }
      if (n.has("attributes")) {
        JsonNode attributes = n.get("attributes");
        if (!attributes.isObject()) {
          throw bad(at + ".attributes", "expected an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          JsonNode v = e.getValue();
          if (!v.isNumber() && !v.isBoolean() && !v.isTextual()) {
            // an object or array would be read as "" (asText): a row deciding on another value than it shows
            throw bad(at + ".attributes." + UntrustedText.printable(e.getKey(), 64),
                "expected a string, a number or true or false");
          }
          b.attribute(e.getKey(), v.isNumber() ? v.numberValue() : v.isBoolean() ? v.booleanValue() : v.textValue());
        }
      }
    } catch (IllegalArgumentException e) {
      throw e.getMessage() != null && e.getMessage().startsWith("decision table") ? e : bad(at, e.getMessage());
    }
    JsonNode expect = n.get("expect");
    if (expect == null || !expect.isObject()) {
      throw bad(at, "expected \"expect\": {\"effect\": \"PERMIT|DENY|APPROVAL_REQUIRED|STEP_UP_REQUIRED\"}");
    }
    onlyFields(expect, at + ".expect", EXPECT_FIELDS);
    Effect effect = enumValue(Effect.class, text(expect, "effect", at + ".expect"), at + ".expect.effect");
    Optional<ReasonCode> reason = expect.hasNonNull("reason")
        ? Optional.of(enumValue(ReasonCode.class, text(expect, "reason", at + ".expect"), at + ".expect.reason"))
        : Optional.empty();
    return new Row(name, b.build(), effect, reason);
  }

  private static Actor actor(JsonNode a, String at) {
    if (a.hasNonNull("agent")) {
      onlyFields(a, at, AGENT_FIELDS);
      if (!(actor(a.path("onBehalfOf"), at + ".onBehalfOf") instanceof Actor.User user)) {
        throw bad(at + ".onBehalfOf", "expected {\"user\": id}: an agent acts on behalf of a user");
      }
      JsonNode g = a.path("grant");
      onlyFields(g, at + ".grant", GRANT_FIELDS);
      String agentId = text(a, "agent", at);
      Set<Permission> caps = new HashSet<>();
      for (String c : strings(g, "capabilities", at + ".grant")) {
        caps.add(Permission.of(c));
      }
      Instant expires;
      try {
        expires = Instant.parse(text(g, "expiresAt", at + ".grant"));
      } catch (DateTimeParseException e) {
        throw bad(at + ".grant.expiresAt", "expected an ISO-8601 instant such as 2030-01-01T00:00:00Z");
      }
      AgentGrant grant = new AgentGrant(g.hasNonNull("id") ? g.get("id").asText() : agentId + "-grant", agentId,
          user.id(), text(g, "task", at + ".grant"), TenantId.of(text(g, "tenant", at + ".grant")),
          g.hasNonNull("organization") ? Optional.of(OrganizationId.of(g.get("organization").asText())) : Optional.empty(),
          text(g, "domain", at + ".grant"), caps, expires);
      return Actor.agent(agentId, user, grant);
    }
    onlyFields(a, at, ACTOR_FIELDS);
    IdentitySignals.Builder s = IdentitySignals.builder();
    if (a.hasNonNull("user") && a.hasNonNull("serviceAccount")) {
      throw bad(at, "expected one of \"user\" or \"serviceAccount\", not both");
    }
    if (a.has("roles")) {
      s.roles(strings(a, "roles", at).toArray(String[]::new));
    }
    if (a.has("mfa")) {
      JsonNode mfa = a.get("mfa");
      if (!mfa.isBoolean()) {
        throw bad(at + ".mfa", "expected true or false"); // "yes" or 1 would be read as false or true unseen
      }
      s.mfa(mfa.booleanValue());
    }
    if (a.hasNonNull("trustedTenant")) {
      s.trustedTenant(TenantId.of(a.get("trustedTenant").asText()));
    }
    if (a.hasNonNull("user")) {
      return Actor.user(a.get("user").asText(), s.build());
    }
    if (a.hasNonNull("serviceAccount")) {
      return Actor.serviceAccount(a.get("serviceAccount").asText(), s.build());
    }
    throw bad(at, "expected \"user\", \"serviceAccount\" or \"agent\"");
  }

  private static final Set<String> ROOT_FIELDS = Set.of("rows");
  private static final Set<String> ROW_FIELDS = Set.of("name", "actor", "tenant", "organization", "action", "resource",
      "approvalId", "task", "correlationId", "attributes", "expect");
  private static final Set<String> RESOURCE_FIELDS = Set.of("type", "id");
  private static final Set<String> EXPECT_FIELDS = Set.of("effect", "reason");
  private static final Set<String> ACTOR_FIELDS = Set.of("user", "serviceAccount", "roles", "mfa", "trustedTenant");
  private static final Set<String> AGENT_FIELDS = Set.of("agent", "onBehalfOf", "grant");
  private static final Set<String> GRANT_FIELDS = Set.of("id", "task", "tenant", "organization", "domain",
      "capabilities", "expiresAt");

  /** Refuses a field the table format does not have, naming it and the fields it could have meant. */
  private static void onlyFields(JsonNode n, String at, Set<String> allowed) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw bad(at + "." + UntrustedText.printable(f, 64), "unknown field: expected one of "
            + new java.util.TreeSet<>(allowed));
      }
    }
  }

  /**
   * A field that holds names: an array of strings, or absent (none). A string or any other value is refused, not read
   * as no names: {@code "roles": "member"} would otherwise leave the actor without the role the row shows.
   */
  private static List<String> strings(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!v.isArray()) {
      throw bad(at + "." + field, "expected an array of strings");
    }
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw bad(at + "." + field, "expected an array of strings");
      }
      out.add(item.textValue());
    }
    return out;
  }

  private static String text(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw bad(at + "." + field, "expected a string");
    }
    return v.textValue();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String at) {
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw bad(at, "'" + value + "' is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  private static IllegalArgumentException bad(String at, @Nullable String problem) {
    return new IllegalArgumentException("decision table, at " + at + ": " + problem);
  }
}
