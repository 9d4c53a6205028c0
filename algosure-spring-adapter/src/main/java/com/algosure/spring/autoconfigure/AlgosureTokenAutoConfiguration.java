package com.algosure.spring.autoconfigure;

import com.algosure.authz.token.AccessTokenValidator;
import com.algosure.authz.token.InvalidKeycloakMappingException;
import com.algosure.authz.token.KeycloakMapping;
import com.algosure.authz.token.SigningAlgorithm;
import com.algosure.authz.token.TrustedIssuer;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;

/**
 * The core {@link AccessTokenValidator}, trusting the issuers of {@code algosure.issuers} and mapping their
 * tokens with the {@link KeycloakMapping} of {@code algosure.keycloak}. Both are replaceable beans; the
 * validator is only created when at least one issuer is configured.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = AlgosureAutoConfiguration.class)
@ConditionalOnClass(AccessTokenValidator.class)
@ConditionalOnBooleanProperty(name = "algosure.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AlgosureProperties.class)
public class AlgosureTokenAutoConfiguration {

  /** Created by Spring. */
  public AlgosureTokenAutoConfiguration() {}

  /**
   * @param properties the properties
   * @param environment the environment, whose role-mapping keys are checked as the host wrote them
   * @return the mapping from {@code algosure.keycloak.mapping-location} or the inline properties
   * @throws InvalidAlgosureConfigurationException naming the property whose rule is invalid, or a role-mapping key
   *     that Spring would bind as something else than written (one with characters other than letters, digits,
   *     '-' and '_' that is not in brackets)
   */
  @Bean
  @ConditionalOnMissingBean
  public KeycloakMapping algosureKeycloakMapping(AlgosureProperties properties, Environment environment) {
    MappingKeys.check(environment);
    AlgosureProperties.Keycloak k = properties.getKeycloak();
    Resource location = k.getMappingLocation();
    if (location != null) {
      return fromJson(location, "algosure.keycloak.mapping-location");
    }
    KeycloakMapping.Builder b = KeycloakMapping.builder();
    String at = "algosure.keycloak.";
    k.getRealmRoles().forEach((role, targets) -> targets.forEach(
        t -> ConfigurationSteps.step(at + "realm-roles." + role, () -> b.realmRole(role, t))));
    k.getClientRoles().forEach((client, roles) -> roles.forEach((role, targets) -> targets.forEach(
        t -> ConfigurationSteps.step(at + "client-roles." + client + ".[" + role + "]", () -> b.clientRole(client, role, t)))));
    indexed(k.getGroupPatterns(), at + "group-patterns", b::group);
    indexed(k.getTenantHintClaims(), at + "tenant-hint-claims", b::tenantHintClaim);
    indexed(k.getOrganizationClaims(), at + "organization-claims", b::organizationClaim);
    String trustedTenantClaim = k.getTrustedTenantClaim();
    if (trustedTenantClaim != null) {
      ConfigurationSteps.step(at + "trusted-tenant-claim", () -> b.trustedTenantClaim(trustedTenantClaim));
    }
    String serviceAccountPrefix = k.getServiceAccountUsernamePrefix();
    if (serviceAccountPrefix != null) {
      ConfigurationSteps.step(at + "service-account-username-prefix", () -> b.serviceAccountUsernamePrefix(serviceAccountPrefix));
    }
    List<String> mfaAmrValues = k.getMfaAmrValues();
    if (mfaAmrValues != null) {
      ConfigurationSteps.step(at + "mfa-amr-values", () -> b.mfaAmrValues(mfaAmrValues.toArray(String[]::new)));
    }
    List<String> mfaAcrValues = k.getMfaAcrValues();
    if (mfaAcrValues != null) {
      ConfigurationSteps.step(at + "mfa-acr-values", () -> b.mfaAcrValues(mfaAcrValues.toArray(String[]::new)));
    }
    return b.build();
  }

  /**
   * @param properties the properties
   * @param mapping the Keycloak mapping
   * @param clock a clock bean, if the host has one (else the UTC system clock)
   * @return the validator of every configured issuer's tokens; closed with the context
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "algosure.issuers[0].issuer-uri")
  public AccessTokenValidator algosureAccessTokenValidator(AlgosureProperties properties, KeycloakMapping mapping,
      ObjectProvider<Clock> clock) {
    AccessTokenValidator.Builder b = AccessTokenValidator.builder().mapping(mapping);
    List<AlgosureProperties.Issuer> issuers = properties.getIssuers();
    for (int i = 0; i < issuers.size(); i++) {
      AlgosureProperties.Issuer p = issuers.get(i);
      String at = "algosure.issuers[" + i + "]";
      TrustedIssuer.Builder ib = TrustedIssuer.builder(String.valueOf(p.getIssuerUri()))
          .jwksUri(p.effectiveJwksUri())
          .audiences(p.getAudiences().toArray(String[]::new))
          .algorithms(p.getAlgorithms().stream().map(a -> p.signingAlgorithm(a, at + ".algorithms"))
              .toArray(SigningAlgorithm[]::new));
      ConfigurationSteps.step(at + ".max-token-lifetime", () -> {
        if (p.getMaxTokenLifetime() == null) {
          throw new IllegalArgumentException("empty: set the longest an access token may be valid, such as 15m");
        }
        ib.maxTokenLifetime(p.getMaxTokenLifetime());
      });
      if (p.getMappingLocation() != null) {
        ib.mapping(fromJson(p.getMappingLocation(), at + ".mapping-location"));
      }
      String actorIdPrefix = p.getActorIdPrefix();
      if (actorIdPrefix != null) {
        ConfigurationSteps.step(at + ".actor-id-prefix", () -> {
          ib.actorIdPrefix(actorIdPrefix);
        });
      }
      if (p.isAllowCertificateBoundTokens()) {
        ib.allowCertificateBoundTokens(); // the host says its TLS-terminating gateway checks the binding
      }
      if ("http".equalsIgnoreCase(p.effectiveJwksUri().getScheme())) {
        ib.allowPlainHttpToLoopback(); // the properties allow http only to loopback hosts
      }
      b.issuer(ConfigurationSteps.step(at, ib::build));
    }
    AlgosureProperties.Tokens t = properties.getTokens();
    b.clockSkew(t.getClockSkew());
    // unset: the validator's defaults; set: its own checks, failing start-up with the property's name
    set("algosure.tokens.jwks-cache-ttl", t.getJwksCacheTtl(), b::jwksCacheTtl);
    set("algosure.tokens.jwks-refresh-ahead", t.getJwksRefreshAhead(), b::jwksRefreshAhead);
    set("algosure.tokens.jwks-refresh-min-interval", t.getJwksRefreshMinInterval(), b::jwksRefreshMinInterval);
    set("algosure.tokens.jwks-outage-grace", t.getJwksOutageGrace(), b::jwksOutageGrace);
    set("algosure.tokens.cache-maximum-size", t.getCacheMaximumSize(), b::tokenCacheMaximumSize);
    set("algosure.tokens.cache-maximum-age", t.getCacheMaximumAge(), b::tokenCacheMaximumAge);
    clock.ifUnique(b::clock);
    return ConfigurationSteps.step("algosure.issuers", b::build);
  }

  private static <T> void set(String property, @Nullable T value, Consumer<T> setter) {
    if (value != null) {
      ConfigurationSteps.step(property, () -> setter.accept(value));
    }
  }

  static KeycloakMapping fromJson(Resource location, String property) {
    if (!location.exists()) {
      throw new InvalidAlgosureConfigurationException(property, ResourceLocations.describe(location) + " does not exist");
    }
    KeycloakMapping mapping;
    try (InputStream in = location.getInputStream()) {
      mapping = KeycloakMapping.fromJson(in);
    } catch (InvalidKeycloakMappingException e) {
      throw new InvalidAlgosureConfigurationException(property, ResourceLocations.describe(location) + " is not a valid Keycloak mapping: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw ResourceLocations.unreadable(property, location, e);
    }
    return mapping;
  }

  private static void indexed(List<String> values, String property, java.util.function.Consumer<String> add) {
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      ConfigurationSteps.step(property + "[" + i + "]", () -> add.accept(v));
    }
  }
}
