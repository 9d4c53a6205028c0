package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditSink;
import com.algosure.audit.InMemoryAuditSink;
import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.Effect;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ReasonCode;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.DomainDecision;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.AlgosureAuthorizer;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.PolicyDecisionPointCustomizer;
import com.algosure.spring.metrics.AlgosureMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AlgosureAutoConfigurationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class, AlgosureMetricsAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  private static AuthorizationDecision read(PolicyDecisionPoint pdp, String user, String organization) {
    return pdp.decide(AuthorizationRequest.builder().actor(AdapterFixtures.user(user)).organization(organization)
        .action("filings:read").resource(ResourceRef.type("filing")).build());
  }

  @Test
  void contextWhenDirectoryAndCatalogueThenDecisionPointAndAuthorizerDecide() {
    runner.run(context -> {
      assertThat(context).hasSingleBean(PolicyDecisionPoint.class).hasSingleBean(AlgosureAuthorizer.class)
          .hasSingleBean(RoleCatalog.class);
      assertThat(read(context.getBean(PolicyDecisionPoint.class), "alice", "sales").effect()).isEqualTo(Effect.PERMIT);
    });
  }

  @Test
  void contextWhenHostDeclaresAuditSinkThenDecisionsAreAuditedThere() {
    runner.run(context -> {
      read(context.getBean(PolicyDecisionPoint.class), "bob", "sales");
      assertThat(context.getBean(InMemoryAuditSink.class).events(AuditEventType.AUTHORIZATION_DECISION))
          .singleElement().satisfies(e -> assertThat(e.reasons()).containsExactly("ORGANIZATION_OUTSIDE_TENANT"));
    });
  }

  @Test
  void contextWhenNoAuditSinkDeclaredThenSlf4jSinkIsUsed() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class))
        .withBean(com.algosure.authz.spi.Directory.class, AdapterFixtures::directory)
        .withPropertyValues(AdapterFixtures.CATALOG)
        .run(context -> assertThat(context.getBean(AuditSink.class).getClass().getSimpleName()).isEqualTo("Slf4jAuditSink"));
  }

  @Test
  void contextWhenHostDeclaresDecisionPointThenAutoConfiguredOneBacksOff() {
    runner.withUserConfiguration(OwnDecisionPoint.class).run(context -> {
      assertThat(context).hasSingleBean(PolicyDecisionPoint.class);
      assertThat(context.getBean(PolicyDecisionPoint.class)).isSameAs(context.getBean(OwnDecisionPoint.class).pdp);
    });
  }

  @Test
  void contextWhenCustomizerRegistersDomainPolicyThenDecisionPointAppliesIt() {
    runner.withBean(PolicyDecisionPointCustomizer.class,
            () -> b -> b.domainPolicy("filing", (request, ctx) -> DomainDecision.deny("filings are frozen")))
        .run(context -> {
          AuthorizationDecision d = read(context.getBean(PolicyDecisionPoint.class), "alice", "sales");
          assertThat(d.reason()).isEqualTo(ReasonCode.DOMAIN_RULE_DENIED);
        });
  }

  @Test
  void contextWhenRoleCatalogNotSetThenStartupFailsNamingTheProperty() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class))
        .withUserConfiguration(AdapterFixtures.HostBeans.class)
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOf(InvalidAlgosureConfigurationException.class)
            .hasMessageStartingWith("algosure.role-catalog: not set and there is no RoleCatalog bean"));
  }

  @Test
  void contextWhenRoleCatalogFileMissingThenStartupFailsNamingTheFile() {
    runner.withPropertyValues("algosure.role-catalog=classpath:algosure/nowhere.json")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("algosure.role-catalog: class path resource [algosure/nowhere.json] does not exist"));
  }

  @Test
  void contextWhenRoleCatalogInvalidThenStartupFailsNamingTheEntry() {
    runner.withPropertyValues("algosure.role-catalog=classpath:algosure/broken-roles.json")
        .run(context -> assertThat(context).getFailure()
            .hasStackTraceContaining("algosure.role-catalog: class path resource [algosure/broken-roles.json] is not a valid "
                + "role catalogue: role catalogue, at roles.viewer.permissions[0]: permission 'filings:missing' is not declared"));
  }

  @Test
  void contextWhenDirectoryMissingThenStartupFails() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class))
        .withPropertyValues(AdapterFixtures.CATALOG)
        .run(context -> assertThat(context).getFailure().hasMessageContaining("Directory"));
  }

  @Test
  void contextWhenDisabledThenNothingIsConfigured() {
    runner.withPropertyValues("algosure.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(PolicyDecisionPoint.class).doesNotHaveBean(AlgosureAuthorizer.class));
  }

  @Test
  void contextWhenMeterRegistryPresentThenDecisionsThroughAuthorizerAreCounted() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      AlgosureAuthorizer authorizer = context.getBean(AlgosureAuthorizer.class);
      authorizer.decide(AuthorizationRequest.builder().actor(AdapterFixtures.user("alice")).action("filings:read")
          .resource(ResourceRef.type("filing")).build());
      assertThat(context.getBean(MeterRegistry.class).get(AlgosureMetrics.DECISIONS)
          .tags("effect", "DENY", "reason", "ORGANIZATION_AMBIGUOUS", "stage", "ORGANIZATION").timer().count()).isEqualTo(1);
    });
  }

  /** @return a context with metrics whose audit sink is the given one (the fixtures' host beans declare another) */
  private static ApplicationContextRunner failingAuditRunner(AuditSink sink) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class, AlgosureMetricsAutoConfiguration.class))
        .withPropertyValues(AdapterFixtures.CATALOG)
        .withBean(com.algosure.authz.spi.Directory.class, AdapterFixtures::directory)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(AuditSink.class, () -> sink);
  }

  @Test
  void contextWhenTheAuditSinkFailsUnderFailClosedThenThePermitIsCountedAsTheDenyTheCallerGot() {
    // the decision point turns a permit it could not audit into DENY AUDIT_FAILED; the metric counted the permit
    AuditSink failing = event -> {
      throw new IllegalStateException("audit store down");
    };
    failingAuditRunner(failing).run(context -> {
      AuthorizationDecision d = read(context.getBean(PolicyDecisionPoint.class), "alice", "sales");
      assertThat(d.reasons()).containsExactly(com.algosure.authz.ReasonCode.AUDIT_FAILED);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(registry.find(AlgosureMetrics.DECISIONS).tag("effect", "PERMIT").timers()).isEmpty();
      assertThat(registry.get(AlgosureMetrics.DECISIONS).tags("effect", "DENY", "reason", "AUDIT_FAILED")
          .timer().count()).isEqualTo(1);
    });
  }

  @Test
  void contextWhenTheAuditSinkFailsUnderLogAndContinueThenThePermitIsCountedAsAPermit() {
    AuditSink failing = event -> {
      throw new IllegalStateException("audit store down");
    };
    failingAuditRunner(failing).withPropertyValues("algosure.audit.failure-policy=LOG_AND_CONTINUE").run(context -> {
      assertThat(read(context.getBean(PolicyDecisionPoint.class), "alice", "sales").effect()).isEqualTo(Effect.PERMIT);
      assertThat(context.getBean(MeterRegistry.class).get(AlgosureMetrics.DECISIONS).tags("effect", "PERMIT")
          .timer().count()).isEqualTo(1);
    });
  }

  @Test
  void contextWhenTheHostsAuditSinkAlreadyObservesDecisionsThenEachIsToldOnceNotTwice() {
    // a host that wraps its sink itself (as one declaring its own decision point must) and lets the adapter build the
    // decision point: wrapping it again counted every decision twice
    java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
    com.algosure.spring.AlgosureEventListener counting = new com.algosure.spring.AlgosureEventListener() {
      @Override
      public void onDecision(AuthorizationDecision decision, java.time.Duration latency) {
        told.incrementAndGet();
      }
    };
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AlgosureAutoConfiguration.class))
        .withPropertyValues(AdapterFixtures.CATALOG)
        .withBean(com.algosure.authz.spi.Directory.class, AdapterFixtures::directory)
        .withBean(com.algosure.spring.AlgosureEventListener.class, () -> counting)
        .withBean(AuditSink.class, () -> new com.algosure.spring.ObservedAuditSink(AuditSink.inMemory(), () -> counting,
            java.time.Clock.systemUTC()))
        .run(context -> {
          read(context.getBean(PolicyDecisionPoint.class), "alice", "sales");
          assertThat(told).hasValue(1);
        });
  }

  @Test
  void contextWhenMetricsDisabledThenNoMetricsListener() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).withPropertyValues("algosure.metrics.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(AlgosureMetrics.class));
  }

  @Test
  void failureAnalyzerWhenConfigurationInvalidThenDescribesTheProperty() {
    FailureAnalysis analysis = new InvalidAlgosureConfigurationFailureAnalyzer()
        .analyze(new IllegalStateException(new InvalidAlgosureConfigurationException("algosure.x", "is wrong")));
    assertThat(analysis.getDescription()).isEqualTo("Invalid Algosure configuration: algosure.x: is wrong");
    assertThat(analysis.getAction()).contains("'algosure.x'");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnDecisionPoint {
    final PolicyDecisionPoint pdp = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permissions("filings:read").build())
        .directory(AdapterFixtures.directory()).build();

    @Bean
    PolicyDecisionPoint hostDecisionPoint() {
      return pdp;
    }
  }
}
