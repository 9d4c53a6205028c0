package com.algosure.authz.token;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKMatcher;
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
 * key type, {@code alg} (when the key names one) and {@code use} = {@code sig} only. nimbus also accepts keys without
 * {@code use}; Keycloak publishes an {@code enc} key beside its signing key, and we never want a key whose purpose is
 * unstated. The header's {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never consulted.
 *
 * <p>A selected key that carries private parameters ({@code d} and the like) is never a candidate: whoever fetched
 * that JWKS can sign tokens with it, so nothing it verifies is evidence of the issuer (nimbus would quietly use its
 * public half), and neither is the same key listed again without them. When no other key is selected (the token's
 * {@code kid} names that key) the selection fails with {@link PrivateKeyPublishedException}; a token without
 * {@code kid} is still tried with the set's other, public keys.
 */
final class SignatureKeySelector extends JWSVerificationKeySelector<SecurityContext> {

  private static final Logger LOG = LoggerFactory.getLogger(SignatureKeySelector.class);

  /**
   * Stands in the cache for a JWK that published its private half, so the error is logged once per JWK; it holds
   * that key's public half, so the same key listed again without its private parameters is not used either.
   */
  private static final class PublishedPrivate implements Key {
    private static final long serialVersionUID = 1L;

    private final transient @Nullable Key publicHalf;

    PublishedPrivate(@Nullable Key publicHalf) {
      this.publicHalf = publicHalf;
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

  SignatureKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source) {
    super(algorithms, source);
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    JWKMatcher matcher = createJWKMatcher(header);
    if (matcher == null) {
      return List.of();
    }
    List<JWK> jwks = getJWKSource().get(new JWKSelector(matcher), context);
    List<Key> keys = new ArrayList<>(jwks.size());
    List<Key> leaked = List.of();
    JWK published = null;
    for (JWK jwk : jwks) {
      Key key = converted.getIfPresent(jwk);
      if (key == null) {
        if (jwk.isPrivate()) {
          LOG.error("the JWKS publishes the private key of kid {} ({}): tokens it would verify are refused; "
              + "rotate that key and publish public keys only", Printable.of(String.valueOf(jwk.getKeyID())),
              jwk.getKeyType());
          key = new PublishedPrivate(publicKeyOf(jwk));
        } else {
          key = publicKeyOf(jwk);
          if (key == null) {
            continue;
          }
        }
        converted.put(jwk, key);
      }
      if (key instanceof PublishedPrivate p) {
        // never a candidate; a token without 'kid' may still be another key's (the leaked key's does not verify
        // with that one)
        if (published == null) {
          published = jwk;
          leaked = new ArrayList<>(1);
        }
        if (p.publicHalf != null) {
          leaked.add(p.publicHalf);
        }
        continue;
      }
      keys.add(key);
    }
    if (published != null) {
      keys.removeAll(leaked); // the leaked key listed a second time, public only
      if (keys.isEmpty()) {
        throw new PrivateKeyPublishedException(published.getKeyID());
      }
    }
    return keys;
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
        .build();
  }

  /** A selected key of the JWKS carries its private parameters. */
  static final class PrivateKeyPublishedException extends KeySourceException {
    private static final long serialVersionUID = 1L;

    private final @Nullable String keyId;

    PrivateKeyPublishedException(@Nullable String keyId) {
      super("the JWKS publishes a private key");
      this.keyId = keyId;
    }

    @Nullable String keyId() {
      return keyId;
    }
  }
}
