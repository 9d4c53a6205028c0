package com.algosure.spring.autoconfigure;

import com.algosure.audit.AuditSink;
import com.algosure.authz.InvalidRoleCatalogException;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.ApprovalStore;
import com.algosure.authz.spi.AttributePolicy;
import com.algosure.authz.spi.Directory;
import com.algosure.authz.spi.EntitlementSource;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.AlgosureEventListener;
import com.algosure.spring.CompositeEventListener;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.ObservedAuditSink;
import com.algosure.spring.PolicyDecisionPointCustomizer;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.method.AlgosureAdvisorOrder;
import com.algosure.spring.method.AuthorizeMethodInterceptor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.function.Supplier;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.io.Resource;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.function.SingletonSupplier;

/**
 * The decision point and what it needs: the role catalogue (from {@code algosure.role-catalog}), the audit
 * sink ({@link AuditSink#slf4j()} unless you declare one; the decision point gets it inside an
 * {@link ObservedAuditSink}, which tells the {@link AlgosureEventListener}s, such as the metrics, of every decision
 * once: a {@code PolicyDecisionPoint} bean of your own needs one to be counted), the host's {@link Directory}
 * (required: declare it), and optional {@link ApprovalStore}, {@link EntitlementSource}, {@link AttributePolicy} and
 * {@link PolicyDecisionPointCustomizer} beans; then the {@link AlgosureAuthorizer} and the
 * {@link com.algosure.spring.Authorize} interceptor.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnClass(PolicyDecisionPoint.class)
@ConditionalOnBooleanProperty(name = "algosure.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AlgosureProperties.class)
@Import(AlgosureAutoConfiguration.ProxyCreatorRegistrar.class)
public class AlgosureAutoConfiguration {

  /** Created by Spring. */
  public AlgosureAutoConfiguration() {}

  /**
   * @param properties the properties
   * @return the role catalogue loaded from {@code algosure.role-catalog}
   * @throws InvalidAlgosureConfigurationException if the location is not set, missing or not a valid catalogue
   */
  @Bean
  @ConditionalOnMissingBean
  public RoleCatalog algosureRoleCatalog(AlgosureProperties properties) {
    Resource location = properties.getRoleCatalog();
    String property = "algosure.role-catalog";
    if (location == null) {
      throw new InvalidAlgosureConfigurationException(property,
          "not set and there is no RoleCatalog bean: point it at a JSON catalogue, such as classpath:algosure/roles.json");
    }
    if (!location.exists()) {
      throw new InvalidAlgosureConfigurationException(property, ResourceLocations.describe(location) + " does not exist");
    }
    try (InputStream in = location.getInputStream()) {
      return RoleCatalog.fromJson(in);
    } catch (InvalidRoleCatalogException e) {
      throw new InvalidAlgosureConfigurationException(property, ResourceLocations.describe(location) + " is not a valid role catalogue: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw ResourceLocations.unreadable(property, location, e);
    }
  }

  /** @return the audit sink: one JSON line per event to the SLF4J logger {@code com.algosure.audit} */
  @Bean
  @ConditionalOnMissingBean
  public AuditSink algosureAuditSink() {
    return AuditSink.slf4j();
  }

  /**
   * @param properties the properties
   * @param catalog the role catalogue
   * @param directory the host's directory
   * @param auditSink the audit sink
   * @param approvals the approval store, if the host has one
   * @param entitlements the entitlement source, if the host has one
   * @param attributePolicies attribute policies, in order
   * @param customizers further customizations, in order
   * @param clock a clock bean, if the host has one (else the UTC system clock)
   * @param listeners told of every decision, through the {@link ObservedAuditSink} around the audit sink
   * @return the decision point
   */
  @Bean
  @ConditionalOnMissingBean
  public PolicyDecisionPoint algosurePolicyDecisionPoint(AlgosureProperties properties, RoleCatalog catalog,
      Directory directory, AuditSink auditSink, ObjectProvider<ApprovalStore> approvals,
      ObjectProvider<EntitlementSource> entitlements, ObjectProvider<AttributePolicy> attributePolicies,
      ObjectProvider<PolicyDecisionPointCustomizer> customizers, ObjectProvider<Clock> clock,
      ObjectProvider<AlgosureEventListener> listeners) {
    // every decision is counted here, once, whoever asks the decision point (the authorizer, the integration guard)
    Clock decisionClock = clock.getIfUnique(Clock::systemUTC);
    Supplier<AlgosureEventListener> events = SingletonSupplier.of(
        () -> new CompositeEventListener(listeners.orderedStream().toList())); // on the first decision: no cycle
    PolicyDecisionPoint.Builder b = PolicyDecisionPoint.builder()
        .roleCatalog(catalog)
        .directory(directory)
        .auditSink(auditSink instanceof ObservedAuditSink observed ? observed // the host's: counting twice is no better
            : new ObservedAuditSink(auditSink, events, decisionClock, properties.getAudit().getFailurePolicy()))
        .auditFailurePolicy(properties.getAudit().getFailurePolicy());
    ConfigurationSteps.hostBean(approvals, ApprovalStore.class, b::approvals);
    ConfigurationSteps.hostBean(entitlements, EntitlementSource.class, b::entitlements);
    clock.ifUnique(b::clock);
    attributePolicies.orderedStream().forEach(b::attributePolicy);
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * @param pdp the decision point
   * @param context reads the current request's context (none outside web applications)
   * @param auditSink the audit sink, which records the request contexts refused before a decision is made
   * @param clock a clock bean, if the host has one (else the UTC system clock)
   * @return the authorizer
   */
  @Bean
  @ConditionalOnMissingBean
  public AlgosureAuthorizer algosureAuthorizer(PolicyDecisionPoint pdp, ObjectProvider<RequestContextResolver> context,
      AuditSink auditSink, ObjectProvider<Clock> clock) {
    return new AlgosureAuthorizer(pdp, context.getIfAvailable(RequestContextResolver::none), auditSink,
        clock.getIfUnique(Clock::systemUTC));
  }

  /**
   * The {@link com.algosure.spring.Authorize} advisor. Static and infrastructure-role so that it is ready
   * before the beans it proxies; the authorizer is looked up on the first call.
   *
   * @param authorizer the authorizer
   * @return the advisor
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  @ConditionalOnMissingBean(name = "algosureAuthorizeAdvisor")
  public static Advisor algosureAuthorizeAdvisor(ObjectProvider<AlgosureAuthorizer> authorizer) {
    AuthorizeMethodInterceptor interceptor = new AuthorizeMethodInterceptor(authorizer::getObject);
    DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(interceptor.pointcut(), interceptor);
    advisor.setOrder(AlgosureAdvisorOrder.AUTHORIZE);
    return advisor;
  }

  /**
   * Fails start-up where a bean with an annotated method that Spring made is not wrapped by the adapter's proxy (made
   * before the auto-proxy creator), instead of letting the method run unchecked.
   *
   * @return the check: it sees each bean made, and looks at them once every singleton is made
   */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static BeanFactoryPostProcessor algosureUnproxiedBeansCheck() {
    return new UnproxiedBeans();
  }

  /**
   * Makes sure an auto-proxy creator exists even where {@code spring.aop.auto=false}: without one,
   * {@code @Authorize} would be silently ignored, which must never happen.
   */
  static final class ProxyCreatorRegistrar implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
    }
  }
}
