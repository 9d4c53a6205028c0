package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.authz.Actor;
import com.algosure.testing.TestTokens;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The verified claims are copied once, straight from nimbus's claims set, into a deep immutable map that the
 * token keeps as it is: the same values as the copy of nimbus's JSON object made before, and nothing shared
 * with nimbus's (mutable) objects. A map a caller hands to {@link AuthenticatedToken} is still copied.
 */
class ClaimsCopyTest extends ValidatorTestSupport {

  private static Map<String, Object> before(JWTClaimsSet claims) {
    return Claims.immutableCopy(claims.toJSONObject());
  }

  private static JWTClaimsSet parsed(String token) throws Exception {
    return SignedJWT.parse(token).getJWTClaimsSet();
  }

  @Test
  void ofWhenRealKeycloakPayloadThenTheSameClaimsAsNimbusJsonObjectCopied() throws Exception {
    for (String name : List.of("alice", "alice-via-filings-api", "alice-id-token", "billing-worker", "bob",
        "carol-mfa", "root")) {
      JWTClaimsSet claims = JWTClaimsSet.parse(TestTokens.keycloakPayload(name));

      assertThat(Claims.of(claims)).as(name).isEqualTo(before(claims));
    }
  }

  @Test
  void ofWhenAudienceSingleSeveralOrAbsentThenAsNimbusWritesIt() throws Exception {
    JWTClaimsSet single = parsed(token().audience("filings-api").sign());
    JWTClaimsSet several = parsed(token().audience("filings-api", "billing").sign());
    JWTClaimsSet none = parsed(token().without("aud").sign());

    assertThat(Claims.of(single)).isEqualTo(before(single)).containsEntry("aud", "filings-api");
    assertThat(Claims.of(several)).isEqualTo(before(several)).containsEntry("aud", List.of("filings-api", "billing"));
    assertThat(Claims.of(none)).isEqualTo(before(none)).doesNotContainKey("aud");
  }

  @Test
  void ofWhenDatesNestedValuesAndNullsThenAsNimbusJsonObjectCopied() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("roles", new ArrayList<>(List.of("a", "b")));
    nested.put("gone", null);
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("https://idp").subject("alice")
        .expirationTime(new Date(1_800_000_000_123L)).issueTime(new Date(1_700_000_000_999L))
        .notBeforeTime(new Date(1_700_000_000_000L)).claim("auth_time", new Date(1_700_000_000_500L))
        .claim("realm_access", nested).claim("groups", new ArrayList<>(List.of("/t/acme", "/t/globex")))
        .claim("n", 42L).claim("d", 1.5).claim("b", true).claim("nothing", null).build();

    Map<String, Object> copy = Claims.of(claims);

    assertThat(copy).isEqualTo(before(claims)).containsEntry("exp", 1_800_000_000L).containsEntry("iat", 1_700_000_000L)
        .containsEntry("auth_time", 1_700_000_000L).doesNotContainKey("nothing");
    assertThat(copy.get("realm_access")).isEqualTo(Map.of("roles", List.of("a", "b")));
  }

  @SuppressWarnings("unchecked")
  @Test
  void ofWhenNimbusObjectsChangeAfterwardsThenTheCopyDoesNot() {
    List<Object> roles = new ArrayList<>(List.of("a"));
    Map<String, Object> realm = new LinkedHashMap<>(Map.of("roles", roles));
    List<Object> groups = new ArrayList<>(List.of("/t/acme"));
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("alice").claim("realm_access", realm)
        .claim("groups", groups).build();
    Map<String, Object> copy = Claims.of(claims);

    roles.add("admin");
    realm.put("extra", "x");
    groups.add("/t/globex");

    assertThat(copy.get("realm_access")).isEqualTo(Map.of("roles", List.of("a")));
    assertThat(copy.get("groups")).isEqualTo(List.of("/t/acme"));
    assertThatThrownBy(() -> copy.put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.remove("sub")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> copy.entrySet().iterator().next().setValue("mallory"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) copy.get("realm_access")).put("roles", List.of("admin")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) copy.get("groups")).add("/t/globex"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void validateWhenTokenVerifiedThenItsClaimsAreTheOneImmutableCopy() throws Exception {
    String token = token().claim("realm_access", Map.of("roles", List.of("filings-reader"))).sign();

    AuthenticatedToken t = validator().validate(token);

    assertThat(t.claims()).isEqualTo(before(parsed(token)));
    assertThat(new AuthenticatedToken(t.subject(), t.issuer(), t.audiences(), t.expiresAt(), t.claims(), t.actor(),
        t.tenantHints()).claims()).as("a copy made here is kept as it is").isSameAs(t.claims());
    assertThatThrownBy(() -> t.claims().put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void constructorWhenCallerPassesItsOwnMapThenItIsCopiedEvenIfUnmodifiable() {
    Map<String, Object> mutable = new LinkedHashMap<>();
    mutable.put("sub", "alice");
    mutable.put("groups", new ArrayList<>(List.of("/t/acme")));
    Map<String, Object> view = java.util.Collections.unmodifiableMap(mutable);

    AuthenticatedToken t = new AuthenticatedToken("alice", "https://idp", Set.of("api"), Instant.EPOCH, view,
        Actor.user("alice"), Set.of());
    mutable.put("sub", "mallory");

    assertThat(t.claims()).isNotSameAs(view).containsEntry("sub", "alice");
  }

  /** A string that is not ASCII is never a cache key: it cannot hit the entry of a token whose low bytes it shares. */
  @Test
  void validateWhenLookalikeOfACachedTokenWithANonAsciiCharacterThenRefusedNotServedFromCache() {
    AccessTokenValidator v = validator();
    String token = token().sign();
    v.validate(token);
    int at = token.indexOf('.') + 5;
    char original = token.charAt(at);
    String lookalike = token.substring(0, at) + (char) (0x100 | original) + token.substring(at + 1);

    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> v.validate(lookalike));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.MALFORMED);
    assertThat(v.validate(token).subject()).isNotNull();
  }
}
