package com.algosure.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Redis key names. The caller's parts (tenant, provider, action, idempotency key) are hashed, length-prefixed,
 * so no two tuples share a name, no caller text lands in Redis key names, and every key has a fixed length.
 * The hash sits in a hash tag, so the keys one script touches share a Redis Cluster slot (an idempotency record and
 * its tenant's set are both tagged with the tenant's hash, the record named by the full hash after it).
 */
final class Keys {

  private Keys() {}

  static String tagged(String prefix, String kind, String... parts) {
    return prefix + kind + ":{" + hash(parts) + "}";
  }

  static String hash(String... parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
    for (String part : parts) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
      sha.update(bytes);
    }
    // 128 bits: collisions are out of reach, keys stay short
    return HexFormat.of().formatHex(sha.digest(), 0, 16);
  }
}
