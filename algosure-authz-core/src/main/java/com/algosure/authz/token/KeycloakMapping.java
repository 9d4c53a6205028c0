package com.algosure.authz.token;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.authz.Actor;
import com.algosure.authz.BindingScope;
import com.algosure.authz.IdentitySignals;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.TenantId;
import com.algosure.authz.internal.UntrustedText;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the claims of a validated Keycloak access token into an {@link Actor} with {@link IdentitySignals}, by
 * rules the host declares. Keycloak signals are hints and role signals, never authority on their own: the
 * {@link com.algosure.authz.PolicyDecisionPoint} combines them with the directory, the role catalogue,
 * entitlements and domain policy.
 *
 * <ul>
 *   <li><b>Realm roles</b> ({@code realm_access.roles}) and <b>client roles</b>
 *       ({@code resource_access.<client>.roles}) map to Algosure roles, one declared rule at a time; a Keycloak
 *       role without a rule maps to nothing.
 *   <li><b>Groups</b> ({@code groups}, full paths) match templates such as {@code /tenants/{tenant}/org-{org}}:
 *       {@code {tenant}} becomes a tenant hint, {@code {org}} an organization hint, and a rule may grant a role.
 *       A role granted by a template holds only in the matched tenant (with {@code {org}}: only in that
 *       organization), as {@link IdentitySignals#scopedRoles()}: the group {@code /tenants/acme/admins} makes its
 *       members admins of acme, not of every tenant they can reach. A template that grants a role must therefore name
 *       {@code {tenant}}; a group whose role is meant to hold platform-wide, as a realm role's does, is declared so
 *       ({@code platformGroup}, in JSON {@code "platform": true}).
 *   <li><b>Claims</b>: tenant-hint claims (string or array) only hint; one tenant claim may be declared
 *       <em>trusted</em> and then fills {@link IdentitySignals#trustedTenant()} (it must carry exactly one value,
 *       else the token is rejected). Organization claims (string or array) become organization hints.
 *   <li><b>Service accounts</b>: a token whose {@code preferred_username} starts with the service-account prefix
 *       (default {@code service-account-}) and whose {@code client_id} (Keycloak before 25: {@code clientId})
 *       names the client (ignoring case: Keycloak keeps usernames in lower case) becomes {@link Actor.ServiceAccount}
 *       with the {@code client_id} as it is; a token with the prefix but neither claim is refused (it cannot be told
 *       whether it is a client's or a person's), and every other token becomes {@link Actor.User} with
 *       {@code sub} as id. Keycloak puts {@code client_id} only in client-credentials tokens; {@code azp} is in
 *       every token (the client a user signed in through), so it never makes a service account: a user who chose
 *       the username {@code service-account-filings-api} never becomes that client.
 *   <li><b>Impersonation</b>: a token an administrator obtained by impersonating a user carries Keycloak's
 *       {@code impersonator} claim (mappers "Impersonator User ID" and "Impersonator Username": {@code {"id": ...,
 *       "username": ...}}). It is mapped as the user's, with the impersonator's {@code id} as
 *       {@link IdentitySignals#impersonator()}, so that decisions record who acted and the impersonator never
 *       approves the user's requests. A token whose {@code impersonator} does not name one by a valid id is refused.
 *       A delegation token (RFC 8693 {@code act}: the party acting for the subject) is mapped the same way, with the
 *       current actor's {@code act.sub} as {@link IdentitySignals#impersonator()} and the earlier ones of a chain
 *       ({@code act.act.sub}, ...) as {@link IdentitySignals#priorActors()}; an {@code act} that is not an
 *       object with a string {@code sub} is refused, and so is a token whose {@code act} names another issuer's
 *       party ({@code act.iss}) or a different party than its {@code impersonator}.
 *   <li><b>MFA</b>: evidence when {@code amr} holds any of the configured values (default {@code otp},
 *       {@code mfa}, {@code hwk}) or {@code acr} equals one of the configured values (default none: Keycloak
 *       reports {@code acr} "1" even after OTP).
 * </ul>
 *
 * <p>Absent claims are absent, not errors: Keycloak leaves out empty {@code realm_access},
 * {@code resource_access} and {@code groups}. A role, group or hint claim that is a single string is read as a
 * list of that one value; any other JSON type, and any member of a list that is not a string, is ignored (it can
 * only narrow what the actor gets); a trusted tenant claim or a subject that cannot be used rejects the token.
 *
 * <p>Build with {@link #builder()}, load with {@link #fromJson(InputStream)}:
 *
 * <pre>{@code
 * {
 *   "realmRoles":  [{"keycloak": "platform-admin", "role": "platform-admin"}],
 *   "clientRoles": [{"client": "filings-api", "keycloak": "filings:read", "role": "filings-reader"}],
 *   "groups":      [{"pattern": "/tenants/{tenant}/org-{org}"}, {"pattern": "/tenants/{tenant}/admins", "role": "tenant-admin"},
 *                   {"pattern": "/platform-operators", "role": "platform-operator", "platform": true}],
 *   "tenantClaims": [{"claim": "tenant_id", "trusted": false}],
 *   "organizationClaims": ["org_ids"],
 *   "serviceAccountUsernamePrefix": "service-account-",
 *   "mfa": {"amr": ["otp", "mfa", "hwk"], "acr": []}
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class KeycloakMapping {

  private static final Logger LOG = LoggerFactory.getLogger(KeycloakMapping.class);

  /** The username prefix Keycloak gives a client's service-account user. */
  public static final String DEFAULT_SERVICE_ACCOUNT_PREFIX = "service-account-";

  /** The {@code amr} values that count as MFA evidence unless configured otherwise. */
  public static final Set<String> DEFAULT_MFA_AMR_VALUES = Set.of("otp", "mfa", "hwk");

  private static final KeycloakMapping DEFAULTS = new Builder().build();

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // the caller's stream: fromJson leaves it open
          .build())
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Map<String, Set<Role>> realmRoles;
  private final Map<String, Map<String, Set<Role>>> clientRoles;
  private final List<GroupRule> groups;
  private final List<String> tenantHintClaims;
  private final @Nullable String trustedTenantClaim;
  private final List<String> organizationClaims;
  private final String serviceAccountPrefix;
  private final Set<String> mfaAmrValues;
  private final Set<String> mfaAcrValues;

  private KeycloakMapping(Builder b) {
    this.realmRoles = freeze(b.realmRoles);
    Map<String, Map<String, Set<Role>>> clients = new LinkedHashMap<>();
    b.clientRoles.forEach((client, roles) -> clients.put(client, freeze(roles)));
    this.clientRoles = Collections.unmodifiableMap(clients);
    this.groups = List.copyOf(b.groups);
    this.tenantHintClaims = List.copyOf(b.tenantHintClaims);
    this.trustedTenantClaim = b.trustedTenantClaim;
    this.organizationClaims = List.copyOf(b.organizationClaims);
    this.serviceAccountPrefix = b.serviceAccountPrefix == null ? DEFAULT_SERVICE_ACCOUNT_PREFIX : b.serviceAccountPrefix;
    this.mfaAmrValues = b.mfaAmrValues == null ? DEFAULT_MFA_AMR_VALUES : b.mfaAmrValues;
    this.mfaAcrValues = b.mfaAcrValues == null ? Set.of() : b.mfaAcrValues;
  }

  private static Map<String, Set<Role>> freeze(Map<String, Set<Role>> m) {
    Map<String, Set<Role>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, Set.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The mapping with no rules: users and service accounts are recognised and MFA is read from {@code amr} with the
   * default values, but no Keycloak role, group or claim maps to anything.
   *
   * @return the default mapping
   */
  public static KeycloakMapping defaults() {
    return DEFAULTS;
  }

  /**
   * Loads a mapping from JSON (UTF-8); see the class documentation for the format. Unknown fields, duplicate keys,
   * content after the object (a second document, a stray brace), wrong types, invalid role names and group patterns are errors that name the entry.
   *
   * @param json the mapping; not closed by this method
   * @return the mapping
   * @throws InvalidKeycloakMappingException if the JSON is unreadable or an entry is invalid
   * @throws NullPointerException if {@code json} is null
   */
  public static KeycloakMapping fromJson(InputStream json) {
    Objects.requireNonNull(json, "json");
    JsonNode root;
    try (JsonParser parser = JSON.createParser(json)) {
      try {
        root = JSON.readTree(parser);
      } catch (StreamConstraintsException e) {
        // the error of a limit carries no location (reading it threw a NullPointerException): the parser knows where
        JsonLocation where = parser.currentLocation();
        throw new InvalidKeycloakMappingException("line " + where.getLineNr() + ", column " + where.getColumnNr(),
            "beyond a limit of the reader (" + e.getOriginalMessage() + "): a Keycloak mapping is three levels deep,"
                + " with short names and values; check that the file is the Keycloak mapping", e);
      }
    } catch (JsonProcessingException e) {
      throw new InvalidKeycloakMappingException("line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr(), "not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new InvalidKeycloakMappingException("(input)", "could not be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidKeycloakMappingException("$", "expected an object such as {\"realmRoles\": [...]}");
    }
    return new JsonReader().read(root);
  }

  /**
   * The {@code acr} values that count as MFA evidence: what a resource server may name in the {@code acr_values} of a
   * step-up challenge (RFC 9470), so that a client asks the issuer for an authentication this mapping accepts.
   *
   * @return the values, immutable and in no particular order; empty where MFA is read from {@code amr} alone (the
   *     default)
   * @since 0.1.0
   */
  public Set<String> mfaAcrValues() {
    return mfaAcrValues;
  }

  /**
   * Maps the claims of a token that has already been validated (signature, issuer, audience, expiry).
   *
   * @param claims the token's claims as JSON values: strings, numbers, booleans, collections and maps
   * @param signalsExpireAt when the resulting signals expire: the token's {@code exp} plus the allowed clock skew
   * @return the actor and the tenant hints
   * @throws TokenRejectedException ({@link TokenRejectionReason#MISSING_CLAIM}) if a user token has no
   *     {@code sub}, or a token whose {@code preferred_username} has the service-account prefix has no {@code client_id}
   *     (nor {@code clientId}); ({@link TokenRejectionReason#INVALID_CLAIM}) if the subject or client id is not a valid
   *     identifier, the trusted tenant claim is ambiguous or invalid, or a service-account username names another
   *     client
   * @throws NullPointerException if an argument is null
   */
  public MappedIdentity map(Map<String, ?> claims, Instant signalsExpireAt) {
    Objects.requireNonNull(claims, "claims");
    Objects.requireNonNull(signalsExpireAt, "signalsExpireAt");
    String issuer = string(claims.get("iss"));

    IdentitySignals.Builder signals = IdentitySignals.builder();
    Set<Role> roles = new HashSet<>();
    Set<TenantId> tenantHints = new LinkedHashSet<>();
    Set<OrganizationId> orgHints = new LinkedHashSet<>();

    if (!realmRoles.isEmpty() && claims.get("realm_access") instanceof Map<?, ?> realm) {
      for (String r : strings(realm.get("roles"))) {
        Set<Role> mapped = realmRoles.get(r);
        if (mapped != null) {
          roles.addAll(mapped);
        }
      }
    }
    if (!clientRoles.isEmpty() && claims.get("resource_access") instanceof Map<?, ?> resources) {
      for (Map.Entry<String, Map<String, Set<Role>>> client : clientRoles.entrySet()) {
        if (resources.get(client.getKey()) instanceof Map<?, ?> access) {
          for (String r : strings(access.get("roles"))) {
            Set<Role> mapped = client.getValue().get(r);
            if (mapped != null) {
              roles.addAll(mapped);
            }
          }
        }
      }
    }
    if (!groups.isEmpty()) {
      for (String path : strings(claims.get("groups"))) {
        for (GroupRule rule : groups) {
          Matcher m = rule.match(path);
          if (m == null) {
            continue;
          }
          String tenant = rule.tenant(m);
          String organization = rule.organization(m);
          addTenant(tenantHints, tenant);
          addOrganization(orgHints, organization);
          Role role = rule.role();
          if (role == null) {
            continue;
          }
          if (!rule.scoped()) {
            roles.add(role);
            continue;
          }
          // a tenant's (organization's) group signals its role there only, never in another tenant or organization
          BindingScope scope = tenant == null ? null : scope(tenant, organization); // scoped: its template has one
          if (scope != null) {
            signals.scopedRole(role, scope);
          }
        }
      }
    }
    for (String claim : tenantHintClaims) {
      for (String t : strings(claims.get(claim))) {
        addTenant(tenantHints, t);
      }
    }
    for (String claim : organizationClaims) {
      for (String o : strings(claims.get(claim))) {
        addOrganization(orgHints, o);
      }
    }

    signals
        .roles(roles)
        .organizationHints(orgHints)
        .mfaEvidence(mfaEvidence(claims))
        .expiresAt(signalsExpireAt);
    if (issuer != null) {
      signals.issuer(issuer);
    }
    TenantId trusted = trustedTenant(claims, issuer);
    if (trusted != null) {
      signals.trustedTenant(trusted);
    }
    actingParty(claims, issuer, impersonator(claims, issuer, signals), signals);
    return new MappedIdentity(actor(claims, issuer, signals.build()), tenantHints);
  }

  private Actor actor(Map<String, ?> claims, @Nullable String issuer, IdentitySignals signals) {
    String username = string(claims.get("preferred_username"));
    if (username != null && username.startsWith(serviceAccountPrefix)) {
      // not azp: a user's token names the client the user signed in through there
      String clientId = string(claims.get("client_id"));
      if (clientId == null) {
        clientId = string(claims.get("clientId")); // Keycloak before 25
      }
      if (clientId == null) {
        // Keycloak names a client's service-account user so, and a person may have chosen such a name too: without
        // the client id claim the two cannot be told apart, and either guess is wrong for the other (a client treated
        // as a person escapes its least-privilege bindings; azp is the client a person signed in through)
        throw new TokenRejectedException(TokenRejectionReason.MISSING_CLAIM, issuer, "claim 'preferred_username' has"
            + " the service-account prefix '" + serviceAccountPrefix + "' but the token has no client id claim"
            + " ('client_id', or 'clientId' before Keycloak 25), so it cannot be told whether it is a client's service"
            + " account or a person; refused. Give the client the 'service_account' client scope (its client id mapper,"
            + " also in lightweight tokens), or give the person a username without the prefix", null);
      }
      // Keycloak keeps usernames in lower case: client Billing-Worker's user is service-account-billing-worker
      if (username.length() != serviceAccountPrefix.length() + clientId.length()
          || !username.regionMatches(true, serviceAccountPrefix.length(), clientId, 0, clientId.length())) {
        throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
            "claim 'preferred_username' has the service-account prefix '" + serviceAccountPrefix
                + "' but does not name the token's client '" + Printable.raw(clientId)
                + "' (claim client_id); refusing an identity that is neither a user nor that client", null);
      }
      try {
        return Actor.serviceAccount(clientId, signals);
      } catch (IllegalArgumentException e) {
        throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
            "claim 'client_id' is not a valid client id: " + e.getMessage(), null);
      }
    }
    Object sub = claims.get("sub");
    if (sub == null) {
      throw new TokenRejectedException(TokenRejectionReason.MISSING_CLAIM, issuer,
          "claim 'sub' is required for a user token; configure the issuer to include the subject", null);
    }
    if (!(sub instanceof String subject)) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
          "claim 'sub' must be a string", null);
    }
    try {
      return Actor.user(subject, signals);
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
          "claim 'sub' is not a valid subject id: " + e.getMessage(), null);
    }
  }

  private @Nullable TenantId trustedTenant(Map<String, ?> claims, @Nullable String issuer) {
    if (trustedTenantClaim == null) {
      return null;
    }
    Object value = claims.get(trustedTenantClaim);
    if (value == null) {
      return null;
    }
    List<String> values = strings(value);
    Set<String> distinct = new TreeSet<>(values);
    if (distinct.size() != 1 || (value instanceof Collection<?> c && c.size() != values.size())) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
          "claim '" + trustedTenantClaim + "' is the trusted tenant source and must carry exactly one tenant id"
              + " (found " + distinct.size() + " distinct string values)", null);
    }
    try {
      return TenantId.of(distinct.iterator().next());
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer,
          "claim '" + trustedTenantClaim + "' (trusted tenant source) is not a valid tenant id: " + e.getMessage(),
          null);
    }
  }

  /**
   * Keycloak's impersonation details: a token that says it was obtained by impersonation must name who did it, or it
   * is refused (mapped as the user's own, the impersonator would act untraced).
   */
  private static @Nullable String impersonator(Map<String, ?> claims, @Nullable String issuer,
      IdentitySignals.Builder signals) {
    Object value = claims.get("impersonator");
    if (value == null) {
      return null;
    }
    Object id = value instanceof Map<?, ?> details ? details.get("id") : null;
    String problem = "has no string 'id'";
    if (id instanceof String s) {
      try {
        signals.impersonator(s);
        return s;
      } catch (IllegalArgumentException e) {
        problem = "has an 'id' that is not valid: " + e.getMessage();
      }
    }
    throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer, "claim 'impersonator' (Keycloak's"
        + " impersonation details, {\"id\": ..., \"username\": ...}) " + (value instanceof Map<?, ?> ? problem
        : "is not an object") + "; refusing a token obtained by impersonation that does not name the impersonator"
        + " (Keycloak's mapper 'Impersonator User ID' puts the id there)", null);
  }

  /**
   * The party acting for the subject of an RFC 8693 delegation token (the current actor, {@code act.sub}; nested
   * {@code act}s are prior actors, which RFC 8693 §4.1 leaves out of access control): recorded as the impersonator is,
   * so that it is in every decision's audit and never approves the subject's requests; the prior actors are recorded
   * as {@link IdentitySignals#priorActors()}, which grant nothing but never approve the subject's requests either (each
   * took part in making them). A token naming a different impersonator too is refused: only one acting party can be
   * recorded, and either alone would leave the other untraced.
   */
  private static void actingParty(Map<String, ?> claims, @Nullable String issuer, @Nullable String impersonator,
      IdentitySignals.Builder signals) {
    Object act = claims.get("act");
    String actor = RegisteredClaims.actingParty(act); // MALFORMED if ill-formed, as the validator refuses it
    if (actor == null || !(act instanceof Map<?, ?> party)) { // with an actor, act is an object
      return;
    }
    Object actIssuer = party.get("iss");
    if (actIssuer != null && !actIssuer.equals(issuer)) { // issuer as text: it may be a URI object
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer, "claim 'act' (the acting party,"
          + " RFC 8693) names its party by 'iss' " + Printable.of(String.valueOf(actIssuer)) + ", not the token's"
          + " issuer: its 'sub' is another issuer's id, which cannot be recorded as the acting party here; refused",
          null);
    }
    if (impersonator != null && !impersonator.equalsIgnoreCase(actor)) { // equal: the same person, recorded already
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer, "claim 'impersonator' and claim"
          + " 'act' (RFC 8693) name different parties acting for the subject; only one can be recorded with each"
          + " decision and kept from approving the subject's requests, so the token is refused", null);
    }
    try {
      if (impersonator == null) {
        signals.impersonator(actor);
      }
      // the prior actors (act.act.sub, ...) grant nothing, but each took part in the request: kept so that none
      // approves it (RegisteredClaims checked that every nested act is an object with a string sub)
      List<String> prior = new ArrayList<>();
      for (Object a = party.get("act"); a instanceof Map<?, ?> earlier; a = earlier.get("act")) {
        if (earlier.get("sub") instanceof String sub) {
          prior.add(sub);
        }
      }
      if (!prior.isEmpty()) {
        signals.priorActors(prior);
      }
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(TokenRejectionReason.INVALID_CLAIM, issuer, "claim 'act' (the acting party,"
          + " RFC 8693) or an 'act' nested in it has a 'sub' that is not a valid id: " + e.getMessage(), null);
    }
  }

  /**
   * @return the token's values that count as MFA evidence, as {@code amr:value} and {@code acr:value} in the token's
   *     order (each a configured value, made printable for the audit record); empty where none counts
   */
  private List<String> mfaEvidence(Map<String, ?> claims) {
    List<String> evidence = List.of();
    for (String amr : strings(claims.get("amr"))) {
      if (mfaAmrValues.contains(amr)) {
        evidence = add(evidence, "amr:" + amr);
      }
    }
    String acr = string(claims.get("acr"));
    if (acr != null && mfaAcrValues.contains(acr)) {
      evidence = add(evidence, "acr:" + acr);
    }
    return evidence;
  }

  private static List<String> add(List<String> evidence, String value) {
    String recorded = UntrustedText.safe(value, 128);
    if (evidence.contains(recorded)) {
      return evidence; // amr listing a method twice is one piece of evidence
    }
    List<String> more = new ArrayList<>(evidence);
    more.add(recorded);
    return more;
  }

  private static void addTenant(Set<TenantId> into, @Nullable String value) {
    if (value == null) {
      return;
    }
    try {
      into.add(TenantId.of(value));
    } catch (IllegalArgumentException e) {
      LOG.debug("ignoring tenant hint that is not a valid tenant id");
    }
  }

  /** The scope of a group's role: its tenant, or its organization in that tenant; null if an id is invalid. */
  private static @Nullable BindingScope scope(String tenant, @Nullable String organization) {
    try {
      TenantId t = TenantId.of(tenant);
      return organization == null ? BindingScope.tenant(t) : BindingScope.organization(t, OrganizationId.of(organization));
    } catch (IllegalArgumentException e) {
      LOG.debug("ignoring the role of a group whose tenant or organization is not a valid id");
      return null;
    }
  }

  private static void addOrganization(Set<OrganizationId> into, @Nullable String value) {
    if (value == null) {
      return;
    }
    try {
      into.add(OrganizationId.of(value));
    } catch (IllegalArgumentException e) {
      LOG.debug("ignoring organization hint that is not a valid organization id");
    }
  }

  private static @Nullable String string(@Nullable Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    // an issuer may arrive as a URL or URI (Spring's converted claims); other types are not names
    if (value instanceof java.net.URL || value instanceof java.net.URI) {
      return value.toString();
    }
    return null;
  }

  /** A string claim as one value, an array claim as its string members; anything else as nothing. */
  private static List<String> strings(@Nullable Object value) {
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof Collection<?> c) {
      List<String> out = new ArrayList<>(c.size());
      for (Object o : c) {
        if (o instanceof String s) {
          out.add(s);
        }
      }
      return out;
    }
    return List.of();
  }

  @Override
  public String toString() {
    List<String> g = new ArrayList<>();
    for (GroupRule r : groups) {
      g.add(r.template() + (r.role() == null ? "" : "->" + r.role()));
    }
    return "KeycloakMapping[realmRoles=" + realmRoles + ", clientRoles=" + clientRoles + ", groups=" + g
        + ", tenantHintClaims=" + tenantHintClaims + ", trustedTenantClaim=" + trustedTenantClaim
        + ", organizationClaims=" + organizationClaims + ", serviceAccountPrefix=" + serviceAccountPrefix
        + ", mfaAmrValues=" + new TreeSet<>(mfaAmrValues) + ", mfaAcrValues=" + new TreeSet<>(mfaAcrValues) + "]";
  }

  /**
   * Builds a {@link KeycloakMapping}. Each method checks its arguments at once; single-valued options refuse to be
   * set twice. Not thread-safe.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final Map<String, Set<Role>> realmRoles = new LinkedHashMap<>();
    private final Map<String, Map<String, Set<Role>>> clientRoles = new LinkedHashMap<>();
    private final List<GroupRule> groups = new ArrayList<>();
    private final List<String> tenantHintClaims = new ArrayList<>();
    private @Nullable String trustedTenantClaim;
    private final List<String> organizationClaims = new ArrayList<>();
    private @Nullable String serviceAccountPrefix;
    /** The amr values of one knowledge factor (RFC 8176), which a token after a password alone carries too. */
    private static final Set<String> KNOWLEDGE_AMR = Set.of("pwd", "pin", "kba");
    /** The acr values Keycloak writes without any step-up level: any full login ("1") and the SSO cookie ("0"). */
    private static final Set<String> SINGLE_FACTOR_ACR = Set.of("0", "1");

    private @Nullable Set<String> mfaAmrValues;
    private @Nullable Set<String> mfaAcrValues;

    private Builder() {}

    /**
     * Maps a realm role to an Algosure role. A Keycloak role may map to several Algosure roles.
     *
     * @param keycloakRole the realm role, as in {@code realm_access.roles}
     * @param algosureRole the Algosure role it signals
     * @return this builder
     * @throws IllegalArgumentException if a name is blank or invalid, or the same rule is declared twice
     */
    public Builder realmRole(String keycloakRole, String algosureRole) {
      String k = name("realm role", keycloakRole);
      Role role = role(algosureRole);
      if (!realmRoles.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(role)) {
        throw new IllegalArgumentException("realm role '" + k + "' -> role '" + role + "' is declared twice");
      }
      return this;
    }

    /**
     * Maps a client role of one client to an Algosure role.
     *
     * @param clientId the client, as the key in {@code resource_access}
     * @param keycloakRole the client role, as in {@code resource_access.<client>.roles}
     * @param algosureRole the Algosure role it signals
     * @return this builder
     * @throws IllegalArgumentException if a name is blank or invalid, or the same rule is declared twice
     */
    public Builder clientRole(String clientId, String keycloakRole, String algosureRole) {
      String c = name("client id", clientId);
      String k = name("client role", keycloakRole);
      Role role = role(algosureRole);
      if (!clientRoles.computeIfAbsent(c, x -> new LinkedHashMap<>()).computeIfAbsent(k, x -> new LinkedHashSet<>())
          .add(role)) {
        throw new IllegalArgumentException(
            "client role '" + c + "'/'" + k + "' -> role '" + role + "' is declared twice");
      }
      return this;
    }

    /**
     * Reads tenant and organization hints from groups whose path matches a template such as
     * {@code /tenants/{tenant}/org-{org}}. A placeholder matches one path segment or, beside fixed text such as
     * {@code org-}, the rest of one; two placeholders never share a segment ({@code /t/{tenant}-{org}} cannot tell
     * which {@code -} of {@code acme-eu-sales} separates them).
     *
     * @param pattern the group path template, with at most one {@code {tenant}} and one {@code {org}}, each in a
     *     path segment of its own
     * @return this builder
     * @throws IllegalArgumentException if the template is invalid, puts two placeholders in one path segment, names
     *     no placeholder, or is declared twice
     */
    public Builder group(String pattern) {
      return addGroup(GroupRule.compile(pattern, null));
    }

    /**
     * Reads hints from matching groups (as {@link #group(String)}) and grants an Algosure role to members of any
     * group that matches, only in the group's tenant, and with {@code {org}} in the template too only in its
     * organization ({@link IdentitySignals#scopedRoles()}). A group whose role is meant to hold in every tenant is
     * declared with {@link #platformGroup(String, String)}.
     *
     * @param pattern the group path template, with {@code {tenant}} (and optionally {@code {org}})
     * @param algosureRole the Algosure role a matching group signals
     * @return this builder
     * @throws IllegalArgumentException if the template or the role is invalid, has no {@code {tenant}}, or the rule
     *     is declared twice
     */
    public Builder group(String pattern, String algosureRole) {
      return addGroup(GroupRule.compile(pattern, role(algosureRole)));
    }

    /**
     * Grants an Algosure role to members of one group, platform-wide: the role holds wherever the directory confirms
     * the context, in every tenant its members can reach, and a privileged role (see
     * {@link com.algosure.authz.RoleCatalog}) across tenants too, as a realm role does. Declare only groups that are
     * the platform's own, such as {@code /platform-operators}; a tenant's or organization's group belongs in
     * {@link #group(String, String)} with {@code {tenant}}.
     *
     * @param path the group's full path, without placeholders, such as {@code /platform-operators}
     * @param algosureRole the Algosure role the group signals
     * @return this builder
     * @throws IllegalArgumentException if the path or the role is invalid, the path has a placeholder, or the rule is
     *     declared twice
     * @since 0.1.0
     */
    public Builder platformGroup(String path, String algosureRole) {
      return addGroup(GroupRule.compile(path, role(algosureRole), true));
    }

    private Builder addGroup(GroupRule rule) {
      if (groups.contains(rule)) {
        throw new IllegalArgumentException("group pattern '" + rule.template() + "'"
            + (rule.role() == null ? "" : " -> role '" + rule.role() + "'") + " is declared twice");
      }
      groups.add(rule);
      return this;
    }

    /**
     * Reads tenant hints from a claim (a string or an array of strings). Hints are never used for access.
     *
     * @param claim the claim name, such as {@code tenant_id}
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already declared as a tenant claim
     */
    public Builder tenantHintClaim(String claim) {
      String c = name("tenant claim", claim);
      if (tenantHintClaims.contains(c) || c.equals(trustedTenantClaim)) {
        throw new IllegalArgumentException("tenant claim '" + c + "' is declared twice");
      }
      tenantHintClaims.add(c);
      return this;
    }

    /**
     * Declares the claim the host trusts as the tenant source: its single value fills
     * {@link IdentitySignals#trustedTenant()}. Declare a claim trusted only where the identity provider alone can
     * set it (for example a group attribute or a hard-coded client mapper), never a user-editable attribute.
     *
     * @param claim the claim name, such as {@code tenant_id}
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or already declared as a tenant hint claim
     * @throws IllegalStateException if a trusted tenant claim is already declared
     */
    public Builder trustedTenantClaim(String claim) {
      String c = name("trusted tenant claim", claim);
      if (trustedTenantClaim != null) {
        throw new IllegalStateException("trusted tenant claim was already set to '" + trustedTenantClaim + "'");
      }
      if (tenantHintClaims.contains(c)) {
        throw new IllegalArgumentException("tenant claim '" + c + "' is declared twice");
      }
      trustedTenantClaim = c;
      return this;
    }

    /**
     * Reads organization hints from a claim (a string or an array of strings), such as {@code org_ids}.
     *
     * @param claim the claim name
     * @return this builder
     * @throws IllegalArgumentException if the name is blank or declared twice
     */
    public Builder organizationClaim(String claim) {
      String c = name("organization claim", claim);
      if (organizationClaims.contains(c)) {
        throw new IllegalArgumentException("organization claim '" + c + "' is declared twice");
      }
      organizationClaims.add(c);
      return this;
    }

    /**
     * Sets the {@code preferred_username} prefix that marks a service account (default
     * {@value KeycloakMapping#DEFAULT_SERVICE_ACCOUNT_PREFIX}).
     *
     * @param prefix the prefix
     * @return this builder
     * @throws IllegalArgumentException if the prefix is blank
     * @throws IllegalStateException if already set
     */
    public Builder serviceAccountUsernamePrefix(String prefix) {
      String p = name("service-account username prefix", prefix);
      if (serviceAccountPrefix != null) {
        throw new IllegalStateException("service-account username prefix was already set to '" + serviceAccountPrefix + "'");
      }
      serviceAccountPrefix = p;
      return this;
    }

    /**
     * Sets the {@code amr} values any of which counts as MFA evidence (default {@code otp}, {@code mfa},
     * {@code hwk}); no values means {@code amr} never counts.
     *
     * @param values the values
     * @return this builder
     * @throws IllegalArgumentException if a value is blank, or one knowledge factor ({@code pwd}, {@code pin},
     *     {@code kba}: RFC 8176), which a token after a password alone carries too
     * @throws IllegalStateException if already set
     */
    public Builder mfaAmrValues(String... values) {
      if (mfaAmrValues != null) {
        throw new IllegalStateException("MFA amr values were already set to " + new TreeSet<>(mfaAmrValues));
      }
      Set<String> v = values("MFA amr value", values);
      for (String amr : v) {
        if (KNOWLEDGE_AMR.contains(amr)) {
          throw new IllegalArgumentException("amr '" + amr + "' is one knowledge factor (RFC 8176: a password, a "
              + "PIN or a knowledge-based answer), never a second one: a token after a password alone carries it too, "
              + "so each such login would count as MFA; list only values that show a second factor, such as otp, hwk "
              + "or mfa");
        }
      }
      mfaAmrValues = v;
      return this;
    }

    /**
     * Sets the {@code acr} values that count as MFA evidence (default none).
     *
     * @param values the values, such as {@code "2"} or {@code "gold"}
     * @return this builder
     * @throws IllegalArgumentException if a value is blank, or {@code "1"} or {@code "0"}, which Keycloak writes
     *     without any step-up level: after any full login (a password alone too) and after one from the SSO cookie
     * @throws IllegalStateException if already set
     */
    public Builder mfaAcrValues(String... values) {
      if (mfaAcrValues != null) {
        throw new IllegalStateException("MFA acr values were already set to " + new TreeSet<>(mfaAcrValues));
      }
      Set<String> v = values("MFA acr value", values);
      for (String acr : v) {
        if (SINGLE_FACTOR_ACR.contains(acr)) {
          throw new IllegalArgumentException("acr '" + acr + "' does not show a second factor: Keycloak writes '1' "
              + "for any full login, with a password alone too, and '0' for one from the SSO cookie, so each would "
              + "count as MFA; list only the acr values of step-up levels that require a second factor, such as '2' "
              + "or 'gold'");
        }
      }
      mfaAcrValues = v;
      return this;
    }

    /** @return the mapping; the builder may be reused */
    public KeycloakMapping build() {
      return new KeycloakMapping(this);
    }

    private static Set<String> values(String what, String... values) {
      Objects.requireNonNull(values, what + "s");
      Set<String> out = new LinkedHashSet<>();
      for (String v : values) {
        out.add(name(what, v));
      }
      return Set.copyOf(out);
    }

    private static String name(String what, @Nullable String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be null or blank");
      }
      return value;
    }

    private static Role role(@Nullable String name) {
      if (name == null) {
        throw new IllegalArgumentException("Algosure role must not be null");
      }
      return Role.of(name);
    }
  }

  /** Reads the JSON form into a builder, naming the entry of every error. */
  private static final class JsonReader {
    private final Builder b = builder();

    KeycloakMapping read(JsonNode root) {
      onlyFields(root, "", "realmRoles", "clientRoles", "groups", "tenantClaims", "organizationClaims",
          "serviceAccountUsernamePrefix", "mfa");
      JsonNode realm = array(root, "realmRoles");
      for (int i = 0; i < realm.size(); i++) {
        String at = "realmRoles[" + i + "]";
        JsonNode e = object(realm.get(i), at, "{\"keycloak\": \"platform-admin\", \"role\": \"platform-admin\"}");
        onlyFields(e, at, "keycloak", "role");
        String k = text(e, "keycloak", at);
        String r = text(e, "role", at);
        apply(at, () -> b.realmRole(k, r));
      }
      JsonNode client = array(root, "clientRoles");
      for (int i = 0; i < client.size(); i++) {
        String at = "clientRoles[" + i + "]";
        JsonNode e = object(client.get(i), at,
            "{\"client\": \"filings-api\", \"keycloak\": \"filings:read\", \"role\": \"filings-reader\"}");
        onlyFields(e, at, "client", "keycloak", "role");
        String c = text(e, "client", at);
        String k = text(e, "keycloak", at);
        String r = text(e, "role", at);
        apply(at, () -> b.clientRole(c, k, r));
      }
      JsonNode groupRules = array(root, "groups");
      for (int i = 0; i < groupRules.size(); i++) {
        String at = "groups[" + i + "]";
        JsonNode e = object(groupRules.get(i), at, "{\"pattern\": \"/tenants/{tenant}/org-{org}\"}");
        onlyFields(e, at, "pattern", "role", "platform");
        String p = text(e, "pattern", at);
        String r = e.has("role") ? text(e, "role", at) : null;
        boolean platform = false;
        if (e.has("platform")) {
          JsonNode f = e.get("platform");
          if (!f.isBoolean()) {
            throw new InvalidKeycloakMappingException(at + ".platform", "expected true or false");
          }
          if (f.booleanValue() && r == null) {
            throw new InvalidKeycloakMappingException(at + ".platform", "a platform-wide group needs a \"role\"");
          }
          platform = f.booleanValue();
        }
        if (r != null) {
          apply(at + ".role", () -> Role.of(r)); // checked first: the pattern's step would report it at the pattern
        }
        boolean platformWide = platform;
        apply(at + ".pattern", () -> {
          if (r == null) {
            b.group(p);
          } else if (platformWide) {
            b.platformGroup(p, r);
          } else {
            b.group(p, r);
          }
        });
      }
      JsonNode tenants = array(root, "tenantClaims");
      for (int i = 0; i < tenants.size(); i++) {
        String at = "tenantClaims[" + i + "]";
        JsonNode e = object(tenants.get(i), at, "{\"claim\": \"tenant_id\", \"trusted\": false}");
        onlyFields(e, at, "claim", "trusted");
        String c = text(e, "claim", at);
        boolean trusted = false;
        if (e.has("trusted")) {
          JsonNode t = e.get("trusted");
          if (!t.isBoolean()) {
            throw new InvalidKeycloakMappingException(at + ".trusted", "expected true or false");
          }
          trusted = t.booleanValue();
        }
        boolean isTrusted = trusted;
        apply(at, () -> {
          if (isTrusted) {
            b.trustedTenantClaim(c);
          } else {
            b.tenantHintClaim(c);
          }
        });
      }
      JsonNode orgs = array(root, "organizationClaims");
      for (int i = 0; i < orgs.size(); i++) {
        String at = "organizationClaims[" + i + "]";
        String c = textValue(orgs.get(i), at);
        apply(at, () -> b.organizationClaim(c));
      }
      if (root.has("serviceAccountUsernamePrefix")) {
        String p = text(root, "serviceAccountUsernamePrefix", "");
        apply("serviceAccountUsernamePrefix", () -> b.serviceAccountUsernamePrefix(p));
      }
      if (root.has("mfa")) {
        JsonNode mfa = object(root.get("mfa"), "mfa", "{\"amr\": [\"otp\"], \"acr\": []}");
        onlyFields(mfa, "mfa", "amr", "acr");
        if (mfa.has("amr")) {
          String[] v = texts(mfa, "amr", "mfa");
          apply("mfa.amr", () -> b.mfaAmrValues(v));
        }
        if (mfa.has("acr")) {
          String[] v = texts(mfa, "acr", "mfa");
          apply("mfa.acr", () -> b.mfaAcrValues(v));
        }
      }
      return b.build();
    }

    private static void apply(String at, Runnable step) {
      try {
        step.run();
      } catch (IllegalArgumentException | IllegalStateException e) {
        // the builder quotes the document's names and patterns as they are: made printable here, and its exception,
        // which says no more, is left out so that no stack trace prints them raw
        throw new InvalidKeycloakMappingException(at, UntrustedText.safe(messageOf(e), 1_000));
      }
    }

    private static String path(String at, String field) {
      return at.isEmpty() ? field : at + "." + field;
    }

    private static JsonNode array(JsonNode parent, String field) {
      JsonNode n = parent.get(field);
      if (n == null) {
        return JSON.createArrayNode();
      }
      if (!n.isArray()) {
        throw new InvalidKeycloakMappingException(field, "expected an array");
      }
      return n;
    }

    private static JsonNode object(JsonNode n, String at, String example) {
      if (n == null || !n.isObject()) {
        throw new InvalidKeycloakMappingException(at, "expected an object such as " + example);
      }
      return n;
    }

    private static String text(JsonNode parent, String field, String at) {
      JsonNode n = parent.get(field);
      if (n == null) {
        throw new InvalidKeycloakMappingException(path(at, field), "is required");
      }
      return textValue(n, path(at, field));
    }

    private static String textValue(JsonNode n, String at) {
      if (!n.isTextual() || n.textValue().isBlank()) {
        throw new InvalidKeycloakMappingException(at, "expected a non-empty string");
      }
      return n.textValue();
    }

    private static String[] texts(JsonNode parent, String field, String at) {
      JsonNode n = parent.get(field);
      if (!n.isArray()) {
        throw new InvalidKeycloakMappingException(path(at, field), "expected an array of strings");
      }
      String[] out = new String[n.size()];
      for (int i = 0; i < n.size(); i++) {
        out[i] = textValue(n.get(i), path(at, field) + "[" + i + "]");
      }
      return out;
    }

    private static void onlyFields(JsonNode node, String at, String... allowed) {
      Set<String> ok = Set.of(allowed);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!ok.contains(f)) {
          throw new InvalidKeycloakMappingException(path(at, Printable.raw(f)),
              "unknown field: expected one of " + new TreeSet<>(ok));
        }
      }
    }
  }
}
