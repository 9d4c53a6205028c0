package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.authz.token.TokenRejectedException;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.authz.token.KeycloakMapping;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryIdempotencyStore;
import com.algosure.integration.spi.InMemoryRateLimitStore;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.testing.TestJwksServer;
import com.algosure.testing.TestKeys;
import com.algosure.testing.TestTokens;
import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

class AlgosurePropertiesTests {

  private static final String ISSUER = "algosure.issuers[0].issuer-uri=https://sso.example.com/realms/algosure";
  private static final String AUDIENCE = "algosure.issuers[0].audiences=filings-api";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AlgosureTokenAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  /** The integration auto-configuration with one provider, so that the guard and its stores are made. */
  private ApplicationContextRunner withProvider(String... properties) {
    return runner.withConfiguration(AutoConfigurations.of(AlgosureIntegrationAutoConfiguration.class))
        .withPropertyValues("algosure.providers.authority.endpoint=https://authority.example.com",
            "algosure.providers.authority.actions=filings:submit")
        .withPropertyValues(properties);
  }

  private void failsWith(String message, String... properties) {
    runner.withPropertyValues(properties).run(context -> assertThat(context).getFailure().rootCause()
        .isInstanceOf(InvalidAlgosureConfigurationException.class).hasMessage(message));
  }

  @Test
  void bindWhenFullConfigurationThenEveryValueIsBound() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].algorithms=RS256,ES256",
            "algosure.tokens.clock-skew=10s", "algosure.keycloak.trusted-tenant-claim=tenant_id",
            "algosure.keycloak.realm-roles.platform-admin=platform-admin",
            "algosure.keycloak.group-patterns=/tenants/{tenant}/org-{org}",
            "algosure.web.organization-header=X-Org", "algosure.providers.authority.endpoint=https://authority.example.com/filings",
            "algosure.providers.authority.consent-scope=GOVERNMENT_RECORDS", "algosure.providers.authority.actions=filings:submit",
            "algosure.providers.authority.retry.max-attempts=5",
            "algosure.providers.authority.rate-limit.requests=20", "algosure.providers.authority.rate-limit.per=1m")
        .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("keycloak-mapping",
            Map.of("algosure.keycloak.client-roles.filings-api.[filings:read]", "filing-viewer"))))
        .run(context -> {
          AlgosureProperties p = context.getBean(AlgosureProperties.class);
          assertThat(p.getIssuers()).singleElement().satisfies(i -> {
            assertThat(i.getAlgorithms()).containsExactly("RS256", "ES256");
            assertThat(p.getTokens().getClockSkew()).isEqualTo(Duration.ofSeconds(10));
          });
          assertThat(p.getKeycloak().getClientRoles().get("filings-api")).containsEntry("filings:read", java.util.List.of("filing-viewer"));
          assertThat(p.getWeb().getOrganizationHeader()).isEqualTo("X-Org");
          AlgosureProperties.Provider authority = p.getProviders().get("authority");
          assertThat(authority.getRetry().getMaxAttempts()).isEqualTo(5);
          assertThat(authority.getRateLimit().getPer()).isEqualTo(Duration.ofMinutes(1));
        });
  }

  @Test
  void bindWhenAlgorithmsNotSetThenTheCoreDefaultsAreAcceptedAndAnEs256TokenValidates() {
    try (TestJwksServer jwks = TestJwksServer.start()) {
      ECKey key = TestKeys.ec("ec-default");
      jwks.serve(TestJwksServer.REALM, key);
      String issuer = jwks.issuer(TestJwksServer.REALM);
      runner.withPropertyValues("algosure.issuers[0].issuer-uri=" + issuer, AUDIENCE)
          .run(context -> {
            assertThat(context.getBean(AlgosureProperties.class).getIssuers().get(0).getAlgorithms())
                .containsExactly("RS256", "PS256", "ES256");
            String token = TestTokens.accessToken(key, issuer, Instant.now()).sign();
            assertThat(context.getBean(AccessTokenValidator.class).validate(token).subject())
                .isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf");
          });
    }
  }

  @Test
  void bindWhenAllowCertificateBoundTokensThenTheIssuerAcceptsATokenBoundToACertificate() {
    try (TestJwksServer jwks = TestJwksServer.start()) {
      ECKey key = TestKeys.ec("ec-default");
      jwks.serve(TestJwksServer.REALM, key);
      String issuer = jwks.issuer(TestJwksServer.REALM);
      String bound = TestTokens.accessToken(key, issuer, Instant.now())
          .claim("cnf", Map.of("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2")).sign();
      runner.withPropertyValues("algosure.issuers[0].issuer-uri=" + issuer, AUDIENCE)
          .run(context -> assertThat(catchThrowable(() -> context.getBean(AccessTokenValidator.class).validate(bound)))
              .isInstanceOf(TokenRejectedException.class));
      runner.withPropertyValues("algosure.issuers[0].issuer-uri=" + issuer, AUDIENCE,
              "algosure.issuers[0].allow-certificate-bound-tokens=true")
          .run(context -> assertThat(context.getBean(AccessTokenValidator.class).validate(bound).subject())
              .isEqualTo("c2ffedce-bc99-4867-a99d-2c5f752960bf"));
    }
  }

  @Test
  void validateWhenIssuerUsesPlainHttpToARemoteHostThenFails() {
    failsWith("algosure.issuers[0].issuer-uri: 'http://sso.example.com/realms/algosure' uses plain http: use https "
            + "(plain http is allowed only to a loopback host, for development)",
        "algosure.issuers[0].issuer-uri=http://sso.example.com/realms/algosure", AUDIENCE);
  }

  @Test
  void validateWhenIssuerUsesPlainHttpToLoopbackThenAccepted() {
    runner.withPropertyValues("algosure.issuers[0].issuer-uri=http://127.0.0.1:18180/realms/algosure", AUDIENCE)
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void validateWhenIssuerUriMissingThenFails() {
    failsWith("algosure.issuers[0].issuer-uri: missing: set it to the issuer of your tokens, such as "
        + "https://sso.example.com/realms/algosure", AUDIENCE);
  }

  @Test
  void validateWhenAudiencesEmptyThenFails() {
    runner.withPropertyValues(ISSUER).run(context -> assertThat(context).getFailure().rootCause()
        .hasMessageStartingWith("algosure.issuers[0].audiences: empty: list the audience(s) this service accepts"));
  }

  @Test
  void validateWhenAlgorithmIsHmacThenFails() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].algorithms=HS256")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageStartingWith("algosure.issuers[0].algorithms: 'HS256' is not allowed: use asymmetric signature algorithms only"));
  }

  @Test
  void bindWhenMaxTokenLifetimeSetThenBoundElseTheCoresDefault() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].max-token-lifetime=15m")
        .run(context -> assertThat(context.getBean(AlgosureProperties.class).getIssuers().get(0).getMaxTokenLifetime())
            .isEqualTo(Duration.ofMinutes(15)));
    runner.withPropertyValues(ISSUER, AUDIENCE)
        .run(context -> assertThat(context.getBean(AlgosureProperties.class).getIssuers().get(0).getMaxTokenLifetime())
            .isEqualTo(TrustedIssuer.DEFAULT_MAX_TOKEN_LIFETIME));
  }

  @Test
  void bindWhenTwoIssuersAndThePartnerHasAnActorIdPrefixThenBothAreTrusted() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[1].issuer-uri=https://sso.example.com/realms/partner",
            "algosure.issuers[1].audiences=filings-api", "algosure.issuers[1].actor-id-prefix=partner",
            "algosure.issuers[1].mapping-location=classpath:algosure/keycloak-mapping.json")
        .run(context -> assertThat(context.getBean(AccessTokenValidator.class).trustedIssuers())
            .containsExactlyInAnyOrder("https://sso.example.com/realms/algosure", "https://sso.example.com/realms/partner"));
  }

  @Test
  void validateWhenThePrefixedIssuerHasNoMappingOfItsOwnThenStartUpFailsSayingWhy() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[1].issuer-uri=https://sso.example.com/realms/partner",
            "algosure.issuers[1].audiences=filings-api", "algosure.issuers[1].actor-id-prefix=partner")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.issuers: issuer https://sso.example.com/realms/partner (actor id prefix"
                + " 'partner') has no mapping of its own"));
  }

  @Test
  void validateWhenAnIssuersMappingLocationDoesNotExistThenFailsNamingTheProperty() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].mapping-location=classpath:algosure/nowhere.json")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.issuers[0].mapping-location: class path resource [algosure/nowhere.json]"
                + " does not exist"));
  }

  @Test
  void validateWhenTwoIssuersWithoutActorIdPrefixThenStartUpFailsSayingWhichPropertyToSet() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[1].issuer-uri=https://sso.example.com/realms/partner",
            "algosure.issuers[1].audiences=filings-api")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining(InvalidAlgosureConfigurationException.class.getName() + ": algosure.issuers: issuers"
                + " https://sso.example.com/realms/algosure and https://sso.example.com/realms/partner both map their"
                + " tokens to actor ids as they are"));
  }

  @Test
  void validateWhenActorIdPrefixIsInvalidThenFailsNamingTheProperty() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].actor-id-prefix=partner:x")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining(InvalidAlgosureConfigurationException.class.getName()
                + ": algosure.issuers[0].actor-id-prefix: actorIdPrefix 'partner:x' of issuer"));
  }

  @Test
  void validateWhenMaxTokenLifetimeIsNotPositiveThenFailsNamingTheProperty() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].max-token-lifetime=0s")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining(InvalidAlgosureConfigurationException.class.getName()
                + ": algosure.issuers[0].max-token-lifetime: maxTokenLifetime must be positive, was PT0S"));
  }

  @Test
  void validateWhenAlgorithmIsNoneThenFails() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.issuers[0].algorithms=none")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageStartingWith("algosure.issuers[0].algorithms: 'none' is not allowed"));
  }

  @Test
  void validateWhenClockSkewOverFiveMinutesThenFails() {
    failsWith("algosure.tokens.clock-skew: must be whole seconds between 0s and 5m, was PT10M",
        ISSUER, AUDIENCE, "algosure.tokens.clock-skew=10m");
  }

  @Test
  void validateWhenAJwksOrTokenCacheSettingIsOutOfRangeThenFailsNamingTheProperty() {
    // each reaches the validator's builder, whose own check fails start-up under the property's name
    failsNaming("algosure.tokens.jwks-refresh-min-interval: jwksRefreshMinInterval must be at least PT1S, was PT0S",
        "algosure.tokens.jwks-refresh-min-interval=0s");
    failsNaming("algosure.tokens.jwks-cache-ttl: jwksCacheTtl must be at least PT1S, was PT0.5S",
        "algosure.tokens.jwks-cache-ttl=500ms");
    failsNaming("algosure.tokens.jwks-refresh-ahead: jwksRefreshAhead must be at least PT0S, was PT-1S",
        "algosure.tokens.jwks-refresh-ahead=-1s");
    failsNaming("algosure.tokens.jwks-outage-grace: jwksOutageGrace must be at least PT0S, was PT-1S",
        "algosure.tokens.jwks-outage-grace=-1s");
    failsNaming("algosure.tokens.cache-maximum-size: tokenCacheMaximumSize must not be negative, was -1",
        "algosure.tokens.cache-maximum-size=-1");
    failsNaming("algosure.tokens.cache-maximum-age: ", "algosure.tokens.cache-maximum-age=-1s");
  }

  /** Start-up fails with the adapter's exception for the property, whose message starts so. */
  private void failsNaming(String messageStart, String property) {
    runner.withPropertyValues(ISSUER, AUDIENCE, property).run(context -> {
      Throwable t = context.getStartupFailure();
      while (t != null && !(t instanceof InvalidAlgosureConfigurationException)) {
        t = t.getCause();
      }
      assertThat(t).as("start-up with %s fails with InvalidAlgosureConfigurationException", property).isNotNull();
      assertThat(t.getMessage()).startsWith(messageStart);
    });
  }

  @Test
  void validateWhenJwksAndTokenCacheSettingsAreInRangeThenTheValidatorStarts() {
    runner.withPropertyValues(ISSUER, AUDIENCE, "algosure.tokens.jwks-cache-ttl=2m", "algosure.tokens.jwks-refresh-ahead=10s",
            "algosure.tokens.jwks-refresh-min-interval=5s", "algosure.tokens.jwks-outage-grace=0s",
            "algosure.tokens.cache-maximum-size=0", "algosure.tokens.cache-maximum-age=1m")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(com.algosure.authz.token.AccessTokenValidator.class);
          AlgosureProperties.Tokens t = context.getBean(AlgosureProperties.class).getTokens();
          assertThat(t.getJwksCacheTtl()).isEqualTo(java.time.Duration.ofMinutes(2));
          assertThat(t.getJwksOutageGrace()).isZero();
          assertThat(t.getCacheMaximumSize()).isZero();
        });
  }

  @Test
  void validateWhenIssuerListedTwiceThenFails() {
    failsWith("algosure.issuers[1].issuer-uri: 'https://sso.example.com/realms/algosure' is configured twice: list each issuer once",
        ISSUER, AUDIENCE, "algosure.issuers[1].issuer-uri=https://sso.example.com/realms/algosure",
        "algosure.issuers[1].audiences=other");
  }

  @Test
  void validateWhenProviderEndpointIsPlainHttpThenFails() {
    failsWith("algosure.providers.authority.endpoint: 'http://authority.example.com' uses plain http: use https (plain http "
            + "is allowed only to a loopback host with algosure.providers.authority.allow-loopback-http=true, for tests)",
        "algosure.providers.authority.endpoint=http://authority.example.com", "algosure.providers.authority.actions=filings:submit");
  }

  /**
   * Regression: a provider endpoint of plain http to a host the guard's transport policy does not count as loopback (an
   * IPv4-mapped address, a single-number IPv4 form, both of which the JDK parses as 127.0.0.1) passed the
   * properties' check, which resolved the literal; the guard then refused it while being built, without naming the
   * property. The providers' check is now the guard's own rule.
   */
  @ParameterizedTest
  @ValueSource(strings = {"[::ffff:7f00:1]", "[::ffff:127.0.0.1]", "2130706433"})
  void validateWhenProviderEndpointIsPlainHttpToALoopbackFormTheGuardRefusesThenFailsNamingIt(String host) {
    failsWith("algosure.providers.authority.endpoint: 'http://" + host + ":8089/filings' uses plain http: use https (plain "
            + "http is allowed only to a loopback host with algosure.providers.authority.allow-loopback-http=true, for "
            + "tests)",
        "algosure.providers.authority.endpoint=http://" + host + ":8089/filings",
        "algosure.providers.authority.actions=filings:submit", "algosure.providers.authority.allow-loopback-http=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "127.0.0.1", "127.8.9.10", "[::1]", "[0:0:0:0:0:0:0:1]"})
  void guardWhenProviderEndpointIsPlainHttpToLoopbackAndAllowedThenTheGuardIsBuilt(String host) {
    withProvider("algosure.providers.authority.endpoint=http://" + host + ":8089/filings",
            "algosure.providers.authority.allow-loopback-http=true")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(IntegrationGuard.class));
  }

  @Test
  void validateWhenProviderEndpointIsLoopbackHttpAndAllowedThenAccepted() {
    runner.withPropertyValues("algosure.providers.authority.endpoint=http://127.0.0.1:8089/filings",
            "algosure.providers.authority.actions=filings:submit", "algosure.providers.authority.allow-loopback-http=true")
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void guardWhenProviderBackoffsInvertedThenStartupFailsNamingTheProperty() {
    withProvider("algosure.providers.authority.retry.initial-backoff=5s")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.providers.authority.retry: backoff initial (PT5S) must be below max (PT2S)"));
  }

  @Test
  void guardWhenProviderAllowsAnotherOriginThenBoundAndTheGuardIsBuilt() {
    withProvider("algosure.providers.authority.allowed-origins=https://authority.tenant.example,https://10.0.0.5:8443")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(IntegrationGuard.class);
          assertThat(context.getBean(AlgosureProperties.class).getProviders().get("authority").getAllowedOrigins())
              .containsExactly(URI.create("https://authority.tenant.example"), URI.create("https://10.0.0.5:8443"));
        });
  }

  @Test
  void validateWhenAnAllowedOriginIsPlainHttpAndOnlyAnotherProviderAllowsLoopbackHttpThenFailsNamingIt() {
    failsWith("algosure.providers.b.allowed-origins[0]: 'http://127.0.0.1:9999' uses plain http: use https (plain http "
            + "is allowed only to a loopback host with algosure.providers.b.allow-loopback-http=true, for tests)",
        "algosure.providers.a.endpoint=http://127.0.0.1:8089/a", "algosure.providers.a.allow-loopback-http=true",
        "algosure.providers.a.actions=filings:submit",
        "algosure.providers.b.endpoint=https://b.example.com", "algosure.providers.b.actions=filings:read",
        "algosure.providers.b.allowed-origins=http://127.0.0.1:9999");
  }

  @Test
  void guardWhenAnAllowedOriginHasAPathThenStartupFailsNamingTheProperty() {
    withProvider("algosure.providers.authority.allowed-origins=https://authority.tenant.example/filings")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.providers.authority.allowed-origins[0]: allowedOrigin must be scheme, host and "
                + "optional port only"));
  }

  @Test
  void idempotencyStoreWhenHostHasNoneThenInMemoryBoundedByTheProperty() {
    withProvider("algosure.idempotency.maximum-keys=250000")
        .run(context -> assertThat(context).hasNotFailed().getBean(IdempotencyStore.class)
            .isInstanceOfSatisfying(InMemoryIdempotencyStore.class, s -> assertThat(s.maximumKeys()).isEqualTo(250_000)));
  }

  @Test
  void idempotencyStoreWhenPerTenantPropertySetThenEachTenantIsBoundedByIt() {
    withProvider("algosure.idempotency.maximum-keys=250000", "algosure.idempotency.maximum-keys-per-tenant=20000")
        .run(context -> assertThat(context).hasNotFailed().getBean(IdempotencyStore.class)
            .isInstanceOfSatisfying(InMemoryIdempotencyStore.class, s -> {
              assertThat(s.maximumKeys()).isEqualTo(250_000);
              assertThat(s.maximumKeysPerTenant()).isEqualTo(20_000);
            }));
    withProvider("algosure.idempotency.maximum-keys=250000")
        .run(context -> assertThat(context.getBean(IdempotencyStore.class))
            .isInstanceOfSatisfying(InMemoryIdempotencyStore.class,
                s -> assertThat(s.maximumKeysPerTenant()).as("half the store when not set").isEqualTo(125_000)));
  }

  @Test
  void validateWhenIdempotencyMaximumKeysPerTenantBelowOneOrAboveTheStoresThenFails() {
    failsWith("algosure.idempotency.maximum-keys-per-tenant: must be at least 1, was 0: size it for one tenant's call"
        + " rate times the idempotency time to live, below algosure.idempotency.maximum-keys so one tenant cannot fill"
        + " the store for the others", "algosure.idempotency.maximum-keys-per-tenant=0");
    failsWith("algosure.idempotency.maximum-keys-per-tenant: must be at most algosure.idempotency.maximum-keys (1000),"
        + " was 1001: size it for one tenant's call rate times the idempotency time to live, below"
        + " algosure.idempotency.maximum-keys so one tenant cannot fill the store for the others",
        "algosure.idempotency.maximum-keys=1000", "algosure.idempotency.maximum-keys-per-tenant=1001");
  }

  @Test
  void idempotencyStoreWhenPropertyNotSetThenTheDefaultBoundAndTheHostsStoreWins() {
    withProvider()
        .run(context -> assertThat(context.getBean(IdempotencyStore.class))
            .isInstanceOfSatisfying(InMemoryIdempotencyStore.class, s -> {
              // 200,000 since tenants are bounded: one tenant keeps the 100,000 the whole store held before
              assertThat(s.maximumKeys()).isEqualTo(200_000);
              assertThat(s.maximumKeysPerTenant()).isEqualTo(100_000);
            }));
    InMemoryIdempotencyStore hosts = IdempotencyStore.inMemory(java.time.Clock.systemUTC(), 7);
    withProvider("algosure.idempotency.maximum-keys=250000")
        .withBean(IdempotencyStore.class, () -> hosts)
        .run(context -> assertThat(context.getBean(IdempotencyStore.class)).isSameAs(hosts));
  }

  @Test
  void propertiesWhenANameIsMisspelledThenStartupFailsNamingItInsteadOfUsingTheDefault() {
    // with the typo ignored, the default amr values (otp, mfa, hwk) counted as MFA where only hwk was meant to
    runner.withPropertyValues("algosure.keycloak.mfa-amr-value=hwk")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.keycloak.mfa-amr-value")
            .hasStackTraceContaining("were left unbound"));
  }

  @Test
  void propertiesWhenAProvidersPropertyIsMisspelledThenStartupFailsNamingIt() {
    // with the typo ignored, the provider's actions needed no consent
    withProvider("algosure.providers.authority.consent-scop=GOVERNMENT_RECORDS")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.providers.authority.consent-scop"));
  }

  @Test
  void guardWhenHostDeclaresTwoIdempotencyStoresAndNoneIsPrimaryThenStartupFailsNamingThem() {
    // the guard took neither and made its own in-memory store: each instance then claimed keys on its own
    withProvider()
        .withBean("shared", IdempotencyStore.class, () -> IdempotencyStore.inMemory(java.time.Clock.systemUTC(), 7))
        .withBean("callbacks", IdempotencyStore.class, () -> IdempotencyStore.inMemory(java.time.Clock.systemUTC(), 7))
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOf(InvalidAlgosureConfigurationException.class)
            .hasMessage("com.algosure.integration.spi.IdempotencyStore beans: 2 found (shared, callbacks) and none is"
                + " @Primary: mark the one Algosure should use @Primary, or declare only one"));
  }

  @Test
  void guardWhenHostDeclaresTwoEscalationHandlersAndNoneIsPrimaryThenStartupFails() {
    // else unknown provider states went to a log line instead of either of the host's workflows
    withProvider()
        .withBean("filingsDesk", EscalationHandler.class, () -> e -> { })
        .withBean("paymentsDesk", EscalationHandler.class, () -> e -> { })
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageStartingWith("com.algosure.integration.spi.EscalationHandler beans: 2 found (filingsDesk, paymentsDesk)"));
  }

  @Test
  void guardWhenHostDeclaresTwoIdempotencyStoresOnePrimaryThenStarts() {
    InMemoryIdempotencyStore primary = IdempotencyStore.inMemory(java.time.Clock.systemUTC(), 7);
    withProvider()
        .withBean("shared", IdempotencyStore.class, () -> primary, d -> d.setPrimary(true))
        .withBean("callbacks", IdempotencyStore.class, () -> IdempotencyStore.inMemory(java.time.Clock.systemUTC(), 7))
        .run(context -> assertThat(context).hasNotFailed());
  }

  @Test
  void decisionPointWhenHostDeclaresTwoApprovalStoresAndNoneIsPrimaryThenStartupFails() {
    runner.withBean("a", ApprovalStore.class, ApprovalStore::inMemory).withBean("b", ApprovalStore.class, ApprovalStore::inMemory)
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageStartingWith("com.algosure.authz.spi.ApprovalStore beans: 2 found (a, b)"));
  }

  @Test
  void validateWhenIdempotencyMaximumKeysBelowOneThenFails() {
    failsWith("algosure.idempotency.maximum-keys: must be at least 1, was 0: size it for your call rate times the"
        + " idempotency time to live (about 160-250 bytes a key), or define an IdempotencyStore bean (JDBC or Redis)",
        "algosure.idempotency.maximum-keys=0");
  }

  @Test
  void rateLimitStoreWhenHostHasNoneThenInMemoryBoundedByTheProperty() {
    withProvider("algosure.rate-limit.maximum-keys=250000")
        .run(context -> assertThat(context).hasNotFailed().getBean(RateLimitStore.class)
            .isInstanceOfSatisfying(InMemoryRateLimitStore.class, s -> assertThat(s.maximumKeys()).isEqualTo(250_000)));
  }

  @Test
  void rateLimitStoreWhenPropertyNotSetThenTheDefaultBoundAndTheHostsStoreWins() {
    withProvider()
        .run(context -> assertThat(context.getBean(RateLimitStore.class))
            .isInstanceOfSatisfying(InMemoryRateLimitStore.class, s -> assertThat(s.maximumKeys()).isEqualTo(100_000)));
    InMemoryRateLimitStore hosts = RateLimitStore.inMemory(7);
    withProvider("algosure.rate-limit.maximum-keys=250000")
        .withBean(RateLimitStore.class, () -> hosts)
        .run(context -> assertThat(context.getBean(RateLimitStore.class)).isSameAs(hosts));
  }

  @Test
  void validateWhenRateLimitMaximumKeysBelowOneThenFails() {
    failsWith("algosure.rate-limit.maximum-keys: must be at least 1, was 0: size it for the tenant x provider keys used"
        + " within the longer of their limit's period and an hour, or define a RateLimitStore bean (Redis)",
        "algosure.rate-limit.maximum-keys=0");
  }

  @Test
  void validateWhenProviderHasNoActionsThenFails() {
    failsWith("algosure.providers.authority.actions: empty: list the actions (permissions) this service calls the provider "
        + "for, such as filings:submit", "algosure.providers.authority.endpoint=https://authority.example.com");
  }

  @Test
  void validateWhenConsentScopeNotAScopeNameThenFails() {
    failsWith("algosure.providers.authority.consent-scope: 'government records' is not a consent scope: use an upper-case "
            + "name such as GOVERNMENT_RECORDS",
        "algosure.providers.authority.endpoint=https://authority.example.com",
        "algosure.providers.authority.actions=filings:submit", "algosure.providers.authority.consent-scope=government records");
  }

  @Test
  void validateWhenKeycloakMappingFileAndInlineRulesThenFails() {
    failsWith("algosure.keycloak.mapping-location: set together with inline mapping properties (realm-roles, client-roles, "
            + "group-patterns, claims, mfa): use one or the other",
        "algosure.keycloak.mapping-location=classpath:mapping.json", "algosure.keycloak.trusted-tenant-claim=tenant_id");
  }

  @Test
  void mappingWhenGroupPatternNamesNoPlaceholderThenStartupFailsNamingTheProperty() {
    runner.withPropertyValues("algosure.keycloak.group-patterns=/tenants/acme").run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("algosure.keycloak.group-patterns[0]: ").hasStackTraceContaining("/tenants/acme"));
  }

  @Test
  void mappingWhenLoadedFromFileThenMapsRolesAndHints() {
    runner.withPropertyValues("algosure.keycloak.mapping-location=classpath:algosure/keycloak-mapping.json")
        .run(context -> assertThat(context.getBean(KeycloakMapping.class).toString()).contains("platform-admin"));
  }

  @Test
  void mappingWhenFileMissingThenStartupFailsNamingTheProperty() {
    runner.withPropertyValues("algosure.keycloak.mapping-location=classpath:algosure/none.json").run(context -> assertThat(context)
        .getFailure().hasStackTraceContaining("algosure.keycloak.mapping-location: class path resource [algosure/none.json] does not exist"));
  }

  @Test
  void validatorWhenIssuerConfiguredThenTrustsItWithKeycloakJwksPath() {
    runner.withPropertyValues(ISSUER, AUDIENCE).run(context ->
        assertThat(context.getBean(AccessTokenValidator.class).trustedIssuers()).containsExactly("https://sso.example.com/realms/algosure"));
  }

  @Test
  void validatorWhenNoIssuerConfiguredThenNotCreated() {
    runner.run(context -> assertThat(context).doesNotHaveBean(AccessTokenValidator.class));
  }

  /** Regression: documented as "empty for none", an empty value failed start-up, calling it an invalid header name. */
  @Test
  void bindWhenOrganizationParameterIsEmptyThenNoParameterIsRead() {
    runner.withPropertyValues("algosure.web.organization-parameter=").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(AlgosureProperties.class).getWeb().getOrganizationParameter()).isNull();
    });
  }

  @Test
  void validateWhenOrganizationParameterIsNotAParameterNameThenFailsCallingItOne() {
    failsWith("algosure.web.organization-parameter: 'org id' is not a valid query parameter name",
        "algosure.web.organization-parameter=org id");
  }

  @Test
  void validateWhenOrganizationHeaderIsNotAHeaderNameThenFails() {
    failsWith("algosure.web.organization-header: 'X Org' is not a valid HTTP header name",
        "algosure.web.organization-header=X Org");
  }

  /**
   * Regression: a public path that matches every path (such as /**) was taken as it came, and the default chain then
   * let every request through without a token, every endpoint without its own @Authorize open to anyone.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/**", "/{*rest}", "/*/**"})
  void validateWhenAPublicPathOpensEveryPathThenFails(String pattern) {
    failsWith("algosure.web.public-paths[1]: '" + pattern + "' matches every path, so the default security filter chain "
        + "would let every request through without a token: list only the paths that must be open, such as "
        + "/api/callbacks/**, or declare your own SecurityFilterChain if the service really needs no token anywhere",
        "algosure.web.public-paths=/public/**," + pattern);
  }

  /**
   * Regression: each public path was checked alone, so paths that each leave some path closed but together match every
   * path (one for the first level, one for every deeper path) were taken, and the default chain let every request
   * through without a token.
   */
  @Test
  void validateWhenPublicPathsTogetherOpenEveryPathThenFails() {
    failsWith("algosure.web.public-paths: '/*', '/*/*/**' together match every path, so the default security filter "
        + "chain would let every request through without a token: list only the paths that must be open, such as "
        + "/api/callbacks/**, or declare your own SecurityFilterChain if the service really needs no token anywhere",
        "algosure.web.public-paths=/public/**,/*,/api/callbacks/**,/*/*/**");
  }

  @Test
  void validateWhenAPublicPathIsNotAValidPatternThenFailsNamingIt() {
    runner.withPropertyValues("algosure.web.public-paths=/api/**/callbacks").run(context -> assertThat(context)
        .getFailure().rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("algosure.web.public-paths[0]: '/api/**/callbacks' is not a valid path pattern ("));
  }

  @Test
  void validateWhenPublicPathsOpenOnlySomePathsThenBound() {
    runner.withPropertyValues("algosure.web.public-paths=/public/**,/api/callbacks/*,/,/actuator/health")
        .run(context -> assertThat(context.getBean(AlgosureProperties.class).getWeb().getPublicPaths())
            .containsExactly("/public/**", "/api/callbacks/*", "/", "/actuator/health"));
  }
}
