package com.algosure.examples.filings;

import com.algosure.audit.AuditSink;
import com.algosure.authz.AgentGrant;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.TenantId;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.InMemoryApprovalStore;
import com.algosure.examples.filings.dev.StubAuthority;
import com.algosure.examples.filings.domain.AgentGrants;
import com.algosure.examples.filings.domain.AuthorityClient;
import com.algosure.examples.filings.domain.AuthoritySubmitter;
import com.algosure.examples.filings.domain.FilingPolicy;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.examples.filings.domain.FilingService;
import com.algosure.examples.filings.domain.HttpAuthorityClient;
import com.algosure.examples.filings.domain.Refusals;
import com.algosure.examples.filings.web.RequestBodyLimitFilter;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.StandardWebhooksVerifier;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.PolicyDecisionPointCustomizer;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.web.ProblemResponses;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The example's beans: its data (directory, agent grants, consents) from JSON, its approval store, its domain
 * policy, the authority (stub or HTTP), the callback guard for the authority's webhooks, and the filings service.
 * Everything the SDK itself needs comes from the adapter's auto-configuration and {@code algosure.*}.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FilingsProperties.class)
public class FilingsConfiguration {

  /** The secret reference of the authority's webhook secret, as it appears in audit records. */
  public static final SecretRef WEBHOOK_SECRET = SecretRef.of("authority/webhook-secret");

  /** The largest callback body the authority may send (the callback guard's default). */
  public static final int CALLBACK_MAX_BYTES = 256 * 1024;

  /** Reads the tenant from a callback's body as strictly as the payload validator does (no duplicate keys, nothing after). */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Created by Spring. */
  public FilingsConfiguration() {}

  /**
   * @param properties the properties
   * @param problems writes the refusal
   * @return the JSON API's body limit ({@code filings.max-request-body}), after authentication
   */
  @Bean
  public FilterRegistrationBean<RequestBodyLimitFilter> requestBodyLimit(FilingsProperties properties,
      ProblemResponses problems) {
    FilterRegistrationBean<RequestBodyLimitFilter> registration =
        new FilterRegistrationBean<>(new RequestBodyLimitFilter(properties.getMaxRequestBody(), problems));
    registration.addUrlPatterns("/api/*");
    return registration;
  }

  /** @return the clock every TTL and timestamp reads */
  @Bean
  public Clock clock() {
    return Clock.systemUTC();
  }

  /** @param properties the properties @return the directory from {@code filings.directory} */
  @Bean
  public Directory directory(FilingsProperties properties) {
    return JsonDirectory.load(properties.getDirectory(), "filings.directory");
  }

  /** @return the approvals: the filings domain records them, the decision point checks them */
  @Bean
  public InMemoryApprovalStore approvalStore() {
    return ApprovalStore.inMemory();
  }

  /** @param policy the filings domain's rules @return the customizer registering them for resource type filing */
  @Bean
  public PolicyDecisionPointCustomizer filingRules(FilingPolicy policy) {
    return builder -> builder.domainPolicy("filing", policy);
  }

  /**
   * @param properties the properties
   * @param clock the clock
   * @return the consents from {@code filings.consents}
   */
  @Bean
  public ConsentRegistry consents(FilingsProperties properties, Clock clock) {
    InMemoryConsentRegistry consents = ConsentRegistry.inMemory(clock);
    Instant now = clock.instant();
    int i = 0;
    for (JsonNode c : JsonDirectory.read(properties.getConsents(), "filings.consents").path("consents")) {
      String at = "filings.consents (consents[" + i++ + "])";
      JsonDirectory.fields(c, at, Set.of("tenant", "scope", "validFor"));
      try {
        consents.grant(TenantId.of(c.path("tenant").asText()), ConsentScope.of(c.path("scope").asText()),
            now.plus(Duration.parse(c.path("validFor").asText("P1D"))));
      } catch (RuntimeException e) {
        throw new InvalidAlgosureConfigurationException(at,
            Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
      }
    }
    return consents;
  }

  /**
   * @param properties the properties
   * @param clock the clock (grants expire {@code validFor} after the start)
   * @return the agent grants from {@code filings.agent-grants}
   */
  @Bean
  public AgentGrants agentGrants(FilingsProperties properties, Clock clock) {
    Map<String, AgentGrant> grants = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode g : JsonDirectory.read(properties.getAgentGrants(), "filings.agent-grants").path("grants")) {
      String at = "filings.agent-grants (grants[" + i++ + "])";
      JsonDirectory.fields(g, at, Set.of("grantId", "agentId", "onBehalfOf", "task", "tenant", "organization", "domain",
          "capabilities", "validFor"));
      try {
        Set<Permission> capabilities = new HashSet<>();
        g.path("capabilities").forEach(p -> capabilities.add(Permission.of(p.asText())));
        AgentGrant grant = new AgentGrant(g.path("grantId").asText(), g.path("agentId").asText(), g.path("onBehalfOf").asText(),
            g.path("task").asText(), TenantId.of(g.path("tenant").asText()),
            g.has("organization") ? Optional.of(OrganizationId.of(g.get("organization").asText())) : Optional.empty(),
            g.path("domain").asText(), capabilities, clock.instant().plus(Duration.parse(g.path("validFor").asText("PT1H"))));
        grants.put(grant.grantId(), grant);
      } catch (RuntimeException e) {
        throw new InvalidAlgosureConfigurationException(at,
            Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName()), e);
      }
    }
    return new AgentGrants(grants);
  }

  /**
   * @param properties the properties
   * @return the authority's webhook secret: {@code filings.authority.webhook-secret}, or a fresh one per start
   *     for the stub authority
   */
  @Bean
  public Secret authorityWebhookSecret(FilingsProperties properties) {
    String configured = properties.getAuthority().getWebhookSecret();
    if (configured != null && !configured.isBlank()) {
      return Secret.of(WEBHOOK_SECRET, configured);
    }
    if (!properties.getAuthority().isStub()) {
      throw new InvalidAlgosureConfigurationException("filings.authority.webhook-secret",
          "missing: a real authority's callbacks are verified with the secret it signs them with (whsec_...)");
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return Secret.of(WEBHOOK_SECRET, "whsec_" + Base64.getEncoder().encodeToString(key));
  }

  /**
   * @param properties the properties
   * @param webhookSecret the webhook secret
   * @param clock the clock
   * @return the authority: the in-process stub, or HTTPS to {@code algosure.providers.authority.endpoint}
   */
  @Bean
  public AuthorityClient authority(FilingsProperties properties, Secret webhookSecret, Clock clock) {
    return properties.getAuthority().isStub() ? new StubAuthority(webhookSecret, clock) : new HttpAuthorityClient();
  }

  /**
   * @param webhookSecret the secret the authority signs with
   * @param auditSink the audit sink
   * @param clock the clock for the timestamp window
   * @param properties the properties (the directory names the tenants a callback may name)
   * @return the guard for the authority's callbacks: tenant, signature, timestamp window, dedupe, payload, then the
   *     handler
   */
  @Bean
  public CallbackGuard callbackGuard(Secret webhookSecret, AuditSink auditSink, Clock clock, FilingsProperties properties) {
    Set<TenantId> tenants = JsonDirectory.tenants(properties.getDirectory(), "filings.directory");
    return CallbackGuard.builder()
        .registration(CallbackRegistration.builder("authority")
            // the tenant named in the signed body (the signature check that follows makes it trustworthy), and only
            // a tenant of the directory: a callback for an unknown tenant never reaches the handler
            .tenantFromBody(body -> tenantOf(body).filter(tenants::contains))
            .verifier(StandardWebhooksVerifier.builder().secret(webhookSecret).build())
            // the controller reads no more of a body than this (and one byte to tell the guard it is over)
            .maxPayloadBytes(CALLBACK_MAX_BYTES)
            .build())
        .auditSink(auditSink)
        .clock(clock)
        .build();
  }

  private static Optional<TenantId> tenantOf(byte[] body) {
    try {
      JsonNode tenant = JSON.readTree(body).get("tenant");
      return tenant != null && tenant.isTextual() ? Optional.of(TenantId.of(tenant.asText())) : Optional.empty();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * @param filings the filings
   * @param approvals the approvals
   * @param submitter submits through the guard
   * @param grants the agent grants
   * @param authorizer the authorizer
   * @param context the request's own context
   * @param clock the clock
   * @param properties the properties
   * @return the filings service
   */
  @Bean
  public FilingService filingService(FilingRepository filings, InMemoryApprovalStore approvals, AuthoritySubmitter submitter,
      AgentGrants grants, AlgosureAuthorizer authorizer, RequestContextResolver context, Clock clock,
      FilingsProperties properties, AuditSink auditSink) {
    return new FilingService(filings, approvals, submitter, grants, authorizer, context, clock,
        properties.getApprovalValidity(), new Refusals(auditSink, clock), auditSink);
  }
}
