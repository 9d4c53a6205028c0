package com.algosure.integration.inbound;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
  private static final byte[] HEX_BYTES = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String FINGERPRINT_PREFIX = "sha256:";
  private static final int SHA256_BYTES = 32;

  private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    }
  });

  private static final ThreadLocal<Fingerprinter> FINGERPRINTER = ThreadLocal.withInitial(Fingerprinter::new);

  private Signatures() {}

  /**
   * The payload fingerprint the callback guard's dedupe stores and its {@code CALLBACK_RECEIVED} event
   * carries: {@code sha256:} and the lower-case hex of the payload's SHA-256. It depends on the payload
   * only, never on the delivery's timestamp or on the secret that signed it, so a redelivery (new timestamp)
   * or a delivery re-sent after a secret rotation has the same fingerprint as the first one.
   *
   * <p>Also the delivery id for a host verifier whose scheme signs neither an id nor a time (GitHub's
   * {@code X-Hub-Signature-256} covers the body alone): an id taken from an unsigned header lets a captured delivery
   * be replayed under a fresh one, while the signed body's fingerprint stays the same.
   *
   * @param payload the verified payload
   * @return {@code sha256:<64 hex digits>}
   */
  public static String sha256Fingerprint(byte[] payload) {
    return FINGERPRINTER.get().fingerprint(payload);
  }

  /**
   * @param key an HMAC-SHA256 key
   * @return a new {@code Mac} initialised with it (looked up once; {@code doFinal} leaves it ready for the
   *     same key again)
   * @throws IllegalArgumentException if the key is empty
   */
  static Mac newHmacSha256(byte[] key) {
    if (key.length == 0) {
      throw new IllegalArgumentException("HMAC key must not be empty");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 refused the key", e);
    }
  }

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
      Mac mac = HMAC_SHA256.get(); // looking up a Mac costs more than hashing a kilobyte
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 refused the key", e);
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
   * A SHA-256 digest and the buffers to turn its output into a fingerprint, one per thread. Nothing in it
   * outlives one call of {@link #fingerprint}, so a nested call on the same thread (a handler that handles
   * another callback) cannot see a half-written buffer.
   */
  private static final class Fingerprinter {
    private final MessageDigest sha256;
    private final byte[] digest = new byte[SHA256_BYTES];
    private final byte[] text = new byte[FINGERPRINT_PREFIX.length() + 2 * SHA256_BYTES];

    Fingerprinter() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every Java platform", e);
      }
      byte[] prefix = FINGERPRINT_PREFIX.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(prefix, 0, text, 0, prefix.length);
    }

    String fingerprint(byte[] payload) {
      sha256.reset(); // a digest left half-fed by an earlier failure must not leak into this one
      sha256.update(payload);
      try {
        sha256.digest(digest, 0, SHA256_BYTES);
      } catch (DigestException e) {
        throw new IllegalStateException("SHA-256 did not fit its own output length", e);
      }
      int p = FINGERPRINT_PREFIX.length();
      for (byte b : digest) {
        text[p++] = HEX_BYTES[(b >> 4) & 0xf];
        text[p++] = HEX_BYTES[b & 0xf];
      }
      // the one copy: the String's own bytes
      return new String(text, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * @param hex hex digits ({@code 0-9}, {@code a-f}, {@code A-F}), either case
   * @return the bytes, or an empty array if the text is not even-length hex
   */
  public static byte[] fromHex(String hex) {
    if (hex.length() % 2 != 0) {
      return new byte[0];
    }
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = hexDigit(hex.charAt(2 * i));
      int lo = hexDigit(hex.charAt(2 * i + 1));
      if (hi < 0 || lo < 0) {
        return new byte[0];
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  /**
   * @return the value of an ASCII hex digit, else -1: not {@link Character#digit}, which also reads fullwidth letters
   *     and the digits of other scripts, so that a signature would verify however many ways it was spelt
   */
  private static int hexDigit(char c) {
    return HexFormat.isHexDigit(c) ? HexFormat.fromHexDigit(c) : -1;
  }
}
