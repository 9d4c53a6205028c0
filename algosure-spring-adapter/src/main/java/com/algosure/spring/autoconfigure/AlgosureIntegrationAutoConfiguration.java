package com.algosure.spring.autoconfigure;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditSink;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationGuard;
import com.algosure.integration.ProviderPolicy;
import com.algosure.integration.TransportPolicy;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.EscalationHandler;
import com.algosure.integration.spi.EvidenceStore;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretStore;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.CompositeEventListener;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.method.AlgosureAdvisorOrder;
import com.algosure.spring.method.GuardedIntegrationMethodInterceptor;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@link IntegrationGuard} for the providers of {@code algosure.providers}, with the decision point, the
 * audit sink and the host's integration SPIs found as beans ({@link ConsentRegistry}, {@link SecretStore},
 * {@link IdempotencyStore}, {@link RateLimitStore}, {@link EscalationHandler}, {@link EvidenceStore}); an
 * in-memory {@link IdempotencyStore} bounded by {@code algosure.idempotency.maximum-keys} (and for each tenant by
 * {@code algosure.idempotency.maximum-keys-per-tenant}) and an in-memory
 * {@link RateLimitStore} bounded by {@code algosure.rate-limit.maximum-keys} where the host has none; and the
 * {@link com.algosure.spring.GuardedIntegration} interceptor.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = AlgosureAutoConfiguration.class)
@ConditionalOnClass(IntegrationGuard.class)
@ConditionalOnBooleanProperty(name = "algosure.enabled", matchIfMissing = true)
public class AlgosureIntegrationAutoConfiguration {

  /** Created by Spring. */
  public AlgosureIntegrationAutoConfiguration() {}

  /**
   * The in-memory idempotency store, bounded by {@code algosure.idempotency.maximum-keys} (default 200,000) and for
   * each tenant by {@code algosure.idempotency.maximum-keys-per-tenant} (default half of it), on the host's clock if
   * it has one. Replace it with a JDBC or Redis store when several instances serve the same keys.
   *
   * @param properties the properties
   * @param clock a clock bean, if the host has one
   * @return the store
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(ProvidersConfigured.class)
  public IdempotencyStore algosureIdempotencyStore(AlgosureProperties properties, ObjectProvider<Clock> clock) {
    AlgosureProperties.Idempotency idempotency = properties.getIdempotency();
    Long perTenant = idempotency.getMaximumKeysPerTenant();
    Clock c = clock.getIfUnique(Clock::systemUTC);
    return perTenant == null ? IdempotencyStore.inMemory(c, idempotency.getMaximumKeys())
        : IdempotencyStore.inMemory(c, idempotency.getMaximumKeys(), perTenant);
  }

  /**
   * The in-memory rate-limit store, bounded by {@code algosure.rate-limit.maximum-keys} (default 100,000). Replace it
   * with a Redis store when several instances serve the same keys.
   *
   * @param properties the properties
   * @return the store
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(ProvidersConfigured.class)
  public RateLimitStore algosureRateLimitStore(AlgosureProperties properties) {
    return RateLimitStore.inMemory(properties.getRateLimit().getMaximumKeys());
  }

  /**
   * @param properties the properties
   * @param pdp the decision point that authorizes each call
   * @param auditSink the audit sink
   * @param consents the consent registry, if the host has one (else none: actions that need consent are denied)
   * @param secrets the secret store, if the host has one
   * @param idempotency the idempotency store: the host's, else {@link #algosureIdempotencyStore}
   * @param rateLimits the rate-limit store: the host's, else {@link #algosureRateLimitStore}
   * @param escalations the escalation handler, if the host has one
   * @param evidence the evidence store, if the host has one
   * @param clock a clock bean, if the host has one
   * @return the guard
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(ProvidersConfigured.class)
  public IntegrationGuard algosureIntegrationGuard(AlgosureProperties properties, PolicyDecisionPoint pdp,
      AuditSink auditSink, ObjectProvider<ConsentRegistry> consents, ObjectProvider<SecretStore> secrets,
      ObjectProvider<IdempotencyStore> idempotency, ObjectProvider<RateLimitStore> rateLimits,
      ObjectProvider<EscalationHandler> escalations, ObjectProvider<EvidenceStore> evidence, ObjectProvider<Clock> clock) {
    IntegrationGuard.Builder b = IntegrationGuard.builder()
        .policyDecisionPoint(pdp)
        .auditSink(auditSink)
        .auditFailurePolicy(properties.getAudit().getFailurePolicy())
        .correlationHeader(properties.getWeb().getCorrelationHeader());
    boolean loopbackHttp = false;
    for (Map.Entry<String, AlgosureProperties.Provider> e : properties.getProviders().entrySet()) {
      b.provider(policy(e.getKey(), e.getValue()));
      loopbackHttp |= e.getValue().isAllowLoopbackHttp();
    }
    b.transportPolicy(loopbackHttp ? TransportPolicy.httpsOrLoopbackHttp() : TransportPolicy.httpsOnly());
    ConfigurationSteps.hostBean(consents, ConsentRegistry.class, b::consents);
    ConfigurationSteps.hostBean(secrets, SecretStore.class, b::secrets);
    ConfigurationSteps.hostBean(idempotency, IdempotencyStore.class, b::idempotencyStore);
    ConfigurationSteps.hostBean(rateLimits, RateLimitStore.class, b::rateLimitStore);
    ConfigurationSteps.hostBean(escalations, EscalationHandler.class, b::escalations);
    ConfigurationSteps.hostBean(evidence, EvidenceStore.class, b::evidence);
    clock.ifUnique(b::clock);
    return ConfigurationSteps.step("algosure.providers", b::build);
  }

  private static ProviderPolicy policy(String id, AlgosureProperties.Provider p) {
    String at = "algosure.providers." + id;
    ProviderPolicy.Builder b = ConfigurationSteps.step(at, () -> ProviderPolicy.builder(id));
    b.endpoint(castToNonNull(p.getEndpoint())); // AlgosureProperties.validate, at binding, requires it
    for (int i = 0; i < p.getAllowedOrigins().size(); i++) {
      URI origin = p.getAllowedOrigins().get(i);
      ConfigurationSteps.step(at + ".allowed-origins[" + i + "]", () -> b.allowedOrigin(origin));
    }
    for (int i = 0; i < p.getActions().size(); i++) {
      String action = p.getActions().get(i);
      ConfigurationSteps.step(at + ".actions[" + i + "]", () -> p.getConsentScope() == null ? b.action(action)
          : b.action(action, ConsentScope.of(p.getConsentScope())));
    }
    for (int i = 0; i < p.getSecrets().size(); i++) {
      String ref = p.getSecrets().get(i);
      ConfigurationSteps.step(at + ".secrets[" + i + "]", () -> b.secret(ref));
    }
    AlgosureProperties.RateLimit limit = p.getRateLimit();
    ConfigurationSteps.step(at + ".rate-limit", () -> b.tenantRateLimit(RateLimit.of(limit.getRequests(), limit.getPer())));
    AlgosureProperties.Retry retry = p.getRetry();
    ConfigurationSteps.step(at + ".retry.max-attempts", () -> b.maxAttempts(retry.getMaxAttempts()));
    ConfigurationSteps.step(at + ".retry", () -> b.backoff(retry.getInitialBackoff(), retry.getMaxBackoff()));
    ConfigurationSteps.step(at + ".timeout", () -> b.attemptTimeout(p.getTimeout()));
    ConfigurationSteps.step(at + ".require-idempotency-key", () -> b.requireIdempotencyKey(p.isRequireIdempotencyKey()));
    Duration idempotencyTtl = p.getIdempotencyTtl();
    if (idempotencyTtl != null) {
      ConfigurationSteps.step(at + ".idempotency-ttl", () -> b.idempotencyTtl(idempotencyTtl));
    }
    return ConfigurationSteps.step(at, b::build);
  }

  /**
   * The {@link com.algosure.spring.GuardedIntegration} advisor. Static and infrastructure-role so that it is
   * ready before the beans it proxies; the guard is looked up on the first call.
   *
   * @param guard the guard
   * @param context the request context
   * @param listeners told of every outcome
   * @param authorizer records the request contexts refused before anything is asked or sent
   * @return the advisor
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "algosureGuardedIntegrationAdvisor")
  public static Advisor algosureGuardedIntegrationAdvisor(ObjectProvider<IntegrationGuard> guard,
      ObjectProvider<RequestContextResolver> context, ObjectProvider<AlgosureEventListener> listeners,
      ObjectProvider<AlgosureAuthorizer> authorizer) {
    GuardedIntegrationMethodInterceptor interceptor = new GuardedIntegrationMethodInterceptor(
        () -> {
          IntegrationGuard g = guard.getIfAvailable();
          if (g == null) {
            throw new InvalidAlgosureConfigurationException("algosure.providers", "a @GuardedIntegration method was "
                + "called but there is no IntegrationGuard: configure the provider under algosure.providers or declare the bean");
          }
          return g;
        },
        () -> context.getIfAvailable(RequestContextResolver::none),
        () -> new CompositeEventListener(listeners.orderedStream().toList()),
        authorizer::getIfAvailable);
    DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(interceptor.pointcut(), interceptor);
    advisor.setOrder(AlgosureAdvisorOrder.GUARDED_INTEGRATION);
    return advisor;
  }

  /** Matches when at least one provider is configured under {@code algosure.providers}. */
  static final class ProvidersConfigured extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean any = Binder.get(context.getEnvironment())
          .bind("algosure.providers", Bindable.mapOf(String.class, AlgosureProperties.Provider.class))
          .map(m -> !m.isEmpty()).orElse(false);
      return any ? ConditionOutcome.match("algosure.providers configured")
          : ConditionOutcome.noMatch("no provider under algosure.providers");
    }
  }
}
