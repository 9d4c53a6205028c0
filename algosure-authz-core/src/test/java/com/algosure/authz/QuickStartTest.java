package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditSink;
import com.algosure.authz.spi.Directory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, as written, so that it keeps compiling and working. */
class QuickStartTest {

  @TempDir
  Path dir;

  @Test
  void readmeQuickStartWhenRunThenAlicePermitted() throws Exception {
    Files.writeString(dir.resolve("roles.json"), "{\"permissions\": {\"filings:read\": {}},"
        + " \"roles\": {\"filing-clerk\": {\"permissions\": [\"filings:read\"]}}}");
    Path roles = dir.resolve("roles.json");

    // --- README quick start, verbatim but for the path ---
    RoleCatalog catalog;
    try (InputStream in = Files.newInputStream(roles)) {
      catalog = RoleCatalog.fromJson(in);
    }
    Directory directory = Directory.inMemory()                 // or your own Directory implementation
        .organization("acme", "sales")
        .organizationRole("alice", "sales", "filing-clerk")
        .build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(catalog).directory(directory).auditSink(AuditSink.slf4j()).build();

    AuthorizationDecision d = pdp.decide(AuthorizationRequest.builder()
        .actor(Actor.user("alice")).tenant("acme").organization("sales")
        .action("filings:read").resource(ResourceRef.type("filing")).build());
    // --- end ---

    assertThat(d.permitted()).isTrue();
  }
}
