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

  static TokenKey of(String token) {
    // UTF-8 is injective and, for the ASCII of a compact JWS, a plain array copy
    byte[] h = SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8));
    return new TokenKey((long) LONGS.get(h, 0), (long) LONGS.get(h, 8), (long) LONGS.get(h, 16),
        (long) LONGS.get(h, 24));
  }

  @Override
  public String toString() {
    return "TokenKey[sha256]";
  }
}
