package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON line of an event stays one line, whatever a field or detail holds, and reads back unchanged. */
class Slf4jAuditSinkLineTest {

  /** Every character a log reader may take for a line end, or that reorders or hides the text shown. */
  private static final String BREAKERS = "a\u2028b\u2029c\u0085d\u000be\u000cf\u001cg\r\nh\u202ei\u2066j\u200bk\u007fl";

  private static AuditEvent event(String text) {
    return AuditEvent.builder(AuditEventType.ACCEPTED_FACT, Instant.parse("2026-11-23T10:00:00Z"))
        .outcome("ACCEPTED").tenant("acme").actor(text, "user").provider("acme-mail").action("send")
        .correlationId(text).reasons(java.util.List.of(text)).detail("field.subject", text).detail(text, "v").build();
  }

  @Test
  void toJsonWhenFieldsHoldLineSeparatorsOrBidiControlsThenLineHasNoneOfThemRawAndReadsBackUnchanged()
      throws Exception {
    String line = Slf4jAuditSink.toJson(event(BREAKERS));

    for (char c : new char[] {'\u2028', '\u2029', '\u0085', '\u000b', '\u000c', '\u001c', '\r', '\n', '\u202e',
        '\u2066', '\u200b', '\u007f'}) {
      assertThat(line.indexOf(c)).as("raw U+%04X in the JSON line", (int) c).isEqualTo(-1);
    }
    assertThat(line.lines()).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("actor").asText()).isEqualTo(BREAKERS);
    assertThat(json.get("correlationId").asText()).isEqualTo(BREAKERS);
    assertThat(json.get("reasons").get(0).asText()).isEqualTo(BREAKERS);
    assertThat(json.get("details").get("field.subject").asText()).isEqualTo(BREAKERS);
    assertThat(json.get("details").get(BREAKERS).asText()).isEqualTo("v");
  }

  /**
   * Regression: format characters outside the Basic Multilingual Plane (the invisible tag characters U+E0020..U+E007F,
   * the musical format controls U+1D173..) were written raw, each half of their surrogate pair being judged alone: a
   * value could hide text in the line shown ("ASCII smuggling"). An unpaired surrogate was written raw too, which the
   * log's UTF-8 encoder turns into '?', so the value did not read back unchanged.
   */
  @Test
  void toJsonWhenAValueHoldsFormatCharactersBeyondTheBmpOrAnUnpairedSurrogateThenEscapedAndReadBackUnchanged()
      throws Exception {
    String hidden = "invoice-1\uDB40\uDC20\uDB40\uDC50\uDB40\uDC41\uDB40\uDC59x\uD834\uDD73y\uD800z";
    String line = Slf4jAuditSink.toJson(event(hidden));

    for (char c : new char[] {'\uDB40', '\uDC20', '\uD834', '\uDD73', '\uD800'}) {
      assertThat(line.indexOf(c)).as("raw U+%04X in the JSON line", (int) c).isEqualTo(-1);
    }
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("actor").asText()).isEqualTo(hidden);
    assertThat(json.get("details").get("field.subject").asText()).isEqualTo(hidden);
    assertThat(json.get("details").get(hidden).asText()).isEqualTo("v");
  }

  @Test
  void toJsonWhenFieldsArePlainThenWrittenAsTheyAre() {
    String line = Slf4jAuditSink.toJson(event("alice é 東京 \uD83D\uDE00"));

    assertThat(line).contains("\"actor\":\"alice é 東京 \uD83D\uDE00\"");
  }

  /**
   * Regression: a paired character beyond the BMP whose code point's low 16 bits fall in the surrogate range (U+1D800,
   * a SignWriting symbol) was taken for an unpaired surrogate, and the whole line was written escaped to ASCII.
   */
  @Test
  void toJsonWhenACharacterBeyondTheBmpEndsInSurrogateBitsThenTheLineIsWrittenAsItIs() {
    String line = Slf4jAuditSink.toJson(event("alice é \uD836\uDC00"));

    assertThat(line).contains("\"actor\":\"alice é \uD836\uDC00\"");
  }
}
