package com.algosure.spring.method;

import static com.algosure.spring.AdapterFixtures.as;
import static com.algosure.spring.AdapterFixtures.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.authz.Effect;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.AuthorizationDecisionException;
import com.algosure.spring.Authorize;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.autoconfigure.AlgosureAutoConfiguration;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Several different {@code @Authorize} on one method (through composed annotations, or on an interface method and
 * its implementation): only the nearest was enforced, the others silently dropped. Such a bean now fails when it is
 * proxied.
 */
class AmbiguousAnnotationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @Authorize(action = "filings:read", resourceType = "filing", organization = "'sales'")
  @interface ReadsFilings {}

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @Authorize(action = "filings:submit", resourceType = "filing", organization = "'sales'")
  @interface SubmitsFilings {}

  static class Composed {
    @ReadsFilings
    @SubmitsFilings
    public String submit() {
      return "submitted without approval";
    }
  }

  interface FilingApi {
    @Authorize(action = "filings:submit", resourceType = "filing", organization = "'sales'")
    String submit();
  }

  static class FilingImpl implements FilingApi {
    @Override
    @Authorize(action = "filings:read", resourceType = "filing", organization = "'sales'")
    public String submit() {
      return "submitted without approval";
    }
  }

  interface SameApi {
    @Authorize(action = "filings:submit", resourceType = "filing", organization = "'sales'")
    String submit();
  }

  static class SameImpl implements SameApi {
    @Override
    @Authorize(action = "filings:submit", resourceType = "filing", organization = "'sales'")
    public String submit() {
      return "submitted";
    }
  }

  @Test
  void startWhenTwoComposedAnnotationsEachCarryAuthorizeThenFailsNamingTheMethod() {
    // alice may read in sales, but submitting needs an approval: with the read alone enforced, the method ran
    runner.withBean(Composed.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + Composed.class.getName() + "#submit: 2 different ones apply to the method"));
  }

  @Test
  void startWhenInterfaceAndImplementationDeclareDifferentOnesThenFails() {
    runner.withBean(FilingImpl.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + FilingImpl.class.getName() + "#submit: 2 different ones apply to the method"));
  }

  @Test
  void startWhenInterfaceAndImplementationDeclareTheSameOneThenStartsAndEnforcesIt() {
    runner.withBean(SameImpl.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(SameApi.class).submit()))
          .isInstanceOfSatisfying(AuthorizationDecisionException.class,
              e -> assertThat(e.decision().effect()).isEqualTo(Effect.APPROVAL_REQUIRED));
    });
  }
}
