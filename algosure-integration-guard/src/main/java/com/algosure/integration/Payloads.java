package com.algosure.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Canonical JSON, hashes and hex; internal. */
final class Payloads {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] PREFIX = "sha256:".getBytes(StandardCharsets.ISO_8859_1);
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Payloads::newSha256);

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
    byte[] digest = sha256(payload);
    byte[] text = new byte[PREFIX.length + digest.length * 2];
    System.arraycopy(PREFIX, 0, text, 0, PREFIX.length);
    hex(digest, text, PREFIX.length);
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** @return the SHA-256 of the bytes, with a digest kept per thread (no provider look-up per hash) */
  static byte[] sha256(byte[] bytes) {
    return SHA256.get().digest(bytes); // digest() resets it for the next use
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

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
