package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The token cache key: the SHA-256 of the token's UTF-8 bytes, hashed from buffers reused per thread, and no key
 * at all for a string that is not ASCII (so no such string can hit a cached token's entry).
 */
class TokenKeyTest {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

  private static String token(Random r, int length) {
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return s.toString();
  }

  /** The key as it was computed before buffers were reused: a fresh UTF-8 copy and a fresh digest. */
  private static TokenKey reference(String token) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h);
    return new TokenKey(b.getLong(), b.getLong(), b.getLong(), b.getLong());
  }

  @Test
  void ofWhenTokensOfManyLengthsOnOneThreadThenEachKeyIsTheSha256OfItsBytes() throws Exception {
    Random r = new Random(1);
    int[] lengths = {1, 900, 40, 3_000, 16 * 1024, 17_000, 5, 1_200, 0, 64};
    for (int length : lengths) {
      String t = token(r, length);
      assertThat(TokenKey.of(t, 0)).as("length " + length).isEqualTo(reference(t));
    }
  }

  @Test
  void ofWhenBehindABearerPrefixThenTheSameKeyAsTheBareToken() throws Exception {
    String t = token(new Random(2), 1_000);

    assertThat(TokenKey.of("Bearer " + t, 7)).isEqualTo(TokenKey.of(t, 0)).isEqualTo(reference(t));
  }

  @Test
  void ofWhenAnyCharacterIsNotAsciiThenNoKey() {
    String t = token(new Random(3), 500);
    // U+0141 has the low byte of 'A': a copy that kept only low bytes would give the same key as the token
    String lookalike = t.substring(0, 100) + '\u0141' + t.substring(101);
    String latin1 = t.substring(0, 100) + '\u00e9' + t.substring(101);
    String surrogate = t.substring(0, 100) + '\ud800' + t.substring(101);

    assertThat(TokenKey.of(lookalike, 0)).isNull();
    assertThat(TokenKey.of(latin1, 0)).isNull();
    assertThat(TokenKey.of(surrogate, 0)).isNull();
    assertThat(TokenKey.of(t, 0)).isNotNull();
  }

  @Test
  void ofWhenThreadsHashAtOnceThenEveryKeyIsRight() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int task = 0; task < 8; task++) {
        int seed = task;
        results.add(pool.submit(() -> {
          Random r = new Random(seed);
          for (int i = 0; i < 500; i++) {
            String t = token(r, 1 + r.nextInt(2_000));
            if (!TokenKey.of(t, 0).equals(reference(t))) {
              return false;
            }
          }
          return true;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
