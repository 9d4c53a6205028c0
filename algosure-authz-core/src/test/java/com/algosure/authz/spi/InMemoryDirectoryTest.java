package com.algosure.authz.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.BindingScope;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Role;
import com.algosure.authz.RoleBinding;
import com.algosure.authz.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The in-memory directory's answers, whatever its layout: one record per subject in its own hash table, with
 * copies of the builder's values.
 */
class InMemoryDirectoryTest {

  @Test
  void lookupsWhenManySubjectsThenEveryAnswerIsExactlyWhatWasDeclared() {
    Random random = new Random(7);
    InMemoryDirectory.Builder b = Directory.inMemory();
    for (int t = 0; t < 20; t++) {
      for (int o = 0; o < 4; o++) {
        b.organization("t" + t, "t" + t + "-o" + o);
      }
    }
    Map<String, Set<TenantId>> tenants = new HashMap<>();
    Map<String, Map<TenantId, Set<OrganizationId>>> members = new HashMap<>();
    Map<String, List<RoleBinding>> bindings = new HashMap<>();
    for (int u = 0; u < 3_000; u++) {
      String user = "user-" + u;
      for (int k = 0; k < 1 + random.nextInt(3); k++) {
        int t = random.nextInt(20);
        String org = "t" + t + "-o" + random.nextInt(4);
        String role = "role-" + random.nextInt(50);
        b.organizationRole(user, org, role);
        tenants.computeIfAbsent(user, x -> new HashSet<>()).add(TenantId.of("t" + t));
        members.computeIfAbsent(user, x -> new HashMap<>()).computeIfAbsent(TenantId.of("t" + t), x -> new HashSet<>())
            .add(OrganizationId.of(org));
        bindings.computeIfAbsent(user, x -> new ArrayList<>()).add(new RoleBinding(user, Role.of(role),
            BindingScope.organization(TenantId.of("t" + t), OrganizationId.of(org))));
      }
    }
    InMemoryDirectory d = b.build();

    for (String user : tenants.keySet()) {
      // a fresh string, as a request would carry: found by value, not by identity
      String asked = new String(user.toCharArray());
      assertThat(d.tenantsOf(asked)).isEqualTo(tenants.get(user));
      assertThat(d.bindingsOf(asked)).isEqualTo(bindings.get(user));
      for (int t = 0; t < 20; t++) {
        TenantId tenant = TenantId.of("t" + t);
        assertThat(d.organizationsOf(asked, tenant))
            .isEqualTo(members.get(user).getOrDefault(tenant, Set.of()));
      }
    }
    assertThat(d.tenantOf(OrganizationId.of("t3-o2"))).contains(TenantId.of("t3"));
  }

  @Test
  void lookupsWhenSubjectUnknownThenEmptyAnswers() {
    InMemoryDirectory d = Directory.inMemory().organization("acme", "sales").member("alice", "sales").build();

    assertThat(d.tenantsOf("mallory")).isEmpty();
    assertThat(d.organizationsOf("mallory", TenantId.of("acme"))).isEmpty();
    assertThat(d.bindingsOf("mallory")).isEmpty();
    assertThat(d.tenantOf(OrganizationId.of("nowhere"))).isEmpty();
    assertThat(d.organizationsOf("alice", TenantId.of("globex"))).isEmpty();
  }

  @Test
  void lookupsWhenSubjectHasOnlyBindingsOrOnlyAccessThenTheOtherAnswersAreEmpty() {
    InMemoryDirectory d = Directory.inMemory().organization("acme", "sales")
        .platformRole("root", "platform-admin")
        .tenantAccess("guest", "acme")
        .build();

    assertThat(d.bindingsOf("root")).containsExactly(new RoleBinding("root", Role.of("platform-admin"),
        BindingScope.platform()));
    assertThat(d.tenantsOf("root")).isEmpty();
    assertThat(d.tenantsOf("guest")).containsExactly(TenantId.of("acme"));
    assertThat(d.bindingsOf("guest")).isEmpty();
    assertThat(d.organizationsOf("guest", TenantId.of("acme"))).isEmpty();
  }

  @Test
  void serviceAccountsWhenClientIdEqualsAUserIdThenEachNamespaceAnswersOnlyItsOwnRecords() {
    InMemoryDirectory d = Directory.inMemory().organization("acme", "sales").organization("acme", "support")
        .organizationRole("alice", "sales", "member")
        .serviceAccountOrganizationRole("alice", "support", "reader")
        .serviceAccountTenantRole("billing-worker", "acme", "reader")
        .serviceAccountTenantAccess("exporter", "acme")
        .bindServiceAccount(new RoleBinding("exporter", Role.of("reader"), BindingScope.platform()))
        .build();
    Directory clients = d.serviceAccounts();
    TenantId acme = TenantId.of("acme");

    assertThat(d.organizationsOf("alice", acme)).containsExactly(OrganizationId.of("sales"));
    assertThat(d.bindingsOf("alice")).extracting(RoleBinding::role).containsExactly(Role.of("member"));
    assertThat(clients.organizationsOf("alice", acme)).containsExactly(OrganizationId.of("support"));
    assertThat(clients.bindingsOf("alice")).extracting(RoleBinding::role).containsExactly(Role.of("reader"));
    assertThat(d.tenantsOf("billing-worker")).isEmpty();
    assertThat(d.bindingsOf("billing-worker")).isEmpty();
    assertThat(clients.tenantsOf("billing-worker")).containsExactly(acme);
    assertThat(clients.bindingsOf("billing-worker")).containsExactly(new RoleBinding("billing-worker",
        Role.of("reader"), BindingScope.tenant(acme)));
    assertThat(clients.tenantsOf("exporter")).containsExactly(acme);
    assertThat(clients.bindingsOf("exporter")).extracting(b -> b.scope().kind())
        .containsExactly(BindingScope.Kind.PLATFORM);
    assertThat(clients.tenantOf(OrganizationId.of("support"))).contains(acme);
    assertThat(clients.serviceAccounts()).isSameAs(clients);
    assertThat(d).hasToString("InMemoryDirectory[2 organizations, 1 subjects, 3 service accounts]");
  }

  @Test
  void serviceAccountsWhenHostDirectoryDoesNotOverrideThenNoClientIsKnown() {
    InMemoryDirectory real = Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales",
        "member").build();
    Directory host = new Directory() {
      @Override
      public Set<TenantId> tenantsOf(String subject) {
        return real.tenantsOf(subject);
      }

      @Override
      public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
        return real.organizationsOf(subject, tenant);
      }

      @Override
      public java.util.Optional<TenantId> tenantOf(OrganizationId organization) {
        return real.tenantOf(organization);
      }

      @Override
      public List<RoleBinding> bindingsOf(String subject) {
        return real.bindingsOf(subject);
      }
    };

    Directory clients = host.serviceAccounts();

    assertThat(clients.tenantsOf("alice")).isEmpty();
    assertThat(clients.organizationsOf("alice", TenantId.of("acme"))).isEmpty();
    assertThat(clients.bindingsOf("alice")).isEmpty();
    assertThat(clients.tenantOf(OrganizationId.of("sales"))).contains(TenantId.of("acme"));
  }

  @Test
  void answersWhenReturnedThenTheyCannotBeChanged() {
    InMemoryDirectory d = Directory.inMemory().organization("acme", "sales").organizationRole("alice", "sales", "member")
        .build();

    assertThatThrownBy(() -> d.tenantsOf("alice").add(TenantId.of("globex")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.organizationsOf("alice", TenantId.of("acme")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> d.bindingsOf("alice").clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void builderWhenUsedAfterBuildThenTheBuiltDirectoryDoesNotChange() {
    InMemoryDirectory.Builder b = Directory.inMemory().organization("acme", "sales").member("alice", "sales");
    InMemoryDirectory d = b.build();

    b.organization("acme", "support").member("alice", "support").tenantRole("alice", "globex", "reader");

    assertThat(d.organizationsOf("alice", TenantId.of("acme"))).containsExactly(OrganizationId.of("sales"));
    assertThat(d.tenantsOf("alice")).containsExactly(TenantId.of("acme"));
    assertThat(d.bindingsOf("alice")).isEmpty();
  }
}
