package com.algosure.spring.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.Authorize;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.autoconfigure.AlgosureAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An annotation on a method that no proxy intercepts (final, static, private) was silently ignored: a CGLIB proxy
 * ran a final method on itself, without the decision. Such a bean now fails when it is proxied.
 */
class UninterceptableAnnotationTests {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, AlgosureAutoConfiguration.class))
      .withUserConfiguration(AdapterFixtures.HostBeans.class)
      .withPropertyValues(AdapterFixtures.CATALOG);

  static class FinalMethod {
    public String list() {
      return "listed";
    }

    @Authorize(action = "filings:read", resourceType = "filing")
    public final String read() {
      return "read without a decision";
    }
  }

  @Authorize(action = "filings:read", resourceType = "filing")
  static class FinalMethodOfAnnotatedType {
    public String list() {
      return "listed";
    }

    public final String read() {
      return "read without a decision";
    }
  }

  @Authorize(action = "filings:read", resourceType = "filing")
  static class NonPublicMethodsOfAnnotatedType {
    public String list() {
      return "listed";
    }

    protected String export() {
      return "exported";
    }

    String peek() {
      return "peeked";
    }
  }

  @Authorize(action = "filings:read", resourceType = "filing")
  static class ProtectedFinalMethodOfAnnotatedType {
    public String list() {
      return "listed";
    }

    protected final String export() {
      return "exported without a decision";
    }
  }

  static class UnannotatedBase {
    public final String export() {
      return "exported without a decision";
    }
  }

  @Authorize(action = "filings:read", resourceType = "filing")
  static class AnnotatedSubclass extends UnannotatedBase {
    public String list() {
      return "listed";
    }
  }

  static class PrivateMethod {
    public String list() {
      return read();
    }

    @Authorize(action = "filings:read", resourceType = "filing")
    private String read() {
      return "read without a decision";
    }
  }

  static class PlainFinalMethod {
    @Authorize(action = "filings:read", resourceType = "filing")
    public String read() {
      return "read";
    }

    public final String describe() {
      return "not annotated, not checked";
    }
  }

  static class Reports {
    @GuardedIntegration(provider = "authority", action = "reports:send", tenant = "'acme'")
    public final String send() {
      return "sent outside the guard";
    }
  }

  @Test
  void startWhenAuthorizedMethodIsFinalThenFailsNamingItInsteadOfRunningItUnchecked() {
    runner.withBean(FinalMethod.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + FinalMethod.class.getName() + "#read: the method is final"));
  }

  @Test
  void startWhenPublicMethodOfAnnotatedTypeIsFinalThenFails() {
    runner.withBean(FinalMethodOfAnnotatedType.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + FinalMethodOfAnnotatedType.class.getName() + "#read: the method is final"));
  }

  @Test
  void invokeWhenAProtectedOrPackagePrivateMethodOfAnAnnotatedTypeIsCalledThroughTheProxyThenItIsChecked() {
    // a CGLIB proxy intercepts these as it does the public ones: the type's rule applies to every method it intercepts
    runner.withBean(NonPublicMethodsOfAnnotatedType.class).run(context -> {
      NonPublicMethodsOfAnnotatedType bean = context.getBean(NonPublicMethodsOfAnnotatedType.class);
      assertThatThrownBy(bean::export).isInstanceOf(com.algosure.spring.UnauthenticatedException.class);
      assertThatThrownBy(bean::peek).isInstanceOf(com.algosure.spring.UnauthenticatedException.class);
      // mallory belongs nowhere: denied; bob may read in hq: permitted, on the decision point's word
      assertThatThrownBy(() -> AdapterFixtures.as(AdapterFixtures.user("mallory"), bean::peek))
          .isInstanceOf(com.algosure.spring.AuthorizationDecisionException.class);
      assertThat(AdapterFixtures.as(AdapterFixtures.user("bob"), bean::peek)).isEqualTo("peeked");
    });
  }

  @Test
  void startWhenAProtectedMethodOfAnnotatedTypeIsFinalThenFails() {
    runner.withBean(ProtectedFinalMethodOfAnnotatedType.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + ProtectedFinalMethodOfAnnotatedType.class.getName()
            + "#export: the method is final"));
  }

  @Test
  void startWhenAnAnnotatedTypeInheritsAFinalMethodThenFailsInsteadOfRunningItUnchecked() {
    // the type's rule covers the methods it inherits (they are checked when a proxy can intercept them), but a CGLIB
    // proxy cannot override an inherited final one: called through the bean it ran with no decision
    runner.withBean(AnnotatedSubclass.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + UnannotatedBase.class.getName() + "#export: the method is final")
        .hasMessageEndingWith(", or annotate the methods of " + AnnotatedSubclass.class.getName() + " instead of the type"));
  }

  @Test
  void startWhenAuthorizedMethodIsPrivateThenFails() {
    runner.withBean(PrivateMethod.class).run(context -> assertThat(context).getFailure()
        .rootCause().isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@Authorize on " + PrivateMethod.class.getName() + "#read: the method is private"));
  }

  @Test
  void startWhenOnlyAnUnannotatedMethodIsFinalThenStartsAndChecksTheAnnotatedOne() {
    runner.withBean(PlainFinalMethod.class).run(context -> {
      assertThat(context).hasNotFailed();
      // no actor: the annotated method is checked (refused), so the proxy does intercept it
      assertThatThrownBy(() -> context.getBean(PlainFinalMethod.class).read())
          .isInstanceOf(com.algosure.spring.UnauthenticatedException.class);
    });
  }

  interface Repository {
    @Authorize(action = "filings:read", resourceType = "filing")
    String read();
  }

  @Test
  void startWhenTheBeanIsAnInterfaceProxyThenItsFinalMethodsAreNoObstacleAndTheInterfaceIsChecked() {
    // a JDK proxy's methods are final, but it is proxied again through its interfaces (as Spring Data repositories are)
    Repository repository = (Repository) java.lang.reflect.Proxy.newProxyInstance(Repository.class.getClassLoader(),
        new Class<?>[] {Repository.class}, (proxy, method, args) -> "read without a decision");
    runner.withBean(Repository.class, () -> repository).run(context -> {
      assertThat(context).hasNotFailed();
      assertThatThrownBy(() -> context.getBean(Repository.class).read())
          .isInstanceOf(com.algosure.spring.UnauthenticatedException.class);
    });
  }

  @Test
  void proxyWhenGuardedMethodIsFinalThenRefusedInsteadOfRunningOutsideTheGuard() throws Exception {
    GuardedIntegrationMethodInterceptor interceptor = new GuardedIntegrationMethodInterceptor(() -> {
      throw new AssertionError("not called");
    }, () -> {
      throw new AssertionError("not called");
    }, () -> {
      throw new AssertionError("not called");
    });
    assertThatThrownBy(() -> interceptor.pointcut().getMethodMatcher()
            .matches(Reports.class.getMethod("toString"), Reports.class))
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageStartingWith("@GuardedIntegration on " + Reports.class.getName() + "#send: the method is final");
  }
}
