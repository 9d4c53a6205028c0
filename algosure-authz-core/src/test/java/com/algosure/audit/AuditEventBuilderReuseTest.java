package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditEventBuilderReuseTest {

  @Test
  void buildWhenBuilderUsedAgainThenEarlierEventKeepsItsDetails() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK").detail("a", "1");
    AuditEvent first = b.build();
    AuditEvent second = b.detail("b", "2").build();
    assertThat(first.details()).containsExactly(java.util.Map.entry("a", "1"));
    assertThat(second.details()).containsExactly(java.util.Map.entry("a", "1"), java.util.Map.entry("b", "2"));
  }

  @Test
  void idWhenNotGivenThenAFreshIdWrittenOnFirstUseTheSameTextAfterAndDistinctPerEvent() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEventType.INTEGRATION_REQUEST, Instant.EPOCH).outcome("SENDING");
    AuditEvent first = b.build();
    AuditEvent second = b.build();

    assertThat(first.id()).matches("[0-9a-f]{16}-[0-9]+").isEqualTo(first.id()).isNotEqualTo(second.id());
    assertThat(first.toString()).contains("id=" + first.id());
    assertThat(AuditEvent.builder(AuditEventType.INTEGRATION_REQUEST, Instant.EPOCH).outcome("SENDING").id("given").build().id())
        .isEqualTo("given");
  }
}
