package com.algosure.authz.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.algosure.audit.AuditSink;
import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.Directory;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.jwk.RSAKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several realms at once: each names its users and clients itself, so the same {@code sub} or {@code client_id} in
 * two realms must never be one actor. All issuers but one prefix their actor ids.
 */
class MultiIssuerActorIdTest extends ValidatorTestSupport {

  private static final String PARTNER = "partner";
  private final RSAKey partnerKey = TestKeys.rsa("partner-key");

  private PolicyDecisionPoint pdp() {
    return PolicyDecisionPoint.builder()
      .roleCatalog(RoleCatalog.builder().permissions("filings:read").role("reader", "filings:read").build())
      .directory(Directory.inMemory().organization("acme", "sales")
          .organizationRole("alice", "sales", "reader")
          .organizationRole("partner:bob", "sales", "reader")
          .build())
      .auditSink(AuditSink.inMemory()).clock(clock).build();
  }

  @BeforeEach
  void servePartnerRealm() {
    server.serve(PARTNER, partnerKey);
  }

  private AccessTokenValidator twoRealms() {
    return open(builder().issuer(realm().build())
        .issuer(server.trustedIssuer(PARTNER).audiences(AUDIENCE).actorIdPrefix(PARTNER)
            .mapping(KeycloakMapping.defaults()).build()));
  }

  private TestTokens.Minter partnerToken(String subject) {
    return TestTokens.accessToken(partnerKey, server.issuer(PARTNER), NOW).subject(subject);
  }

  private Effect readsSales(Actor actor) {
    return pdp().decide(AuthorizationRequest.builder().actor(actor).tenant("acme").organization("sales")
        .action("filings:read").resource(ResourceRef.type("filing")).build()).effect();
  }

  @Test
  void authenticateWhenAnotherRealmsUserHasTheSameSubjectThenItIsNotThatUser() {
    AccessTokenValidator v = twoRealms();

    Actor home = v.authenticate(token().subject("alice").sign());
    Actor impostor = v.authenticate(partnerToken("alice").sign());

    assertThat(home.id()).isEqualTo("alice");
    assertThat(impostor.id()).isEqualTo("partner:alice");
    assertThat(readsSales(home)).isEqualTo(Effect.PERMIT);
    assertThat(readsSales(impostor)).isEqualTo(Effect.DENY);
  }

  @Test
  void authenticateWhenThePartnerRealmsUserIsInTheDirectoryUnderItsPrefixThenPermitted() {
    Actor bob = twoRealms().authenticate(partnerToken("bob").sign());

    assertThat(bob).isInstanceOf(Actor.User.class);
    assertThat(readsSales(bob)).isEqualTo(Effect.PERMIT);
  }

  /**
   * The impersonator is a user of the same realm: named under the same prefix, so that the four-eyes check compares
   * them with approvers as the directory knows them (partner's dave is {@code partner:dave}, not home's dave).
   */
  @Test
  void authenticateWhenThePartnerRealmsTokenWasObtainedByImpersonationThenTheImpersonatorIsUnderThePrefixToo() {
    Actor bob = twoRealms().authenticate(partnerToken("bob")
        .claim("impersonator", java.util.Map.of("id", "dave", "username", "dave")).sign());
    Actor home = twoRealms().authenticate(token().subject("alice")
        .claim("impersonator", java.util.Map.of("id", "dave", "username", "dave")).sign());

    assertThat(bob.id()).isEqualTo("partner:bob");
    assertThat(bob.signals().impersonator()).contains("partner:dave");
    assertThat(home.signals().impersonator()).contains("dave");
  }

  /**
   * Regression: the earlier actors of a prefixed realm's delegation chain must be named under its prefix too, or the
   * four-eyes check would compare the partner's dave with the approver partner:dave and let him approve.
   */
  @Test
  void authenticateWhenAPrefixedRealmsTokenNamesADelegationChainThenEarlierActorsAreUnderItsPrefix() {
    Actor bob = twoRealms().authenticate(partnerToken("bob")
        .claim("act", java.util.Map.of("sub", "agent-1", "act", java.util.Map.of("sub", "dave"))).sign());
    Actor home = twoRealms().authenticate(token().subject("alice")
        .claim("act", java.util.Map.of("sub", "agent-1", "act", java.util.Map.of("sub", "dave"))).sign());

    assertThat(bob.signals().priorActors()).containsExactly("partner:dave");
    assertThat(home.signals().priorActors()).containsExactly("dave");
  }

  /** An unprefixed realm's impersonator named inside the partner's prefix would be taken for the partner's user. */
  @Test
  void authenticateWhenAnUnprefixedRealmsImpersonatorStartsWithAnotherIssuersPrefixThenRejected() {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class, () -> twoRealms().authenticate(
        token().subject("alice").claim("impersonator", java.util.Map.of("id", "Partner:dave")).sign()));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("impersonator", "'partner:'");
  }

  @Test
  void authenticateWhenAnotherRealmsClientHasTheSameClientIdThenItIsAServiceAccountUnderThePrefix() {
    Actor client = twoRealms().authenticate(partnerToken("3f7a-uuid").claim("preferred_username", "service-account-billing-worker")
        .claim("client_id", "billing-worker").sign());

    assertThat(client).isInstanceOf(Actor.ServiceAccount.class);
    assertThat(client.id()).isEqualTo("partner:billing-worker");
  }

  @Test
  void authenticateWhenTheHomeRealmNamesAnActorInsideAnotherRealmsPrefixThenRejected() {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
        () -> twoRealms().authenticate(token().subject("partner:bob").sign()));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("starts with 'partner:', the actor id prefix of another trusted issuer");
  }

  @Test
  void authenticateWhenTheHomeRealmNamesAnActorInsideAnotherRealmsPrefixInOtherCaseThenRejected() {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
        () -> twoRealms().authenticate(token().subject("PARTNER:bob").sign()));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
  }

  @Test
  void authenticateWhenThePrefixedIdIsTooLongThenRejectedAsAnInvalidClaim() {
    TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
        () -> twoRealms().authenticate(partnerToken("u".repeat(125)).sign()));

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(TokenRejectionReason.INVALID_CLAIM);
    assertThat(e.getMessage()).contains("with the issuer's prefix 'partner:' is not a valid id");
  }

  @Test
  void buildWhenTwoIssuersHaveNoPrefixThenRefusedSayingWhatToDo() {
    AccessTokenValidator.Builder b = builder().issuer(realm().build())
        .issuer(server.trustedIssuer(PARTNER).audiences(AUDIENCE).build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("both map their tokens to actor ids as they are")
        .hasMessageContaining("TrustedIssuer.Builder.actorIdPrefix(\"partner\")");
  }

  @Test
  void buildWhenAPrefixedIssuerHasNoMappingOfItsOwnThenRefusedSayingWhy() {
    AccessTokenValidator.Builder b = builder().issuer(realm().build())
        .issuer(server.trustedIssuer(PARTNER).audiences(AUDIENCE).actorIdPrefix(PARTNER).build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("(actor id prefix 'partner') has no mapping of its own")
        .hasMessageContaining("TrustedIssuer.Builder.mapping(...)");
  }

  @Test
  void authenticateWhenThePartnerRealmAssignsItselfTheHomeRealmsPlatformRoleThenItsOwnMappingGivesItNothing() {
    // the home realm's mapping makes its realm role platform-admin Algosure's platform-admin; the partner realm's
    // administrators can give their users a realm role of that name too
    AccessTokenValidator v = open(builder().mapping(KeycloakMapping.builder().realmRole("platform-admin", "platform-admin").build())
        .issuer(realm().build())
        .issuer(server.trustedIssuer(PARTNER).audiences(AUDIENCE).actorIdPrefix(PARTNER)
            .mapping(KeycloakMapping.defaults()).build()));

    Actor home = v.authenticate(token().subject("root").claim("realm_access",
        java.util.Map.of("roles", java.util.List.of("platform-admin"))).sign());
    Actor partner = v.authenticate(partnerToken("mallory").claim("realm_access",
        java.util.Map.of("roles", java.util.List.of("platform-admin"))).sign());

    assertThat(home.signals().roles()).extracting(Object::toString).containsExactly("platform-admin");
    assertThat(partner.signals().roles()).isEmpty();
  }

  @Test
  void buildWhenTwoIssuersShareAPrefixThenRefused() {
    AccessTokenValidator.Builder b = builder().issuer(realm().actorIdPrefix("p").build())
        .issuer(server.trustedIssuer(PARTNER).audiences(AUDIENCE).actorIdPrefix("P").build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("have the same actor id prefix 'P' (ignoring case)");
  }

  @Test
  void actorIdPrefixWhenItCouldOverlapAnotherPrefixOrIdThenRefused() {
    for (String bad : new String[] {"", "a:b", "a/b", "a@b", "x".repeat(33), "é"}) {
      assertThatThrownBy(() -> realm().actorIdPrefix(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("use 1 to 32 letters, digits, '.', '_' or '-'");
    }
    assertThatThrownBy(() -> realm().actorIdPrefix("a").actorIdPrefix("b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void validateWhenOneIssuerOnlyThenActorIdsStayAsTheyAre() {
    assertThat(validator().authenticate(token().subject("alice").sign()).id()).isEqualTo("alice");
  }
}
