package com.algosure.authz.token;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The cache key of a validated token: its SHA-256, so the cache never holds a token. Four longs, one small object.
 */
record TokenKey(long a, long b, long c, long d) {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  });

  /**
   * @param text the token, possibly behind a prefix
   * @param start where the token starts; the characters before it must be ASCII
   */
  static TokenKey of(String text, int start) {
    // UTF-8 is injective and, for the ASCII of a compact JWS, a plain array copy
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    MessageDigest sha256 = SHA256.get();
    sha256.update(bytes, start, bytes.length - start);
    byte[] h = sha256.digest();
    return new TokenKey((long) LONGS.get(h, 0), (long) LONGS.get(h, 8), (long) LONGS.get(h, 16),
        (long) LONGS.get(h, 24));
  }

  @Override
  public String toString() {
    return "TokenKey[sha256]";
  }
}
