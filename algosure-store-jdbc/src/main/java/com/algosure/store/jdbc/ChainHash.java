package com.algosure.store.jdbc;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The chain arithmetic: {@code hash(n) = SHA-256(hash(n-1) || canonical(row n))}, starting from a genesis
 * hash bound to the tenant. The canonical form is compact JSON with a fixed field order, the tenant and the
 * sequence number included (so a row cannot be moved), details sorted by key. Stateless and thread-safe.
 */
final class ChainHash {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] GENESIS_LABEL = "algosure.audit.chain.v1\u0000".getBytes(StandardCharsets.UTF_8);

  private ChainHash() {}

  static byte[] genesis(String tenant) {
    MessageDigest sha = sha256();
    sha.update(GENESIS_LABEL);
    sha.update(tenant.getBytes(StandardCharsets.UTF_8));
    return sha.digest();
  }

  static byte[] link(byte[] previous, long seq, AuditRow row) {
    MessageDigest sha = sha256();
    sha.update(previous);
    sha.update(canonical(seq, row));
    return sha.digest();
  }

  static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  static byte[] canonical(long seq, AuditRow row) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("v", 1);
      g.writeStringField("tenant", row.tenant());
      g.writeNumberField("seq", seq);
      g.writeStringField("id", row.eventId());
      g.writeStringField("type", row.type());
      g.writeStringField("timestamp", row.occurredAt().toString());
      g.writeStringField("outcome", row.outcome());
      nullable(g, "organization", row.organization());
      nullable(g, "actorId", row.actorId());
      nullable(g, "actorKind", row.actorKind());
      nullable(g, "action", row.action());
      nullable(g, "resource", row.resource());
      nullable(g, "provider", row.provider());
      nullable(g, "correlationId", row.correlationId());
      g.writeFieldName("reasons");
      sorted(g, row.reasons());
      g.writeFieldName("details");
      sorted(g, row.details());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void nullable(JsonGenerator g, String name, @Nullable String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  /** Writes a JSON tree with object keys sorted, so the database's own key order does not matter. */
  private static void sorted(JsonGenerator g, JsonNode node) throws IOException {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
      fields.sort(Map.Entry.comparingByKey());
      g.writeStartObject();
      for (Map.Entry<String, JsonNode> f : fields) {
        g.writeFieldName(f.getKey());
        sorted(g, f.getValue());
      }
      g.writeEndObject();
    } else if (node.isArray()) {
      g.writeStartArray();
      for (JsonNode element : node) {
        sorted(g, element);
      }
      g.writeEndArray();
    } else {
      g.writeTree(node);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
