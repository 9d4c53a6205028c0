package com.algosure.authz.token;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.authz.internal.jose.PrivateKeyScan;
import com.algosure.authz.internal.jose.RsaKeys;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.KeyOperation;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * nimbus's key selector, stricter about {@code use}: a key is chosen by {@code kid} (when the header names one),
 * key type, {@code alg} (when the key names one), {@code use} = {@code sig} only and {@code key_ops} (when the key
 * names them) including {@code verify}, and never a key the JWKS marks {@code revoked} nor one whose JWK {@code exp}
 * has passed on the validator's clock (as for a revoked key, the lookup finds none and the JWKS is refreshed under the
 * rate limit; the clock is read only for a key that has an {@code exp}). nimbus also accepts keys without
 * {@code use}; Keycloak publishes an {@code enc} key beside its signing key, and we never want a key whose purpose is
 * unstated. The header's {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never consulted.
 *
 * <p>A selected key that carries private parameters ({@code d} and the like) is never a candidate: whoever fetched
 * that JWKS can sign tokens with it, so nothing it verifies is evidence of the issuer (nimbus would quietly use its
 * public half), and neither is the same key listed again without them, under its own {@code kid} or another. Nor is
 * an RSA key of fewer than 2048 bits (RFC 7518 §3.3 requires 2048 for {@code RS*} and {@code PS*}; nimbus refuses to
 * sign with one, not to verify): a 1024-bit modulus can be factored, and then anyone signs tokens with it. When no
 * other key is selected (the token's {@code kid} names that key) the selection fails with
 * {@link UnusableKeyException}; a token without {@code kid} is still tried with the set's other, usable keys.
 */
final class SignatureKeySelector extends JWSVerificationKeySelector<SecurityContext> {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureKeySelector.class);

  /** The least RSA modulus accepted, in bits (RFC 7518 §3.3). */
  static final int MIN_RSA_BITS = RsaKeys.MIN_BITS;

  /** The {@link UnusableKeyException#problem()} of a key published with its private half. */
  static final String PRIVATE_KEY_PUBLISHED = "publishes the private key";

  /**
   * Stands in the cache for a JWK that is never used to verify, so the error is logged once per JWK: one that published
   * its private half (it holds that key's public half, so the same key listed again without its private parameters is
   * not used either) or an RSA key too short to be trusted.
   */
  private static final class Unusable implements Key {
    private static final long serialVersionUID = 1L;

    private final transient @Nullable Key publishedPrivate;
    private final String problem;

    Unusable(@Nullable Key publishedPrivate, String problem) {
      this.publishedPrivate = publishedPrivate;
      this.problem = problem;
    }

    @Override
    public String getAlgorithm() {
      return "none";
    }

    @Override
    public @Nullable String getFormat() {
      return null;
    }

    @Override
    public byte @Nullable [] getEncoded() {
      return null;
    }
  }

  /**
   * The Java keys of the JWKs last served, by JWK identity: converting a JWK (Base64 to BigInteger, a key factory)
   * costs about a tenth of an RS256 verification, and the JWKS cache hands out the same JWK instances until it
   * refreshes. Weak keys: a refreshed JWKS lets the old entries go.
   */
  private final Cache<JWK, Key> converted = Caffeine.newBuilder().weakKeys().maximumSize(256).build();

  private final Clock clock;

  /**
   * @param clock the validator's clock, on which a key's JWK {@code exp} is read
   */
  SignatureKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source, Clock clock) {
    super(algorithms, source);
    this.clock = clock;
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    JWKMatcher matcher = createJWKMatcher(header);
    if (matcher == null) {
      return List.of();
    }
    PrivateKeyScan scan = new PrivateKeyScan(matcher, KeyType.forAlgorithm(header.getAlgorithm()), clock);
    List<JWK> jwks = getJWKSource().get(new JWKSelector(scan), context);
    // the public halves of the set's leaked keys, whatever their kid: the same key listed again public only (under its
    // own kid or another) proves nothing either
    Map<Key, JWK> leaked = Map.of(); // a JWKS of public keys, the rule: no map, no key hashed
    for (JWK p : scan.privateKeys()) {
      if (convert(p) instanceof Unusable u && u.publishedPrivate != null) {
        if (leaked.isEmpty()) {
          leaked = new HashMap<>();
        }
        leaked.putIfAbsent(u.publishedPrivate, p);
      }
    }
    List<Key> keys = new ArrayList<>(jwks.size());
    JWK unusable = null;
    String problem = null;
    for (JWK jwk : jwks) {
      Key key = convert(jwk);
      if (key == null) {
        continue;
      }
      JWK leakedAs = key instanceof Unusable || leaked.isEmpty() ? null : leaked.get(key);
      if (key instanceof Unusable || leakedAs != null) {
        // never a candidate; a token without 'kid' may still be another key's (the unusable key's does not verify
        // with that one)
        if (unusable == null) {
          unusable = leakedAs != null ? leakedAs : jwk;
          problem = leakedAs != null ? PRIVATE_KEY_PUBLISHED : ((Unusable) key).problem;
        }
        continue;
      }
      Set<KeyOperation> ops = jwk.getKeyOperations();
      if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
        continue; // its 'key_ops' do not include verifying (RFC 7517 §4.3); nimbus's matcher cannot say "contains"
      }
      keys.add(key);
    }
    if (unusable != null && keys.isEmpty()) {
      throw new UnusableKeyException(unusable.getKeyID(), castToNonNull(problem));
    }
    return keys;
  }

  /** @return the JWK's Java key for verifying, an {@link Unusable} in its place, or null if it has none */
  private @Nullable Key convert(JWK jwk) {
    Key key = converted.getIfPresent(jwk);
    if (key != null) {
      return key;
    }
    Key publicKey = publicKeyOf(jwk);
    String kid = Printable.of(String.valueOf(jwk.getKeyID()));
    int shortBits = RsaKeys.tooShortBits(publicKey);
    if (jwk.isPrivate()) {
      LOG.error("the JWKS publishes the private key of kid {} ({}): tokens it would verify are refused; "
          + "rotate that key and publish public keys only", kid, jwk.getKeyType());
      key = new Unusable(publicKey, PRIVATE_KEY_PUBLISHED);
    } else if (shortBits > 0) {
      int bits = shortBits;
      LOG.error("the JWKS publishes the RSA key of kid {} with {} bits, fewer than the {} RFC 7518 requires: tokens"
          + " it would verify are refused; rotate to a longer key", kid, bits, MIN_RSA_BITS);
      key = new Unusable(null, "publishes an RSA key of " + bits + " bits, fewer than the " + MIN_RSA_BITS
          + " RFC 7518 §3.3 requires, as the key");
    } else if (publicKey == null) {
      return null;
    } else {
      key = publicKey;
    }
    converted.put(jwk, key);
    return key;
  }

  /** As nimbus's selector: the public key of an RSA or EC JWK (private and secret keys are never used to verify). */
  private static @Nullable Key publicKeyOf(JWK jwk) {
    for (Key k : KeyConverter.toJavaKeys(List.of(jwk))) {
      if (k instanceof PublicKey) {
        return k;
      }
    }
    return null;
  }

  @Override
  protected @Nullable JWKMatcher createJWKMatcher(JWSHeader header) {
    if (!isAllowed(header.getAlgorithm())) {
      return null;
    }
    return new JWKMatcher.Builder()
        .keyType(KeyType.forAlgorithm(header.getAlgorithm()))
        .keyID(header.getKeyID())
        .keyUse(KeyUse.SIGNATURE)
        .algorithms(header.getAlgorithm(), (Algorithm) null)
        .nonRevokedOnly(true) // a key the JWKS marks 'revoked' is not the issuer's any more
        .build();
  }

  /** The key of the JWKS that would verify the token is never used: its private half is published, or it is too short. */
  static final class UnusableKeyException extends KeySourceException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String keyId;
    private final String problem;

    UnusableKeyException(@Nullable String keyId, String problem) {
      super("the JWKS " + problem);
      this.keyId = keyId;
      this.problem = problem;
    }

    @Nullable String keyId() {
      return keyId;
    }

    /** @return what the JWKS does wrong, completed by the key's {@code kid}: "publishes the private key" */
    String problem() {
      return problem;
    }
  }
}
