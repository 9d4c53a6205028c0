package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoleCatalogTest {

  private static InputStream json(String s) {
    return new ByteArrayInputStream(s.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static InvalidRoleCatalogException rejected(String s) {
    try {
      RoleCatalog.fromJson(json(s));
    } catch (InvalidRoleCatalogException e) {
      return e;
    }
    throw new AssertionError("catalogue was accepted: " + s);
  }

  @Test
  void fromJsonWhenValidThenPermissionsAndRolesAreLoaded() {
    RoleCatalog c = RoleCatalog.fromJson(json("{'permissions': {"
        + "'filings:read': {},"
        + "'filings:submit': {'scope': 'organization', 'feature': 'e-filing', 'limit': 'per-month', 'highImpact': true},"
        + "'tenant:audit': {'scope': 'tenant', 'description': 'read the audit trail'}},"
        + "'roles': {'clerk': {'permissions': ['filings:read', 'filings:submit']},"
        + "'platform-admin': {'permissions': ['tenant:audit'], 'privileged': true}}}"));

    assertThat(c.grants(Role.of("clerk"), Permission.of("filings:submit"))).isTrue();
    assertThat(c.grants(Role.of("clerk"), Permission.of("tenant:audit"))).isFalse();
    assertThat(c.grants(Role.of("unknown"), Permission.of("filings:read"))).isFalse();
    assertThat(c.isPrivileged(Role.of("platform-admin"))).isTrue();
    assertThat(c.isPrivileged(Role.of("clerk"))).isFalse();
    PermissionDefinition submit = c.definition(Permission.of("filings:submit")).orElseThrow();
    assertThat(submit.highImpact()).isTrue();
    assertThat(submit.feature()).contains("e-filing");
    assertThat(submit.limit()).contains("per-month");
    assertThat(c.definition(Permission.of("tenant:audit")).orElseThrow().scope()).isEqualTo(PermissionScope.TENANT);
    assertThat(c.definition(Permission.of("filings:read")).orElseThrow().scope()).isEqualTo(PermissionScope.ORGANIZATION);
    assertThat(c.roles()).hasSize(2);
    assertThat(c.permissions()).hasSize(3);
  }

  @Test
  void fromJsonWhenRoleGrantsUndeclaredPermissionThenErrorNamesTheEntry() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {}},"
        + "'roles': {'clerk': {'permissions': ['a:read', 'a:write']}}}");

    assertThat(e.location()).isEqualTo("roles.clerk.permissions[1]");
    assertThat(e).hasMessage("role catalogue, at roles.clerk.permissions[1]: permission 'a:write' is not declared: "
        + "add it under \"permissions\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{'permissions': {}, 'roles': {}}\n{'permissions': {'x': {}}, 'roles': {'r': ['x']}}",
      "{'permissions': {}, 'roles': {}}}", "{'permissions': {}, 'roles': {}} []"})
  void fromJsonWhenContentAfterTheCatalogueThenRefusedNotIgnored(String s) {
    assertThat(rejected(s).getMessage()).contains("not valid JSON");
  }

  @Test
  void fromJsonWhenUnknownFieldThenErrorNamesIt() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {'scop': 'tenant'}}, 'roles': {}}");

    assertThat(e.location()).isEqualTo("permissions.a:read.scop");
    assertThat(e.getMessage()).contains("unknown field 'scop'");
  }

  @Test
  void fromJsonWhenUnknownTopLevelFieldThenErrorNamesIt() {
    assertThat(rejected("{'permisions': {}}").location()).isEqualTo("permisions");
  }

  @Test
  void fromJsonWhenScopeInvalidThenErrorSaysWhatIsAllowed() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {'scope': 'galaxy'}}}");

    assertThat(e.location()).isEqualTo("permissions.a:read.scope");
    assertThat(e.getMessage()).contains("'galaxy' is not a scope: use \"organization\" or \"tenant\"");
  }

  @Test
  void fromJsonWhenWrongTypesThenErrorsNameTheEntry() {
    assertThat(rejected("{'permissions': []}").location()).isEqualTo("permissions");
    assertThat(rejected("{'permissions': {'a:read': 1}}").location()).isEqualTo("permissions.a:read");
    assertThat(rejected("{'permissions': {'a:read': {'highImpact': 'yes'}}}").location())
        .isEqualTo("permissions.a:read.highImpact");
    assertThat(rejected("{'permissions': {'a:read': {}}, 'roles': {'r': {'permissions': 'a:read'}}}").location())
        .isEqualTo("roles.r.permissions");
    assertThat(rejected("{'permissions': {'a:read': {}}, 'roles': {'r': {'permissions': [1]}}}").location())
        .isEqualTo("roles.r.permissions[0]");
    assertThat(rejected("{'permissions': {'a:read': {}}, 'roles': {'r': {'permissions': [], 'privileged': 1}}}")
        .location()).isEqualTo("roles.r.privileged");
    assertThat(rejected("{'permissions': {'a:read': {'feature': ''}}}").location()).isEqualTo("permissions.a:read.feature");
  }

  /**
   * A description of any type was accepted, so an option written inside it by a misplaced brace was dropped silently:
   * here the permission lost its approval ({@code highImpact}) without a word.
   */
  @Test
  void fromJsonWhenDescriptionIsNotAStringThenErrorNamesItRatherThanDroppingWhatItHolds() {
    InvalidRoleCatalogException e = rejected(
        "{'permissions': {'filings:submit': {'description': {'text': 'Submit a filing', 'highImpact': true}}}}");

    assertThat(e.location()).isEqualTo("permissions.filings:submit.description");
    assertThat(e.getMessage()).contains("expected a string");
    assertThat(rejected("{'permissions': {'a:read': {'description': 5}}}").location())
        .isEqualTo("permissions.a:read.description");
    assertThat(rejected("{'permissions': {'a:read': {}}, 'roles': {'r': {'permissions': [], 'description': ['x']}}}")
        .location()).isEqualTo("roles.r.description");
  }

  @Test
  void fromJsonWhenDescriptionIsAStringThenLoaded() {
    RoleCatalog c = RoleCatalog.fromJson(json("{'permissions': {'a:read': {'description': ''}},"
        + " 'roles': {'r': {'permissions': ['a:read'], 'description': 'Reads a'}}}"));

    assertThat(c.grants(Role.of("r"), Permission.of("a:read"))).isTrue();
  }

  @Test
  void fromJsonWhenNameInvalidThenErrorNamesTheEntry() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a read': {}}}");

    assertThat(e.location()).isEqualTo("permissions.a read");
    assertThat(e.getMessage()).contains("permission 'a read' is not valid");
  }

  /**
   * The location quoted a rejected name as it was: a line break in it forged a second log line, a right-to-left
   * override reordered the message, and a name of 40,000 characters went whole into it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"a:read\nINFO granted admin", "admin\u202e", "x\u2028y"})
  void fromJsonWhenANameHasControlOrFormatCharactersThenTheLocationQuotesItPrintably(String name) {
    InvalidRoleCatalogException permission = rejected("{'permissions': {'" + name.replace("\n", "\\n") + "': {}}}");
    InvalidRoleCatalogException role = rejected("{'roles': {'" + name.replace("\n", "\\n") + "': {'permissions': []}}}");
    InvalidRoleCatalogException field = rejected("{'permissions': {'a:read': {'" + name.replace("\n", "\\n")
        + "': 1}}}");

    for (InvalidRoleCatalogException e : java.util.List.of(permission, role, field)) {
      assertThat(e.location()).doesNotContain("\n", "\u202e", "\u2028").contains("?");
      assertThat(e.getMessage()).doesNotContain("\n", "\u202e", "\u2028");
    }
  }

  @Test
  void fromJsonWhenANameIsHugeThenTheLocationQuotesItCut() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'" + "a".repeat(40_000) + "': {}}}");

    assertThat(e.location()).startsWith("permissions.aaa").endsWith("...").hasSizeLessThan(200);
    assertThat(e.getMessage()).hasSizeLessThan(500);
  }

  @Test
  void fromJsonWhenDuplicateKeyThenRejected() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {}, 'a:read': {}}}");

    assertThat(e.getMessage()).contains("not valid JSON").contains("a:read");
  }

  @Test
  void fromJsonWhenNotJsonThenErrorGivesLineAndColumn() {
    InvalidRoleCatalogException e = rejected("{'permissions': {\n  'a:read': {,}}}");

    assertThat(e.location()).isEqualTo("line 2, column 14");
  }

  /** A document past the reader's limits threw a NullPointerException (the parser's error has no location). */
  @Test
  void fromJsonWhenNestedTooDeeplyThenErrorSaysSoAndWhere() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {'description': " + "[".repeat(40));

    assertThat(e.location()).isEqualTo("line 1, column 74"); // just past the 33rd level
    assertThat(e.getMessage()).contains("nesting depth").contains("limit");
  }

  @Test
  void fromJsonWhenANumberIsTooLongThenErrorSaysSo() {
    InvalidRoleCatalogException e = rejected("{'permissions': {'a:read': {'highImpact': 1" + "0".repeat(1_200) + "}}}");

    assertThat(e.location()).startsWith("line 1, column ");
    assertThat(e.getMessage()).contains("Number value length").contains("limit");
  }

  /**
   * The stream was closed though documented not to be: a host reading the catalogue from one entry of a zip or jar
   * stream lost the rest of it.
   */
  @Test
  void fromJsonThenTheStreamIsLeftOpenAsDocumented() {
    boolean[] closed = {false};
    InputStream in = new java.io.FilterInputStream(json("{'permissions': {'a:read': {}}}")) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };

    RoleCatalog.fromJson(in);

    assertThat(closed[0]).isFalse();
  }

  @Test
  void fromJsonWhenNotAnObjectThenRejected() {
    assertThat(rejected("[]").location()).isEqualTo("$");
    assertThat(rejected("").location()).isEqualTo("$");
  }

  @Test
  void builderWhenPermissionDeclaredTwiceThenRejected() {
    assertThatThrownBy(() -> RoleCatalog.builder().permissions("a:read", "a:read"))
        .isInstanceOf(InvalidRoleCatalogException.class)
        .hasMessage("role catalogue, at permissions.a:read: declared twice");
  }

  @Test
  void builderWhenRoleGrantsUndeclaredPermissionThenRejected() {
    assertThatThrownBy(() -> RoleCatalog.builder().permissions("a:read").role("r", "a:read", "b:read"))
        .isInstanceOf(InvalidRoleCatalogException.class)
        .hasMessage("role catalogue, at roles.r.permissions[1]: permission 'b:read' is not declared: "
            + "declare it with permission(...) first");
  }

  @Test
  void builderWhenRoleDeclaredTwiceThenRejected() {
    assertThatThrownBy(() -> RoleCatalog.builder().permissions("a:read").role("r", "a:read").role("r"))
        .isInstanceOf(InvalidRoleCatalogException.class).hasMessage("role catalogue, at roles.r: declared twice");
  }

  @Test
  void declaredWhenRolesGrantAPermissionThenItListsExactlyThoseRoles() {
    RoleCatalog c = RoleCatalog.builder().permissions("a:read", "a:write", "a:delete", "b:read")
        .role("reader", "a:read", "b:read").role("writer", "a:read", "a:write").privilegedRole("admin", "a:write")
        .role("nobody").build();

    for (Permission p : c.permissions()) {
      RoleCatalog.Declared d = c.declaredOrNull(p);
      assertThat(d).isNotNull();
      assertThat(d.definition()).isEqualTo(c.definition(p).orElseThrow());
      // the index is the catalogue's grants turned around: a role is listed exactly when it grants the permission
      for (Role r : c.roles()) {
        assertThat(d.grantedBy().contains(r)).as("%s grants %s", r, p).isEqualTo(c.grants(r, p));
      }
    }
    assertThat(c.declaredOrNull(Permission.of("a:read")).grantedBy()).containsExactlyInAnyOrder(Role.of("reader"), Role.of("writer"));
    assertThat(c.declaredOrNull(Permission.of("a:delete")).grantedBy()).isEmpty();
    assertThat(c.declaredOrNull(Permission.of("c:read"))).isNull();
  }
}
