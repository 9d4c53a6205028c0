package com.algosure.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.algosure.spring.Authorize;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.UnauthenticatedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * {@code algosure.enabled=false} switched every {@code @Authorize} and {@code @GuardedIntegration} into a no-op, silently:
 * such a property copied from a test profile into production let every annotated method run unchecked. The adapter's
 * own auto-configurations, as an application gets them, now say so at start-up and refuse the annotated calls.
 */
class DisabledAdapterTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
      .withConfiguration(AutoConfigurations.of(adaptersAutoConfigurations()))
      .withBean(Filings.class)
      .withBean(Reports.class)
      .withPropertyValues("algosure.enabled=false");

  private final Logger logger = (Logger) LoggerFactory.getLogger("com.algosure.spring");
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  static class Filings {
    @Authorize(action = "filings:read", resourceType = "filing")
    public String read() {
      return "read without a decision";
    }

    public String ping() {
      return "pong";
    }
  }

  static class Reports {
    @GuardedIntegration(provider = "authority", action = "reports:send", tenant = "'acme'")
    public String send() {
      return "sent outside the guard";
    }
  }

  /** Every auto-configuration the adapter lists in its imports file, as Spring Boot finds them. */
  private static Class<?>[] adaptersAutoConfigurations() {
    return ImportCandidates.load(AutoConfiguration.class, DisabledAdapterTests.class.getClassLoader()).getCandidates()
        .stream().filter(name -> name.startsWith("com.algosure."))
        .map(name -> ClassUtils.resolveClassName(name, DisabledAdapterTests.class.getClassLoader()))
        .toArray(Class<?>[]::new);
  }

  @BeforeEach
  void capture() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void release() {
    logger.detachAppender(logged);
  }

  @Test
  void invokeWhenAlgosureIsDisabledThenAnAuthorizeMethodIsRefusedInsteadOfRunningUnchecked() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThatThrownBy(() -> context.getBean(Filings.class).read())
          .isInstanceOfSatisfying(InvalidAlgosureConfigurationException.class, e -> {
            assertThat(e.property()).isEqualTo("algosure.enabled");
            assertThat(e.getMessage()).contains("@Authorize").contains("refused");
          });
      assertThat(context.getBean(Filings.class).ping()).isEqualTo("pong");
    });
  }

  @Test
  void invokeWhenAlgosureIsDisabledThenAGuardedIntegrationMethodIsRefusedInsteadOfRunningOutsideTheGuard() {
    runner.run(context -> assertThatThrownBy(() -> context.getBean(Reports.class).send())
        .isInstanceOfSatisfying(InvalidAlgosureConfigurationException.class, e -> {
          assertThat(e.property()).isEqualTo("algosure.enabled");
          assertThat(e.getMessage()).contains("@GuardedIntegration").contains("refused");
        }));
  }

  @Test
  void startWhenAlgosureIsDisabledThenAWarningSaysWhatIsSwitchedOff() {
    runner.run(context -> assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN)
        .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
            .contains("algosure.enabled=false").contains("@Authorize").contains("@GuardedIntegration")));
  }

  @Test
  void startWhenAlgosureIsDisabledAndBeansAreLazyThenTheWarningIsStillLogged() {
    runner.withInitializer(c -> c.addBeanFactoryPostProcessor(
            new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
        .run(context -> assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1));
  }

  @Test
  void startWhenAlgosureIsDisabledThenAFinalAnnotatedMethodStillFailsStartUp() {
    runner.withBean(FinalFilings.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageContaining("the method is final"));
  }

  @Test
  void invokeWhenAlgosureIsEnabledThenTheSameMethodIsCheckedAsUsual() {
    runner.withPropertyValues("algosure.enabled=true", "algosure.role-catalog=classpath:algosure/test-roles.json")
        .withUserConfiguration(com.algosure.spring.AdapterFixtures.HostBeans.class)
        .run(context -> assertThatThrownBy(() -> context.getBean(Filings.class).read())
            .isInstanceOf(UnauthenticatedException.class));
  }

  /**
   * A value of {@code algosure.enabled} other than true or false (yes, on, 1 for true, an empty value, a misspelling)
   * matched neither the adapter's auto-configurations (true) nor the disabled one (false): every {@code @Authorize}
   * method ran unchecked, and nothing said so.
   */
  @ParameterizedTest
  @ValueSource(strings = {"yes", "on", "1", "no", "off", "0", "", "ture"})
  void startWhenAlgosureEnabledIsNeitherTrueNorFalseThenStartUpFailsNamingIt(String value) {
    runner.withPropertyValues("algosure.enabled=" + value)
        .run(context -> assertThat(context).getFailure().rootCause()
            .isInstanceOfSatisfying(InvalidAlgosureConfigurationException.class, e -> {
              assertThat(e.property()).isEqualTo("algosure.enabled");
              assertThat(e.getMessage()).contains("'" + value + "'").contains("true").contains("false");
            }));
  }

  @Test
  void invokeWhenAlgosureEnabledIsTrueInAnotherCaseThenTheMethodIsChecked() {
    runner.withPropertyValues("algosure.enabled=TRUE", "algosure.role-catalog=classpath:algosure/test-roles.json")
        .withUserConfiguration(com.algosure.spring.AdapterFixtures.HostBeans.class)
        .run(context -> assertThatThrownBy(() -> context.getBean(Filings.class).read())
            .isInstanceOf(UnauthenticatedException.class));
  }

  @Test
  void invokeWhenAlgosureEnabledIsFalseInAnotherCaseThenTheMethodIsRefused() {
    runner.withPropertyValues("algosure.enabled=False")
        .run(context -> assertThatThrownBy(() -> context.getBean(Filings.class).read())
            .isInstanceOf(InvalidAlgosureConfigurationException.class));
  }

  static class FinalFilings {
    @Authorize(action = "filings:read", resourceType = "filing")
    public final String read() {
      return "read without a decision";
    }
  }
}
