package com.algosure.examples.filings.dev;

import com.algosure.authz.token.KeycloakMapping;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * DEVELOPMENT ONLY. The embedded development issuer, on when no {@code algosure.issuers} are configured (or
 * when {@code filings.development-issuer.enabled=true}); starting with it and a real issuer fails, and so does
 * starting with it on a {@code server.address} other than loopback (its tokens are for anyone who asks). Listening on
 * loopback is not enough behind a reverse proxy or tunnel on the same host: {@link DevelopmentController} also refuses
 * a token request that carries a proxy's headers or is not addressed to a loopback name.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DevelopmentConfiguration.Enabled.class)
public class DevelopmentConfiguration {

  /** Created by Spring. */
  public DevelopmentConfiguration() {}

  /**
   * @param mapping the Keycloak mapping the example is configured with
   * @param environment the environment (for the server's port)
   * @param clock the clock
   * @return the development issuer; also the bearer-token authenticator
   */
  @Bean
  public DevelopmentIssuer developmentIssuer(KeycloakMapping mapping, Environment environment, Clock clock) {
    return new DevelopmentIssuer(users(), mapping, environment, clock);
  }

  private static Map<String, JsonNode> users() {
    try (InputStream in = new ClassPathResource("filings/dev-users.json").getInputStream()) {
      Map<String, JsonNode> users = new LinkedHashMap<>();
      new ObjectMapper().readTree(in).properties().forEach(e -> users.put(e.getKey(), e.getValue()));
      return users;
    } catch (IOException e) {
      throw new IllegalStateException("could not read filings/dev-users.json", e);
    }
  }

  private static boolean loopback(@Nullable String address) {
    if (address == null || address.isBlank()) {
      return false; // every interface
    }
    try {
      return InetAddress.getByName(address.strip()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * On when asked for, or when no issuer is configured; refuses to be on together with a real issuer, or with a
   * server that listens on more than loopback.
   */
  static final class Enabled extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      boolean issuers = env.containsProperty("algosure.issuers[0].issuer-uri");
      String explicit = env.getProperty("filings.development-issuer.enabled");
      if ("true".equalsIgnoreCase(explicit) && issuers) {
        throw new InvalidAlgosureConfigurationException("filings.development-issuer.enabled",
            "true while algosure.issuers is configured: the development issuer can never run beside a real issuer; remove one");
      }
      boolean on = explicit == null ? !issuers : Boolean.parseBoolean(explicit);
      if (on && !loopback(env.getProperty("server.address"))) {
        // anyone who reaches /dev/tokens gets a token for any demo user, carol's platform-admin with MFA included
        throw new InvalidAlgosureConfigurationException("server.address",
            "not a loopback address while the development issuer is on: it mints tokens for anyone who can reach "
                + "/dev/tokens; serve on 127.0.0.1 (the default) or configure algosure.issuers");
      }
      return on ? ConditionOutcome.match("development issuer on (no algosure.issuers configured or explicitly enabled)")
          : ConditionOutcome.noMatch("a real issuer is configured");
    }
  }
}
