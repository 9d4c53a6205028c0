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
        new ImmutableJWKSet<SecurityContext>(new JWKSet(key.toPublicJWK())), java.time.Clock.systemUTC());
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
        (selector1, context) -> selector1.select(current[0]), java.time.Clock.systemUTC());
    assertThat(selector.selectJWSKeys(header, null)).containsExactly(old.toPublicKey());
    current[0] = new JWKSet(newSameKid);
    assertThat(selector.selectJWSKeys(header, null)).containsExactly(rotated.toPublicKey());
  }

  @Test
  void selectWhenTheJwkDeclaresAnotherAllowedAlgorithmThanTheTokensThenTheKeyIsNotUsed() throws Exception {
    // RFC 8725 3.1: a key is used with the one algorithm it declares; an RSA key published for RS256 never verifies
    // a PS256 token, though both are allowed and the key's type fits both
    RSAKey key = TestKeys.rsa("rs256-only");
    RSAKey declared = new RSAKey.Builder(key.toRSAPublicKey()).keyID("rs256-only").keyUse(key.getKeyUse())
        .algorithm(JWSAlgorithm.RS256).build();
    RSAKey undeclared = new RSAKey.Builder(key.toRSAPublicKey()).keyID("any-rsa").keyUse(key.getKeyUse()).build();
    SignatureKeySelector selector = new SignatureKeySelector(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256),
        new ImmutableJWKSet<SecurityContext>(new JWKSet(List.of(declared, undeclared))), java.time.Clock.systemUTC());

    assertThat(selector.selectJWSKeys(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("rs256-only").build(), null))
        .as("a PS256 token under a key declared for RS256").isEmpty();
    assertThat(selector.selectJWSKeys(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rs256-only").build(), null))
        .containsExactly(key.toPublicKey());
    assertThat(selector.selectJWSKeys(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("any-rsa").build(), null))
        .as("a key that declares no algorithm serves any allowed one of its type").containsExactly(key.toPublicKey());
  }
}
