package com.algosure.authz.token;

/**
 * The strict syntax of a compact JWS (RFC 7515 §3.1, §2): exactly three parts, separated by two dots, each in the
 * Base64URL alphabet {@code [A-Za-z0-9_-]}, without padding or whitespace, canonically encoded (the unused low bits
 * of a part's last character are zero), with a non-empty header and payload. So each token has exactly one string
 * that passes: nimbus decodes leniently (it skips characters outside the alphabet, accepts padding and ignores the
 * last character's unused bits), and without this check one token has countless accepted spellings, each its own
 * cache entry and each passing a host's denylist of the original. (The signature itself may still have a second
 * valid form: an ECDSA signature (r, s) verifies as (r, n − s) too, and refusing either would refuse the tokens of
 * real issuers, Java's and so Keycloak's included, which produce both. So an {@code ES*} token has two accepted
 * strings, and a denylist must key on {@code jti}, not on the token's text.)
 *
 * <p>The signature part may be empty: that is an unsecured token ({@code alg: none}), which the validator then
 * refuses by its algorithm. One pass over the characters with a table look-up each; run where a token is validated
 * for the first time, never on a cache hit (a cached key is the hash of a string that passed).
 */
final class CompactJws {

  /** The 6-bit value of each Base64URL character, -1 for every other ASCII character. */
  private static final byte[] VALUE = new byte[128];

  private static final String[] PART = {"header", "payload", "signature"};

  static {
    java.util.Arrays.fill(VALUE, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUE[alphabet.charAt(i)] = (byte) i;
    }
  }

  private CompactJws() {}

  /**
   * Checks the syntax of a token (without any {@code Bearer} prefix).
   *
   * @throws TokenRejectedException ({@link TokenRejectionReason#MALFORMED}) naming the part that is wrong, never
   *     quoting the token; ({@link TokenRejectionReason#ALGORITHM_NOT_ALLOWED}) for five parts, an encrypted
   *     token (JWE)
   */
  static void requireStrict(String token) {
    int n = token.length();
    int part = 0;
    int partStart = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? token.charAt(i) : '.';
      if (c == '.') {
        if (part == 2 && i < n) {
          throw moreThanThreeParts(token);
        }
        requireCanonical(token, part, partStart, i);
        part++;
        partStart = i + 1;
      } else if (c >= 128 || VALUE[c] < 0) {
        throw malformed("its " + PART[part] + " part has a character outside the Base64URL alphabet [A-Za-z0-9_-] "
            + "at offset " + (i - partStart) + " (no padding '=', whitespace, '+' or '/' are allowed: RFC 7515 §2)");
      }
    }
    if (part < 3) {
      throw malformed("it has " + part + " part" + (part == 1 ? "" : "s") + ", not three (header.payload.signature)");
    }
  }

  private static TokenRejectedException moreThanThreeParts(String token) {
    return fiveParts(token) ? encrypted() : malformed("it has more than three parts (a compact JWS is header.payload.signature)");
  }

  /** @return whether the token has five parts, as an encrypted token (JWE) has */
  private static boolean fiveParts(String token) {
    return token.chars().filter(c -> c == '.').count() == 4;
  }

  private static TokenRejectedException encrypted() {
    return new TokenRejectedException(TokenRejectionReason.ALGORITHM_NOT_ALLOWED,
        "the token has five parts, so it is encrypted (JWE); only signed access tokens (JWS) are accepted");
  }

  private static void requireCanonical(String token, int part, int from, int to) {
    int length = to - from;
    if (length == 0) {
      if (part < 2) {
        // a JWE with direct key agreement (alg "dir") has an empty second part: say what it is
        throw part == 1 && fiveParts(token) ? encrypted() : malformed("its " + PART[part] + " part is empty");
      }
      return;
    }
    int unusedBits = switch (length % 4) {
      case 0 -> 0;
      case 2 -> 4;
      case 3 -> 2;
      default -> throw malformed("its " + PART[part] + " part has a length (" + length
          + " characters) that no Base64URL encoding has");
    };
    if ((VALUE[token.charAt(to - 1)] & ((1 << unusedBits) - 1)) != 0) {
      throw malformed("its " + PART[part] + " part is not canonically encoded: the unused low bits of its last "
          + "character are not zero (RFC 7515 §2; the token was altered after it was issued)");
    }
  }

  private static TokenRejectedException malformed(String problem) {
    return new TokenRejectedException(TokenRejectionReason.MALFORMED, "the token is not a compact JWS in strict "
        + "Base64URL: " + problem + "; send the token exactly as the issuer issued it");
  }
}
