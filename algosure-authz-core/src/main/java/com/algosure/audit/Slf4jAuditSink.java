package com.algosure.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per event at INFO. Every character that a log reader may take for a line end or that
 * reorders or hides the text shown (control characters, the line and paragraph separators, format characters such
 * as the bidirectional overrides and, beyond the Basic Multilingual Plane, the invisible tag characters) is written as
 * a JSON unicode escape, so a value can never split the line or forge fields in it, and reads back unchanged (an
 * unpaired surrogate, too, is escaped rather than left for the log's encoder to turn into '?'). Thread-safe.
 */
final class Slf4jAuditSink implements AuditSink {

  private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes()).build();
  /**
   * For a line holding a format character beyond the Basic Multilingual Plane or an unpaired surrogate: every
   * non-ASCII character escaped. The escapes judge one UTF-16 unit at a time, and a surrogate alone does not say
   * which character it belongs to.
   */
  private static final JsonFactory ASCII_JSON = new JsonFactoryBuilder().characterEscapes(new LineSafeEscapes())
      .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private final Logger log;

  Slf4jAuditSink(String loggerName) {
    this.log = LoggerFactory.getLogger(loggerName);
  }

  @Override
  public void record(AuditEvent event) {
    requireEnabled();
    log.info(toJson(event));
  }

  /** Fails before building anything when the logger is off; builds the decision's event only to write it. */
  @Override
  public void recordDecision(AuditableDecision decision) {
    requireEnabled();
    log.info(toJson(decision.toAuditEvent()));
  }

  private void requireEnabled() {
    if (!log.isInfoEnabled()) {
      // an audit trail nobody can read is a failed audit, not a silent success
      throw new IllegalStateException("audit logger '" + log.getName() + "' has INFO disabled: enable it or use another sink");
    }
  }

  /**
   * The event as one JSON object: {@code id}, {@code type}, {@code timestamp}, {@code outcome}, then each
   * optional field present, {@code reasons} and {@code details} when not empty. Written field by field, with no
   * intermediate map.
   */
  static String toJson(AuditEvent e) {
    String line = toJson(JSON, e);
    // rare: a tag character (U+E0020..U+E007F, invisible, can hide text in the line shown) or another format
    // character beyond the BMP, or an unpaired surrogate (which the log's UTF-8 encoder would turn into '?')
    return needsAsciiOnly(line) ? toJson(ASCII_JSON, e) : line;
  }

  private static boolean needsAsciiOnly(String line) {
    for (int i = 0, n = line.length(); i < n; i++) {
      char c = line.charAt(i);
      if (Character.isSurrogate(c)) {
        int cp = line.codePointAt(i);
        if (!Character.isSupplementaryCodePoint(cp) || Character.getType(cp) == Character.FORMAT) {
          return true; // unpaired (codePointAt gives the lone surrogate back), or an invisible format character
        }
        i++; // the low surrogate of the pair just read
      }
    }
    return false;
  }

  private static String toJson(JsonFactory json, AuditEvent e) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = json.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", e.id());
      g.writeStringField("type", e.type().name());
      g.writeStringField("timestamp", e.timestamp().toString());
      g.writeStringField("outcome", e.outcome());
      optional(g, "tenant", e.tenant());
      optional(g, "organization", e.organization());
      optional(g, "actor", e.actorId());
      optional(g, "actorKind", e.actorKind());
      optional(g, "action", e.action());
      optional(g, "resource", e.resource());
      optional(g, "provider", e.provider());
      optional(g, "correlationId", e.correlationId());
      List<String> reasons = e.reasons();
      if (!reasons.isEmpty()) {
        g.writeArrayFieldStart("reasons");
        for (int i = 0, n = reasons.size(); i < n; i++) {
          g.writeString(reasons.get(i));
        }
        g.writeEndArray();
      }
      int details = e.detailCount();
      if (details > 0) {
        g.writeObjectFieldStart("details");
        for (int i = 0; i < details; i++) {
          g.writeStringField(e.detailName(i), e.detailValue(i));
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException ex) {
      throw new IllegalStateException("audit event " + e.id() + " could not be written as JSON", ex);
    }
    return out.toString();
  }

  private static void optional(JsonGenerator g, String name, Optional<String> value) throws IOException {
    if (value.isPresent()) {
      g.writeStringField(name, value.get());
    }
  }

  /**
   * JSON's own escapes, and a unicode escape for DEL, the C1 controls (NEL, U+0085, among them), the line and
   * paragraph separators (U+2028, U+2029) and the format characters (bidirectional overrides and isolates, zero-width
   * characters): JSON allows them raw, but readers that split on Unicode line ends would see two lines, and a
   * bidirectional override would reorder the line shown.
   */
  private static final class LineSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
      ASCII[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ASCII;
    }

    @Override
    public @Nullable SerializableString getEscapeSequence(int ch) {
      return switch (Character.getType(ch)) {
        case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR ->
            new SerializedString(String.format("\\u%04x", ch));
        default -> null;
      };
    }
  }
}
