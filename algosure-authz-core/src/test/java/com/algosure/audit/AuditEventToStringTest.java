package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An event's text, as a host logs it ({@code log.warn("... {}", event)}): one line, no forged field. */
class AuditEventToStringTest {

  private static AuditEvent.Builder fact() {
    return AuditEvent.builder(AuditEventType.ACCEPTED_FACT, Instant.parse("2026-11-23T10:00:00Z"))
        .outcome("ACCEPTED").tenant("acme").actor("alice", "user").provider("acme-mail").action("send");
  }

  @Test
  void toStringWhenValuesAreIdsThenWrittenAsTheyAre() {
    String text = fact().id("e-1").correlationId("c-1").reasons(List.of("ACCEPTED")).detail("status", "200").build()
        .toString();

    assertThat(text).isEqualTo("AuditEvent[ACCEPTED_FACT ACCEPTED, id=e-1, tenant=acme, actor=alice, actorKind=user,"
        + " action=send, provider=acme-mail, correlationId=c-1, reasons=[ACCEPTED], details={status=200},"
        + " at=2026-11-23T10:00:00Z]");
  }

  @Test
  void toStringWhenADetailHoldsALineBreakOrSeparatorThenOneLineWithTheCharactersEscaped() {
    String text = fact().detail("field.subject", "hi\nAuditEvent[AUTHORIZATION_DECISION PERMIT\u2028x\u0085y\u202ez")
        .build().toString();

    assertThat(text.lines()).hasSize(1);
    for (char c : new char[] {'\n', '\u2028', '\u0085', '\u202e'}) {
      assertThat(text.indexOf(c)).as("raw U+%04X", (int) c).isEqualTo(-1);
    }
    assertThat(text).contains("field.subject=\"hi\\nAuditEvent[AUTHORIZATION_DECISION PERMIT\\u2028x\\u0085y\\u202ez\"");
  }

  /**
   * Regression: format characters beyond the Basic Multilingual Plane (invisible tag characters, which can hide text in
   * the line shown) were appended raw, each half of their surrogate pair being judged alone.
   */
  @Test
  void toStringWhenAValueHoldsFormatCharactersBeyondTheBmpThenEscaped() {
    String text = fact().detail("field.subject", "invoice-1\uDB40\uDC50\uDB40\uDC41x\uD834\uDD73y\uD83D\uDE00")
        .build().toString();

    assertThat(text).contains("field.subject=\"invoice-1\\udb40\\udc50\\udb40\\udc41x\\ud834\\udd73y\uD83D\uDE00\"");
  }

  @Test
  void toStringWhenAValueImitatesFurtherFieldsThenItIsQuotedSoNoFieldIsForged() {
    String text = fact().correlationId("c-1,outcome=PERMIT").detail("field.note", "x}, reasons=[PERMITTED]")
        .detail("k=\"v", "w").build().toString();

    assertThat(text).contains("correlationId=\"c-1,outcome=PERMIT\"")
        .contains("field.note=\"x}, reasons=[PERMITTED]\"").contains("\"k=\\\"v\"=w");
  }
}
