package com.algosure.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Canonical JSON, hashes and hex; internal. */
final class Payloads {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] PREFIX = "sha256:".getBytes(StandardCharsets.ISO_8859_1);
  private static final ThreadLocal<Sha256> SHA256 = ThreadLocal.withInitial(Sha256::new);

  private Payloads() {}

  static byte[] canonicalJson(Object value) {
    try {
      JsonNode tree = value instanceof JsonNode n ? n : CANONICAL.valueToTree(value);
      return CANONICAL.writeValueAsBytes(tree);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("payload of type " + value.getClass().getName() + " cannot be written as JSON", e);
    }
  }

  static String fingerprint(byte[] payload) {
    Sha256 sha = SHA256.get();
    byte[] text = new byte[PREFIX.length + 64];
    System.arraycopy(PREFIX, 0, text, 0, PREFIX.length);
    hex(sha.digest(payload), text, PREFIX.length);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** @return the hex SHA-256 of the bytes */
  static String sha256Hex(byte[] bytes) {
    byte[] text = new byte[64];
    hex(SHA256.get().digest(bytes), text, 0);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  static String hex(byte[] bytes) {
    byte[] text = new byte[bytes.length * 2];
    hex(bytes, text, 0);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  private static void hex(byte[] bytes, byte[] out, int at) {
    for (int i = 0; i < bytes.length; i++) {
      out[at + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[at + 2 * i + 1] = HEX[bytes[i] & 0xf];
    }
  }

  /**
   * A SHA-256 digest and its output buffer, one per thread: no provider look-up and no output array per hash.
   * {@link #digest} is not re-entrant, and nothing it calls can re-enter it.
   */
  private static final class Sha256 {
    private final MessageDigest digest;
    private final byte[] out = new byte[32];

    Sha256() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }

    /** @return the hash in this thread's buffer, valid until the thread's next hash */
    byte[] digest(byte[] bytes) {
      digest.update(bytes);
      try {
        digest.digest(out, 0, out.length); // also resets the digest for the next use
      } catch (DigestException e) {
        digest.reset();
        throw new IllegalStateException("SHA-256 failed", e);
      }
      return out;
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
