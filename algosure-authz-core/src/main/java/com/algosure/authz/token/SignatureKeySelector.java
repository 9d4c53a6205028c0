package com.algosure.authz.token;

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

/**
 * nimbus's key selector, stricter about {@code use}: a key is chosen by {@code kid} (when the header names one),
 * key type, {@code alg} (when the key names one) and {@code use} = {@code sig} only. nimbus also accepts keys without
 * {@code use}; Keycloak publishes an {@code enc} key beside its signing key, and we never want a key whose purpose is
 * unstated. The header's {@code jwk}, {@code jku}, {@code x5u} and {@code x5c} are never consulted.
 */
final class SignatureKeySelector extends JWSVerificationKeySelector<SecurityContext> {

  SignatureKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source) {
    super(algorithms, source);
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
}
