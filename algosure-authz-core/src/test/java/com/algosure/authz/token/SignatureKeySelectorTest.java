package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.testing.TestKeys;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignatureKeySelectorTest {

  @Test
  void selectWhenSameJwkServedAgainThenConvertedKeyReused() throws Exception {
    RSAKey key = TestKeys.rsa("reuse");
    SignatureKeySelector selector = new SignatureKeySelector(Set.of(JWSAlgorithm.RS256),
        new ImmutableJWKSet<SecurityContext>(new JWKSet(key.toPublicJWK())));
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("reuse").build();
    List<Key> first = selector.selectJWSKeys(header, null);
    List<Key> second = selector.selectJWSKeys(header, null);
    assertThat(first).hasSize(1);
    assertThat(second.get(0)).isSameAs(first.get(0)).isEqualTo(key.toPublicKey());
  }

  @Test
  void selectWhenJwksReplacedThenKeysOfTheNewJwksUsed() throws Exception {
    RSAKey old = TestKeys.rsa("rotate-old");
    RSAKey rotated = TestKeys.rsa("rotate-new");
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotate").build();
    RSAKey oldSameKid = new RSAKey.Builder(old.toRSAPublicKey()).keyID("rotate").keyUse(old.getKeyUse()).build();
    RSAKey newSameKid = new RSAKey.Builder(rotated.toRSAPublicKey()).keyID("rotate").keyUse(rotated.getKeyUse()).build();
    JWKSet[] current = {new JWKSet(oldSameKid)};
    SignatureKeySelector selector = new SignatureKeySelector(Set.of(JWSAlgorithm.RS256),
        (selector1, context) -> selector1.select(current[0]));
    assertThat(selector.selectJWSKeys(header, null)).containsExactly(old.toPublicKey());
    current[0] = new JWKSet(newSameKid);
    assertThat(selector.selectJWSKeys(header, null)).containsExactly(rotated.toPublicKey());
  }
}
