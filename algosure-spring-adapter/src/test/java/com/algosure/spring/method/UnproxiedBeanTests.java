package com.algosure.spring.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.UnauthenticatedException;
import com.algosure.spring.autoconfigure.AlgosureAutoConfiguration;
import com.algosure.spring.autoconfigure.AlgosureDisabledAutoConfiguration;
import com.algosure.spring.autoconfigure.AlgosureIntegrationAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.PriorityOrdered;

/**
 * Regression: a bean with an annotated method that Spring made before the auto-proxy creator (a dependency of a
 * {@code PriorityOrdered} post-processor) was never wrapped by the adapter's proxies and ran its methods unchecked,
 * without a word. Such a bean now fails start-up, naming it. An object registered ready-made (a test's mock) is its
 * registrant's, not one Spring made, and is left alone.
 */
class UnproxiedBeanTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, AlgosureAutoConfiguration.class,
          AlgosureIntegrationAutoConfiguration.class, AlgosureDisabledAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  public static class Filings {
    @Authorize(action = "filings:submit", resourceType = "filing")
    public String submit() {
      return "submitted without a decision";
    }
  }

  public static class Reports {
    @GuardedIntegration(provider = "authority", action = "reports:send", tenant = "'acme'")
    public String send() {
      return "sent outside the guard";
    }
  }

  /** A post-processor that needs the service: Spring makes it, and the service, before the auto-proxy creator. */
  static final class EarlyPostProcessor implements BeanPostProcessor, PriorityOrdered {
    EarlyPostProcessor(Object service) {}

    @Override
    public int getOrder() {
      return 0;
    }
  }

  /** The same without an order: made after the auto-proxy creator, so the service is proxied. */
  static final class LatePostProcessor implements BeanPostProcessor {
    LatePostProcessor(Object service) {}
  }

  @Configuration(proxyBeanMethods = false)
  static class EarlyFilings {
    @Bean
    static Filings filings() {
      return new Filings();
    }

    @Bean
    static EarlyPostProcessor early(Filings filings) {
      return new EarlyPostProcessor(filings);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class LateFilings {
    @Bean
    static Filings filings() {
      return new Filings();
    }

    @Bean
    static LatePostProcessor late(Filings filings) {
      return new LatePostProcessor(filings);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class EarlyReports {
    @Bean
    static Reports reports() {
      return new Reports();
    }

    @Bean
    static EarlyPostProcessor early(Reports reports) {
      return new EarlyPostProcessor(reports);
    }
  }

  @Test
  void startWhenAnAuthorizeBeanIsMadeBeforeTheProxiesThenFailsNamingItInsteadOfRunningItUnchecked() {
    runner.withUserConfiguration(EarlyFilings.class).run(context -> assertThat(context).getFailure()
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + Filings.class.getName() + "#submit: the bean 'filings' is not "
            + "proxied, so the method would run unchecked"));
  }

  @Test
  void startWhenATestRegistersAMockOfAnAuthorizeBeanThenStarts() {
    // @MockitoBean registers its mock ready-made, as registerSingleton does: the test's own object, never made by Spring
    Filings mock = org.mockito.Mockito.mock(Filings.class);
    runner.withInitializer(c -> c.getBeanFactory().registerSingleton("filings", mock))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Filings.class)).isSameAs(mock);
        });
  }

  @Test
  void startWhenAGuardedIntegrationBeanIsMadeBeforeTheProxiesThenFails() {
    runner.withUserConfiguration(EarlyReports.class).run(context -> assertThat(context).getFailure()
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@GuardedIntegration on " + Reports.class.getName() + "#send: the bean 'reports' is "
            + "not proxied"));
  }

  @Test
  void startWhenAlgosureIsDisabledAndAnAuthorizeBeanIsMadeBeforeTheProxiesThenFailsAsWell() {
    runner.withPropertyValues("algosure.enabled=false").withUserConfiguration(EarlyFilings.class)
        .run(context -> assertThat(context).getFailure()
            .isInstanceOf(InvalidAlgosureConfigurationException.class)
            .hasMessageStartingWith("@Authorize on " + Filings.class.getName() + "#submit: the bean 'filings' is not "
                + "proxied"));
  }

  @Test
  void startWhenTheAutoProxyCreatorMakesOpaqueProxiesThenTheyAreTakenAsProxiedAndTheMethodIsChecked() {
    // an opaque proxy does not tell its advisors (it is no Advised): the bean must not be taken for one never proxied
    runner.withBean(Filings.class)
        .withInitializer(c -> c.addBeanFactoryPostProcessor(factory -> factory
            .getBeanDefinition(org.springframework.aop.config.AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)
            .getPropertyValues().add("opaque", true)))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Filings.class)).isNotInstanceOf(org.springframework.aop.framework.Advised.class);
          assertThatThrownBy(() -> context.getBean(Filings.class).submit()).isInstanceOf(UnauthenticatedException.class);
        });
  }

  @Test
  void startWhenAnAuthorizeBeanIsADependencyOfAnOrdinaryPostProcessorThenItIsProxiedAndChecked() {
    runner.withUserConfiguration(LateFilings.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThatThrownBy(() -> context.getBean(Filings.class).submit()).isInstanceOf(UnauthenticatedException.class);
    });
  }
}
