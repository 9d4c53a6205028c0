package com.algosure.authz.token;

import com.algosure.authz.Role;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One group-path rule: a template such as {@code /tenants/{tenant}/org-{org}} compiled once into a regular
 * expression, plus the role a matching group grants, if any. A placeholder may share its path segment with fixed
 * text ({@code org-{org}}: Keycloak realms name groups so), never with the other placeholder: {@code {tenant}{org}}
 * or {@code {tenant}-{org}} would split a segment such as {@code acme-eu-sales} by a guess.
 */
final class GroupRule {

  static final String TENANT = "{tenant}";
  static final String ORG = "{org}";

  private final String template;
  private final Pattern pattern;
  private final int tenantGroup;
  private final int orgGroup;
  private final @Nullable Role role;

  private GroupRule(String template, Pattern pattern, int tenantGroup, int orgGroup, @Nullable Role role) {
    this.template = template;
    this.pattern = pattern;
    this.tenantGroup = tenantGroup;
    this.orgGroup = orgGroup;
    this.role = role;
  }

  /**
   * Compiles a template.
   *
   * @throws IllegalArgumentException if the template is not a group path with at most one {@code {tenant}} and
   *     one {@code {org}} placeholder in separate path segments, ends in {@code /} or has an empty segment (as no
   *     group path does), or names neither and grants no role
   */
  static GroupRule compile(String template, @Nullable Role role) {
    return compile(template, role, false);
  }

  /**
   * Compiles a template, or with {@code platform} a literal group path whose role holds wherever its members reach.
   *
   * @throws IllegalArgumentException as {@link #compile(String, Role)}, and if a role is granted without a
   *     {@code {tenant}} placeholder and not declared platform-wide, or a platform-wide group has a placeholder
   */
  static GroupRule compile(String template, @Nullable Role role, boolean platform) {
    if (template == null || template.isEmpty() || template.charAt(0) != '/') {
      throw new IllegalArgumentException("group pattern '" + template
          + "' must be a Keycloak group path starting with '/', such as /tenants/{tenant}/org-{org}");
    }
    if (template.endsWith("/") || template.contains("//")) {
      // Keycloak's paths have neither (a '/' in a group's name is escaped): such a rule would never match
      throw new IllegalArgumentException("group pattern '" + template + "' " + (template.endsWith("/")
          ? "ends with '/'" : "has an empty segment ('//')") + ", as no Keycloak group path does, so it would map"
          + " nothing; write the path as Keycloak shows it, such as /tenants/{tenant}/org-{org}");
    }
    StringBuilder regex = new StringBuilder();
    int tenantGroup = 0;
    int orgGroup = 0;
    int groups = 0;
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      int close = template.indexOf('}', i);
      if (open < 0) {
        if (close >= 0) {
          throw badPlaceholder(template);
        }
        regex.append(Pattern.quote(template.substring(i)));
        break;
      }
      if (close >= 0 && close < open) {
        throw badPlaceholder(template);
      }
      if (open > i) {
        regex.append(Pattern.quote(template.substring(i, open)));
      }
      if (template.startsWith(TENANT, open) && tenantGroup == 0) {
        tenantGroup = ++groups;
        i = open + TENANT.length();
      } else if (template.startsWith(ORG, open) && orgGroup == 0) {
        orgGroup = ++groups;
        i = open + ORG.length();
      } else {
        throw badPlaceholder(template);
      }
      // a placeholder stands for one path segment or a part of one, never a '/'
      regex.append("([^/]+)");
    }
    if (groups == 2) {
      requireSeparateSegments(template);
    }
    if (role != null && orgGroup != 0 && tenantGroup == 0) {
      // the role must be scoped to the organization it was granted in, and a scope names the organization's tenant
      throw new IllegalArgumentException("group pattern '" + template + "' grants role '" + role + "' in an"
          + " organization but has no {tenant} placeholder, so the role could not be limited to that organization;"
          + " put the tenant in the path, such as '/tenants/{tenant}/orgs/{org}/...'");
    }
    if (platform && groups > 0) {
      throw new IllegalArgumentException("platform group '" + template + "' has a placeholder: a platform-wide group is"
          + " one literal path; to limit its role to the group's tenant, declare group(\"" + template + "\", \""
          + role + "\")");
    }
    if (role != null && tenantGroup == 0 && !platform) {
      // a role that names no tenant holds in every tenant its members reach (a privileged one across tenants), as a
      // realm role does: a group is an organization's or team's signal, so that must be said, not assumed
      throw new IllegalArgumentException("group pattern '" + template + "' grants role '" + role + "' but has no"
          + " {tenant} placeholder, so the role would hold in every tenant its members can reach (a privileged role"
          + " across tenants), not in one; put the tenant in the path, such as '/tenants/{tenant}/...', or, if the"
          + " group is meant platform-wide, declare it so: platformGroup(\"" + template + "\", \"" + role + "\")"
          + " (in JSON \"platform\": true)");
    }
    if (groups == 0 && role == null) {
      throw new IllegalArgumentException("group pattern '" + template
          + "' has no {tenant} or {org} placeholder and grants no role, so it would map nothing");
    }
    return new GroupRule(template, Pattern.compile(regex.toString()), tenantGroup, orgGroup, role);
  }

  private static void requireSeparateSegments(String template) {
    for (String segment : template.split("/", -1)) {
      if (segment.contains(TENANT) && segment.contains(ORG)) {
        String own = segment.indexOf(TENANT) < segment.indexOf(ORG) ? TENANT + "/" + ORG : ORG + "/" + TENANT;
        throw new IllegalArgumentException("group pattern '" + template + "' puts {tenant} and {org} in one path "
            + "segment ('" + segment + "'), so a group such as 'acme-eu-sales' could be split more than one way; "
            + "give each placeholder a segment of its own, such as '" + template.replace(segment, own) + "'");
      }
    }
  }

  private static IllegalArgumentException badPlaceholder(String template) {
    return new IllegalArgumentException("group pattern '" + template
        + "' may hold only the placeholders {tenant} and {org}, each at most once");
  }

  String template() {
    return template;
  }

  @Nullable Role role() {
    return role;
  }

  /** @return whether the template names the tenant: its role then holds only in the matched tenant (organization) */
  boolean scoped() {
    return tenantGroup != 0;
  }

  /** @return the match, or null if the group path does not match the template */
  @Nullable Matcher match(String groupPath) {
    Matcher m = pattern.matcher(groupPath);
    return m.matches() ? m : null;
  }

  @Nullable String tenant(Matcher m) {
    return tenantGroup == 0 ? null : m.group(tenantGroup);
  }

  @Nullable String organization(Matcher m) {
    return orgGroup == 0 ? null : m.group(orgGroup);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupRule g && g.template.equals(template) && java.util.Objects.equals(g.role, role);
  }

  @Override
  public int hashCode() {
    return template.hashCode() * 31 + java.util.Objects.hashCode(role);
  }
}
