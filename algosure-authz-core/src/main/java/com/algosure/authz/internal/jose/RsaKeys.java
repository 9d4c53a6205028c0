package com.algosure.authz.internal.jose;

import java.security.Key;
import java.security.interfaces.RSAPublicKey;
import org.jspecify.annotations.Nullable;

/** The least RSA key either verifier of the SDK (tokens, JWS callbacks) verifies with. */
public final class RsaKeys {

  /**
   * The least RSA modulus accepted, in bits (RFC 7518 §3.3 requires 2048 for {@code RS*} and {@code PS*}; nimbus
   * refuses to sign with a shorter one, not to verify: a shorter modulus can be factored, and then anyone signs).
   */
  public static final int MIN_BITS = 2048;

  private RsaKeys() {}

  /** @return the modulus size of an RSA public key shorter than {@link #MIN_BITS}, else 0 (any other key too) */
  public static int tooShortBits(@Nullable Key key) {
    if (key instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      return bits < MIN_BITS ? bits : 0;
    }
    return 0;
  }
}
