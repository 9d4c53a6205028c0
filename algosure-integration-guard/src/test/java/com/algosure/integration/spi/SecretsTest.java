package com.algosure.integration.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.TenantId;
import com.algosure.integration.LogCapture;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Secret} type never reveals its value by accident; the built-in stores resolve by reference. */
class SecretsTest {

  static final String VALUE = "sk_live_DO-NOT-LEAK-7f3a9c1e5b";
  static final SecretRef REF = SecretRef.of("acme-mail/api-key");
  static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  @Test
  void toStringNamesTheReferenceAndNeverTheValue() {
    Secret s = Secret.of(REF, VALUE);

    assertThat(s.toString()).isEqualTo("Secret[acme-mail/api-key, value redacted]").doesNotContain(VALUE);
    assertThat(new SecretLease(s, NOW).toString()).doesNotContain(VALUE);
  }

  @Test
  @SuppressWarnings("SelfAssertion") // on purpose: equals is identity, so a secret equals itself and nothing else
  void equalsIsIdentitySoComparingSecretsRevealsNothing() {
    Secret a = Secret.of(REF, VALUE);
    Secret b = Secret.of(REF, VALUE);

    assertThat(a).isEqualTo(a).isNotEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(System.identityHashCode(a));
  }

  @Test
  void javaSerializationFailsWithoutTheValue() {
    Secret s = Secret.of(REF, VALUE);

    assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(s))
        .isInstanceOf(NotSerializableException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(VALUE));
  }

  @Test
  void jacksonWritesTheRedactedForm() throws Exception {
    String json = new ObjectMapper().writeValueAsString(Map.of("key", Secret.of(REF, VALUE)));

    assertThat(json).isEqualTo("{\"key\":\"Secret[acme-mail/api-key, value redacted]\"}");
  }

  @Test
  void revealReturnsTheValueOnlyWhenAskedFor() {
    Secret s = Secret.of(REF, VALUE);

    assertThat(s.reveal()).isEqualTo(VALUE);
    assertThat(new String(s.revealBytes(), StandardCharsets.UTF_8)).isEqualTo(VALUE);
  }

  @Test
  void emptyValueIsRefusedNamingOnlyTheReference() {
    assertThatThrownBy(() -> Secret.of(REF, "")).hasMessage("secret 'acme-mail/api-key' is empty");
  }

  @Test
  void referenceRefusesPathTraversal() {
    assertThatThrownBy(() -> SecretRef.of("../etc/passwd")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret reference '../etc/passwd' has an empty, '.' or '..' segment");
    assertThatThrownBy(() -> SecretRef.of("a b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void templateReferenceResolvesPerTenantAndRefusesATraversingTenant() {
    SecretRef template = SecretRef.of("acme-mail/{tenant}/api-key");

    assertThat(template.isTemplate()).isTrue();
    assertThat(template.forTenant(com.algosure.authz.TenantId.of("acme"))).isEqualTo(SecretRef.of("acme-mail/acme/api-key"));
    assertThat(REF.forTenant(com.algosure.authz.TenantId.of("acme"))).isSameAs(REF);
    assertThatThrownBy(() -> template.forTenant(com.algosure.authz.TenantId.of("..")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SecretRef.of("acme-mail/{org}/key")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void templateReferenceRefusesATenantWhoseIdWouldNameAnotherReference() {
    // tenant ids may hold '/': "platform/api-key" in the template's one segment named the platform's own secret
    SecretRef template = SecretRef.of("acme-mail/{tenant}");

    assertThatThrownBy(() -> template.forTenant(TenantId.of("platform/api-key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant id 'platform/api-key' has a '/', so in secret reference 'acme-mail/{tenant}' it would name "
            + "another reference than the tenant's own: give the tenant an id without '/'");
  }

  @Test
  void inMemoryStoreResolvesWithItsLease() {
    InMemorySecretStore store = SecretStore.inMemory().secret(REF.name(), VALUE).lease(Duration.ofMinutes(2)).build();

    SecretLease lease = store.resolve(REF, NOW).orElseThrow();

    assertThat(lease.secret().reveal()).isEqualTo(VALUE);
    assertThat(lease.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
    assertThat(lease.validAt(NOW.plus(Duration.ofMinutes(2)))).isFalse();
    assertThat(store.resolve(SecretRef.of("other"), NOW)).isEmpty();
  }

  @Test
  void environmentStoreMapsTheReferenceToAVariable() {
    SecretStore store = SecretStore.environment("ALGOSURE_SECRET_", Map.of("ALGOSURE_SECRET_ACME_MAIL__API_KEY", VALUE),
        Duration.ofMinutes(1));

    assertThat(store.resolve(REF, NOW).orElseThrow().secret().reveal()).isEqualTo(VALUE);
    assertThat(store.resolve(SecretRef.of("missing"), NOW)).isEmpty();
  }

  @Test
  void environmentStoreNeverResolvesOneTenantsVariableForAnotherTenant() {
    // acme-eu's key under the variable this store names it by, and under the one it was named by before
    SecretStore store = SecretStore.environment("P_", Map.of("P_ACME_MAIL__ACME_EU__API_KEY", VALUE,
        "P_ACME_MAIL_ACME_EU_API_KEY", VALUE), Duration.ofMinutes(1));
    SecretRef template = SecretRef.of("acme-mail/{tenant}/api-key");

    assertThat(store.resolve(template.forTenant(TenantId.of("acme-eu")), NOW)).isPresent();
    for (String other : List.of("acme.eu", "acme_eu", "ACME-EU", "Acme-Eu", "acme:eu", "acme@eu", "acme--eu")) {
      assertThat(store.resolve(template.forTenant(TenantId.of(other)), NOW)).as("tenant %s", other).isEmpty();
    }
    // a tenant id with '/' never becomes a reference at all
    assertThatThrownBy(() -> template.forTenant(TenantId.of("acme/eu"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void environmentStoreNamesEveryReferenceItResolvesByAVariableOfItsOwn() {
    // every valid reference of up to five characters of these: no two the store resolves share a variable
    char[] alphabet = {'a', 'b', 'A', '0', '.', '_', '-', '/', ':', '@'};
    Map<String, String> named = new HashMap<>();
    List<String> names = new ArrayList<>(List.of(""));
    for (int length = 1; length <= 5; length++) {
      List<String> longer = new ArrayList<>();
      for (String n : names) {
        for (char c : alphabet) {
          longer.add(n + c);
        }
      }
      names = longer;
      for (String n : names) {
        SecretRef ref;
        try {
          ref = SecretRef.of(n);
        } catch (IllegalArgumentException e) {
          continue; // not a reference
        }
        String variable = EnvironmentSecretStore.variable("P_", ref);
        if (variable != null) {
          String before = named.put(variable, n);
          assertThat(before).as("%s and %s are both %s", before, n, variable).isNull();
        }
      }
    }
    assertThat(named).containsEntry("P_A_B__0", "a-b/0").containsEntry("P_A__B_0", "a/b-0").hasSizeGreaterThan(1500);
  }

  @Test
  void environmentStoreWhenPrefixEmptyOrNotAVariableNameThenRefusesIt() {
    // without a prefix every variable of the process is a secret: reference "path" reads PATH, "aws-secret-access-key"
    // reads the host's own cloud credential
    Map<String, String> env = Map.of("AWS_SECRET_ACCESS_KEY", VALUE, "PATH", "/usr/bin");
    Duration lease = Duration.ofMinutes(1);

    assertThatThrownBy(() -> SecretStore.environment("", env, lease)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("environment secret store: prefix is empty, so every environment variable of the process would be "
            + "a secret; give the prefix only the store's variables have, such as ALGOSURE_SECRET_");
    assertThatThrownBy(() -> SecretStore.environment("  ", env, lease)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix '  ' is not an environment variable name's start");
    assertThatThrownBy(() -> SecretStore.environment("ALGOSURE-SECRET=", env, lease))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix 'ALGOSURE-SECRET=' is not an environment variable name's start");
  }

  @Test
  void environmentStoreSaysWhichReferenceItCannotNameAndWhatToDo() {
    SecretStore store = SecretStore.environment("P_", Map.of("P_ACME_EU", VALUE), Duration.ofMinutes(1));

    try (LogCapture logs = new LogCapture()) {
      assertThat(store.resolve(SecretRef.of("acme.eu"), NOW)).isEmpty();

      assertThat(logs.lines()).anyMatch(l -> l.contains("secret 'acme.eu' cannot be an environment variable")
          && l.contains("SecretStore.directory")).noneMatch(l -> l.contains(VALUE));
    }
  }

  @Test
  void directoryStoreReadsOneFilePerSecretAndDropsTheTrailingLineBreak(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("acme-mail"));
    Files.writeString(dir.resolve("acme-mail/api-key"), VALUE + "\n");
    SecretStore store = SecretStore.directory(dir, Duration.ofMinutes(1));

    assertThat(store.resolve(REF, NOW).orElseThrow().secret().reveal()).isEqualTo(VALUE);
    assertThat(store.resolve(SecretRef.of("acme-mail/missing"), NOW)).isEmpty();
  }

  @Test
  void directoryStoreWhenAFileIsOverTheLimitThenItIsNotReadAndTheLogSaysWhy(@TempDir Path dir) throws Exception {
    byte[] big = new byte[DirectorySecretStore.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) 'x');
    Files.write(dir.resolve("big"), big);
    Files.write(dir.resolve("at-limit"), java.util.Arrays.copyOf(big, DirectorySecretStore.MAX_BYTES));
    SecretStore store = SecretStore.directory(dir, Duration.ofMinutes(1));

    try (LogCapture logs = new LogCapture()) {
      assertThat(store.resolve(SecretRef.of("big"), NOW)).isEmpty();
      assertThat(store.resolve(SecretRef.of("at-limit"), NOW).orElseThrow().secret().revealBytes())
          .hasSize(DirectorySecretStore.MAX_BYTES);

      assertThat(logs.lines()).anyMatch(l -> l.contains("secret 'big'") && l.contains("larger than 1048576 bytes"))
          .noneMatch(l -> l.contains("xxxxxxxx"));
    }
  }

  @Test
  void directoryStoreWhenTheReferenceIsADirectoryOrAPipeThenItIsRefusedWithoutBlocking(@TempDir Path dir)
      throws Exception {
    Files.createDirectories(dir.resolve("acme-mail/api-key"));
    Path pipe = dir.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo is not available");
    SecretStore store = SecretStore.directory(dir, Duration.ofMinutes(1));

    try (LogCapture logs = new LogCapture()) {
      // a pipe without a writer blocked the reading call (and every later one) forever
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> assertThat(store.resolve(SecretRef.of("pipe"), NOW)).isEmpty());
      assertThat(store.resolve(REF, NOW)).isEmpty();

      assertThat(logs.lines())
          .anyMatch(l -> l.contains("secret 'pipe'") && l.contains("not a regular file"))
          .anyMatch(l -> l.contains("secret 'acme-mail/api-key'") && l.contains("not a regular file"));
    }
  }

  @Test
  void directoryStoreWhenAFileIsEmptyOrOnlyALineBreakThenTheLogSaysSo(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("empty"), "");
    Files.writeString(dir.resolve("newline"), "\r\n");
    SecretStore store = SecretStore.directory(dir, Duration.ofMinutes(1));

    try (LogCapture logs = new LogCapture()) {
      assertThat(store.resolve(SecretRef.of("empty"), NOW)).isEmpty();
      assertThat(store.resolve(SecretRef.of("newline"), NOW)).isEmpty();

      assertThat(logs.lines()).anyMatch(l -> l.contains("secret 'empty'") && l.contains("is empty"))
          .anyMatch(l -> l.contains("secret 'newline'") && l.contains("is empty"));
    }
  }

  @Test
  void directoryStorePicksUpARotatedFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "one");
    SecretStore store = SecretStore.directory(dir, Duration.ofMinutes(1));
    assertThat(store.resolve(SecretRef.of("token"), NOW).orElseThrow().secret().reveal()).isEqualTo("one");

    Files.writeString(file, "two");

    assertThat(store.resolve(SecretRef.of("token"), NOW).orElseThrow().secret().reveal()).isEqualTo("two");
  }

  @Test
  void aLeaseLongerThanAnInstantHoldsIsUsedUntilTheEndOfTime(@TempDir Path dir) throws Exception {
    // a lease meant as "never re-read": now + lease overflowed, so every resolution, and every call, failed
    Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
    Files.writeString(dir.resolve("token"), VALUE);
    SecretStore[] stores = {
      SecretStore.inMemory().secret("token", VALUE).lease(forever).build(),
      SecretStore.environment("S_", Map.of("S_TOKEN", VALUE), Duration.ofSeconds(Long.MAX_VALUE)),
      SecretStore.directory(dir, forever),
    };

    for (SecretStore store : stores) {
      SecretLease lease = store.resolve(SecretRef.of("token"), NOW).orElseThrow();
      assertThat(lease.expiresAt()).as("%s", store).isEqualTo(Instant.MAX);
      assertThat(lease.secret().reveal()).isEqualTo(VALUE);
    }
  }

  @Test
  void leaseMustBePositive() {
    assertThatThrownBy(() -> SecretStore.directory(Path.of("."), Duration.ZERO)).hasMessage("lease must be positive, was PT0S");
  }
}
