package com.algosure.integration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/** Canonical JSON, hashes and hex; internal. */
final class Payloads {

  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
  private static final byte[] PREFIX = "sha256:".getBytes(StandardCharsets.ISO_8859_1);
  private static final ThreadLocal<Sha256> SHA256 = ThreadLocal.withInitial(Sha256::new);
  /** The content type of {@link IntegrationRequest.Builder#jsonPayload}. */
  static final String JSON = "application/json";
  /** The content type of a request without a payload. */
  static final String NO_PAYLOAD = "application/octet-stream";
  /** The first byte of every framed fingerprint input; never the first byte of UTF-8 text, so never of JSON. */
  private static final byte FRAMED = (byte) 0xff;
  private static final byte FRAMED_VERSION = 1;

  private Payloads() {}

  static byte[] canonicalJson(Object value) {
    try {
      JsonNode tree = value instanceof JsonNode n ? n : CANONICAL.valueToTree(value);
      return CANONICAL.writeValueAsBytes(tree);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("payload of type " + value.getClass().getName() + " cannot be written as JSON", e);
    }
  }

  /**
   * A request's fingerprint: {@code sha256:} and the hex SHA-256 of one of two inputs, which no two different
   * requests share.
   *
   * <ul>
   *   <li>Plain (the usual request, hashed as before this input had a second form): the payload bytes alone, for
   *       a request without an endpoint override whose payload is JSON (content type exactly
   *       {@code application/json}; its first byte is not {@code 0xff}, which JSON text never starts with) or
   *       absent (empty, content type {@code application/octet-stream}, the builder's default).
   *   <li>Framed (anything else): {@code 0xff}, the version {@code 0x01}; the content type as a 4-byte big-endian
   *       count of UTF-16 units and the units, big-endian; {@code 0x00} if there is no endpoint override, else
   *       {@code 0x01} and the override's {@link URI#toString()} in the same way; the payload as a 4-byte
   *       big-endian length and the bytes.
   * </ul>
   *
   * <p>A framed input starts with {@code 0xff}; a plain one is empty or starts with another byte; two plain
   * inputs of different requests differ in their payload (the only empty one is the request without a
   * payload); a framed input is read back field by field. So the plain request costs one hash of its payload
   * and no allocation beyond the text, as it did.
   */
  static String fingerprint(byte[] payload, String contentType, @Nullable URI endpoint) {
    boolean plain = endpoint == null && (payload.length == 0
        ? NO_PAYLOAD.equals(contentType)
        : payload[0] != FRAMED && JSON.equals(contentType));
    Sha256 sha = SHA256.get();
    return prefixed(plain ? sha.digest(payload)
        : sha.digestFramed(payload, contentType, endpoint == null ? null : endpoint.toString()));
  }

  /** @return {@code sha256:} and the hex SHA-256 of the bytes */
  static String fingerprint(byte[] payload) {
    return prefixed(SHA256.get().digest(payload));
  }

  private static String prefixed(byte[] hash) {
    byte[] text = new byte[PREFIX.length + 64];
    System.arraycopy(PREFIX, 0, text, 0, PREFIX.length);
    hex(hash, text, PREFIX.length);
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
      return finish();
    }

    /** @return the hash of a framed fingerprint input (see {@link Payloads#fingerprint(byte[], String, URI)}) */
    byte[] digestFramed(byte[] payload, String contentType, @Nullable String endpoint) {
      try {
        digest.update(FRAMED);
        digest.update(FRAMED_VERSION);
        units(contentType);
        if (endpoint == null) {
          digest.update((byte) 0);
        } else {
          digest.update((byte) 1);
          units(endpoint);
        }
        int32(payload.length);
        digest.update(payload);
      } catch (RuntimeException | Error e) {
        digest.reset(); // never leave half an input for the thread's next hash
        throw e;
      }
      return finish();
    }

    /** A text as its count of UTF-16 units and the units, big-endian: exact for any string, and no allocation. */
    private void units(String s) {
      int n = s.length();
      int32(n);
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        digest.update((byte) (c >>> 8));
        digest.update((byte) c);
      }
    }

    private void int32(int v) {
      digest.update((byte) (v >>> 24));
      digest.update((byte) (v >>> 16));
      digest.update((byte) (v >>> 8));
      digest.update((byte) v);
    }

    private byte[] finish() {
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
