package com.algosure.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.InMemoryAuditSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlainJavaExampleTests {

  @Test
  void runWhenNoSpringThenDecidesAndGuardsAndAuditsEverything() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    InMemoryAuditSink audit = PlainJavaExample.run(new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .contains("alice writes in sales: PERMIT", "alice writes in support: DENY [PERMISSION_DENIED]",
            "alice reads without an organization: DENY [ORGANIZATION_AMBIGUOUS]",
            "send a mail: ACCEPTED, again with the same key: DUPLICATE");
    assertThat(audit.events(AuditEventType.AUTHORIZATION_DECISION)).hasSizeGreaterThanOrEqualTo(4);
    assertThat(audit.events(AuditEventType.ACCEPTED_FACT)).hasSize(1);
  }
}
