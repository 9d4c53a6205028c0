package com.algosure.authz.token;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * The cache key of a validated token: its SHA-256, so the cache never holds a token. Four longs, one small object.
 *
 * <p>Only a token of ASCII characters has a key: a compact JWS is ASCII (Base64URL and dots), so any other string
 * is no token and is never looked up nor cached. For ASCII, the bytes hashed are the token's UTF-8 bytes, so the
 * key is injective. They are encoded into a buffer kept per thread with its digest, so a look-up allocates only the
 * key.
 */
record TokenKey(long a, long b, long c, long d) {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Tokens longer than this are hashed from arrays made for them, so that no thread keeps a large buffer. */
  static final int BUFFERED_LENGTH = 16 * 1024;

  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  /**
   * One thread's hashing state. Nothing in it outlives a call of {@link #of}: the buffers hold the last token
   * hashed on this thread until the next one overwrites them, as the digest's own state would.
   */
  private static final class Hasher {
    final MessageDigest sha256;
    final CharsetEncoder ascii = StandardCharsets.US_ASCII.newEncoder();
    final byte[] digest = new byte[32];
    char[] chars = new char[0];
    byte[] bytes = new byte[0];
    CharBuffer in = CharBuffer.wrap(chars);
    ByteBuffer out = ByteBuffer.wrap(bytes);

    Hasher() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every Java platform", e);
      }
    }

    @Nullable TokenKey key(String text, int start) {
      int length = text.length() - start;
      if (length > chars.length) {
        if (length > BUFFERED_LENGTH) {
          return new Hasher().sized(length).key(text, start); // one-off, dropped afterwards
        }
        sized(Math.max(length, Math.min(BUFFERED_LENGTH, 2 * chars.length)));
      }
      text.getChars(start, text.length(), chars, 0);
      in.clear().limit(length);
      out.clear();
      CoderResult r = ascii.reset().encode(in, out, true);
      if (r.isError() || in.hasRemaining()) {
        return null; // not ASCII: not a token
      }
      sha256.update(bytes, 0, length);
      try {
        sha256.digest(digest, 0, digest.length);
      } catch (DigestException e) {
        sha256.reset();
        throw new IllegalStateException("SHA-256 digest failed", e);
      }
      byte[] h = digest;
      return new TokenKey((long) LONGS.get(h, 0), (long) LONGS.get(h, 8), (long) LONGS.get(h, 16),
          (long) LONGS.get(h, 24));
    }

    private Hasher sized(int length) {
      chars = new char[length];
      bytes = new byte[length];
      in = CharBuffer.wrap(chars);
      out = ByteBuffer.wrap(bytes);
      return this;
    }
  }

  /**
   * @param text the token, possibly behind a prefix
   * @param start where the token starts; the characters before it must be ASCII
   * @return the key, or null if the token has a character outside ASCII (it is no compact JWS)
   */
  static @Nullable TokenKey of(String text, int start) {
    return HASHER.get().key(text, start);
  }

  @Override
  public String toString() {
    return "TokenKey[sha256]";
  }
}
