package com.algosure.authz.internal.jose;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.KeyType;
import java.util.ArrayList;
import java.util.List;

/**
 * Matches as the wrapped matcher does, and on the way notes every key of one key type that carries private
 * parameters, whatever its {@code kid} and {@code use}: a JWKS lookup passes each key of the set through it, so a key
 * published with its private half is seen even where the lookup selects the same key listed again, public only, under
 * another {@code kid}. Made per lookup; a refreshed set is passed through it too, so the keys noted are those of
 * either set. Not thread-safe.
 */
public final class PrivateKeyScan extends JWKMatcher {

  private final JWKMatcher matcher;
  private final KeyType keyType;
  private final List<JWK> privateKeys = new ArrayList<>(0);

  /**
   * @param matcher the lookup's own matcher, which decides what is selected
   * @param keyType the key type whose private keys are noted (that of the token's or message's algorithm)
   */
  public PrivateKeyScan(JWKMatcher matcher, KeyType keyType) {
    super(null, null, null, null, null, false, false);
    this.matcher = matcher;
    this.keyType = keyType;
  }

  @Override
  public boolean matches(JWK key) {
    if (key.isPrivate() && keyType.equals(key.getKeyType())) {
      privateKeys.add(key);
    }
    return matcher.matches(key);
  }

  /** @return the keys of the key type, passed through so far, that carry private parameters (live view) */
  public List<JWK> privateKeys() {
    return privateKeys;
  }
}
