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
  private static final char[] HEX = "0123456789abcdef".toCharArray();

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
    return "sha256:" + hex(sha256(payload));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
