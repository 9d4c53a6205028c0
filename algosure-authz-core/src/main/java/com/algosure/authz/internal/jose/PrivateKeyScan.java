package com.algosure.authz.internal.jose;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.KeyType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Matches as the wrapped matcher does, and on the way notes every key of one key type that carries private
 * parameters, whatever its {@code kid} and {@code use}: a JWKS lookup passes each key of the set through it, so a key
 * published with its private half is seen even where the lookup selects the same key listed again, public only, under
 * another {@code kid}. Made per lookup; a refreshed set is passed through it too, so the keys noted are those of
 * either set. Given a clock, it also matches no key whose JWK {@code exp} has passed on that clock (the publisher says
 * the key is not to be trusted from then on), so that a lookup finds none as it finds no revoked key. Not thread-safe.
 */
public final class PrivateKeyScan extends JWKMatcher {

  private final JWKMatcher matcher;
  private final KeyType keyType;
  private final @Nullable Clock expiryClock;
  private final List<JWK> privateKeys = new ArrayList<>(0);

  /**
   * @param matcher the lookup's own matcher, which decides what is selected
   * @param keyType the key type whose private keys are noted (that of the token's or message's algorithm)
   */
  public PrivateKeyScan(JWKMatcher matcher, KeyType keyType) {
    this(matcher, keyType, null);
  }

  /**
   * @param matcher the lookup's own matcher, which decides what is selected
   * @param keyType the key type whose private keys are noted (that of the token's or message's algorithm)
   * @param expiryClock the clock on which a key's JWK {@code exp} is read: from that time on the key is not matched;
   *     read only for a key that has one. Null: {@code exp} is not looked at
   */
  public PrivateKeyScan(JWKMatcher matcher, KeyType keyType, @Nullable Clock expiryClock) {
    super(null, null, null, null, null, false, false);
    this.matcher = matcher;
    this.keyType = keyType;
    this.expiryClock = expiryClock;
  }

  @Override
  public boolean matches(JWK key) {
    if (key.isPrivate() && keyType.equals(key.getKeyType())) {
      privateKeys.add(key);
    }
    if (!matcher.matches(key)) {
      return false;
    }
    Date exp = expiryClock == null ? null : key.getExpirationTime();
    // as a token's exp (RFC 7519 §4.1.4): from that time on, not before it; no skew, the key's publisher said so
    return exp == null || expiryClock == null || expiryClock.millis() < exp.getTime();
  }

  /** @return the keys of the key type, passed through so far, that carry private parameters (live view) */
  public List<JWK> privateKeys() {
    return privateKeys;
  }
}
