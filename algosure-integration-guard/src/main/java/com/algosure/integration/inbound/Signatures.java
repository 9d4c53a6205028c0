package com.algosure.integration.inbound;

import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Helpers for host-written {@link CallbackVerifier}s: HMAC-SHA256, constant-time comparison, hex.
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1.0
 */
public final class Signatures {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Signatures() {}

  /**
   * @param key the HMAC key
   * @param parts the data, concatenated in order
   * @return HMAC-SHA256 of the parts
   * @throws IllegalArgumentException if the key is empty
   */
  public static byte[] hmacSha256(byte[] key, byte[]... parts) {
    if (key.length == 0) {
      throw new IllegalArgumentException("HMAC key must not be empty");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Compares in time independent of where the arrays differ.
   *
   * @param a one
   * @param b the other
   * @return whether they are equal
   */
  public static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /**
   * @param bytes bytes
   * @return lower-case hex
   */
  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }

  /**
   * @param hex hex digits, either case
   * @return the bytes, or an empty array if the text is not even-length hex
   */
  public static byte[] fromHex(String hex) {
    if (hex.length() % 2 != 0) {
      return new byte[0];
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return new byte[0];
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}
