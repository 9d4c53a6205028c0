package com.algosure.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key pairs generated in the test JVM (never checked in) and JWKS documents of their public halves.
 *
 * <p>Keys are generated once per key id and JVM and then shared, so that many tests stay fast: RSA generation
 * costs tens of milliseconds. Every key is a signing key ({@code use: sig}) without {@code alg}, unless made
 * otherwise.
 *
 * <pre>{@code
 * RSAKey signing = TestKeys.rsa("k1");
 * String jwks = TestKeys.jwks(signing, TestKeys.ec("k2"));   // public keys only
 * }</pre>
 */
public final class TestKeys {

  private static final Map<String, JWK> KEYS = new ConcurrentHashMap<>();

  private TestKeys() {}

  /** @return a 2048-bit RSA signing key pair with this key id */
  public static RSAKey rsa(String kid) {
    return (RSAKey) KEYS.computeIfAbsent("rsa:" + kid, k -> generate(() -> new RSAKeyGenerator(2048)
        .keyID(kid).keyUse(KeyUse.SIGNATURE).generate()));
  }

  /** @return a P-256 EC signing key pair with this key id */
  public static ECKey ec(String kid) {
    return (ECKey) KEYS.computeIfAbsent("ec:" + kid, k -> generate(() -> new ECKeyGenerator(Curve.P_256)
        .keyID(kid).keyUse(KeyUse.SIGNATURE).generate()));
  }

  /** @return a 2048-bit RSA encryption key ({@code use: enc}, {@code alg: RSA-OAEP}), as Keycloak publishes beside its signing key */
  public static RSAKey rsaEncryption(String kid) {
    return (RSAKey) KEYS.computeIfAbsent("rsa-enc:" + kid, k -> generate(() -> new RSAKeyGenerator(2048)
        .keyID(kid).keyUse(KeyUse.ENCRYPTION).algorithm(JWEAlgorithm.RSA_OAEP).generate()));
  }

  /**
   * The JWKS JSON of the public halves of these keys.
   *
   * @param keys key pairs or public keys
   * @return {@code {"keys":[...]}} with public parameters only
   */
  public static String jwks(JWK... keys) {
    List<JWK> list = new ArrayList<>();
    for (JWK k : keys) {
      list.add(k.toPublicJWK());
    }
    return new JWKSet(list).toString(true);
  }

  private interface KeySupplier {
    JWK get() throws JOSEException;
  }

  private static JWK generate(KeySupplier s) {
    try {
      return s.get();
    } catch (JOSEException e) {
      throw new IllegalStateException("key generation failed", e);
    }
  }
}
