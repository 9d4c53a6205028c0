package com.algosure.examples.filings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.Directory;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;

class JsonDirectoryTests {

  private static Directory load(String json) {
    return JsonDirectory.load(new ByteArrayResource(json.getBytes(StandardCharsets.UTF_8), "test directory"), "filings.directory");
  }

  @Test
  void loadWhenDefaultDirectoryThenMatchesTheRealm() {
    Directory d = JsonDirectory.load(new ClassPathResource("filings/directory.json"), "filings.directory");
    assertThat(d.organizationsOf("alice", TenantId.of("acme")))
        .containsExactlyInAnyOrder(OrganizationId.of("sales"), OrganizationId.of("support"));
    assertThat(d.tenantOf(OrganizationId.of("hq"))).contains(TenantId.of("globex"));
    assertThat(d.serviceAccounts().tenantsOf("billing-worker")).containsExactly(TenantId.of("acme"));
    assertThat(d.tenantsOf("billing-worker")).isEmpty();
    assertThat(d.bindingsOf("carol")).singleElement().satisfies(b -> assertThat(b.scope().kind().name()).isEqualTo("PLATFORM"));
  }

  @Test
  void loadWhenBindingNamesNoScopeThenFailsNamingTheEntry() {
    assertThatThrownBy(() -> load("{\"bindings\": [{\"subject\": \"a\", \"role\": \"r\"}]}"))
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageContaining("filings.directory (Byte array resource [test directory]) bindings[0]: name a scope");
  }

  @Test
  void loadWhenMemberOfUndeclaredOrganizationThenFails() {
    assertThatThrownBy(() -> load("{\"members\": {\"alice\": [\"nowhere\"]}}"))
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageContaining("organization 'nowhere' is not declared");
  }

  @Test
  void loadWhenUnknownFieldThenFails() {
    assertThatThrownBy(() -> load("{\"tenant\": {}}")).hasMessageContaining("unknown field 'tenant'");
  }
}
