package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.method.AuthorizeMethodInterceptor;
import com.algosure.spring.method.GuardedIntegrationMethodInterceptor;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails start-up where a bean has an {@code @Authorize} or {@code @GuardedIntegration} method but is not wrapped by the
 * adapter's proxy, so that the method would run unchecked: a bean Spring made before the auto-proxy creator (a
 * dependency of a {@code PriorityOrdered} post-processor, say: Spring logs only that it is "not eligible for getting
 * processed by all BeanPostProcessors"), or an object registered ready-made ({@code registerSingleton}). Looks at the
 * singletons once they are all made; a lazy bean is made later through the proxy creator like any other.
 */
final class UnproxiedBeans implements SmartInitializingSingleton {

  private final ConfigurableListableBeanFactory beanFactory;

  UnproxiedBeans(ConfigurableListableBeanFactory beanFactory) {
    this.beanFactory = Objects.requireNonNull(beanFactory, "beanFactory");
  }

  @Override
  public void afterSingletonsInstantiated() {
    List<PointcutAdvisor> advisors = beanFactory.getBeansOfType(Advisor.class, false, false).values().stream()
        .filter(a -> a instanceof PointcutAdvisor && annotation(a.getAdvice()) != null)
        .map(PointcutAdvisor.class::cast).toList();
    if (advisors.isEmpty()) {
      return;
    }
    for (String name : beanFactory.getSingletonNames()) {
      Object bean = beanFactory.getSingleton(name);
      if (bean == null || bean instanceof FactoryBean<?> || bean instanceof AopInfrastructureBean
          || bean instanceof Advisor || bean instanceof Advice || bean instanceof Pointcut) {
        continue; // a factory's product is proxied as it is made; the proxy creator never wraps infrastructure
      }
      if (AopUtils.isAopProxy(bean) && !(bean instanceof Advised)) {
        continue; // an opaque proxy does not tell its advisors: it is Spring's, not a bean it never saw
      }
      for (PointcutAdvisor advisor : advisors) {
        if (advised(bean, advisor)) {
          continue;
        }
        Method method = firstMatch(advisor.getPointcut(), AopUtils.getTargetClass(bean));
        if (method != null) {
          throw new InvalidAlgosureConfigurationException("@" + annotation(advisor.getAdvice()) + " on "
              + method.getDeclaringClass().getName() + "#" + method.getName(), "the bean '" + name + "' is not proxied, so"
              + " the method would run unchecked: it was made before Spring's auto-proxy creator (a dependency of a "
              + "PriorityOrdered BeanPostProcessor or of a BeanFactoryPostProcessor) or registered as a ready-made "
              + "object; inject it lazily there (ObjectProvider) or let Spring make it as an ordinary bean");
        }
      }
    }
  }

  private static boolean advised(Object bean, Advisor advisor) {
    if (!(bean instanceof Advised advised)) {
      return false;
    }
    for (Advisor a : advised.getAdvisors()) {
      if (a == advisor || a.getAdvice() == advisor.getAdvice()) {
        return true;
      }
    }
    return false;
  }

  /** The first method of the class (or its interfaces) the advisor would intercept, as the proxy creator asks. */
  private static @Nullable Method firstMatch(Pointcut pointcut, Class<?> targetClass) {
    if (!pointcut.getClassFilter().matches(targetClass)) {
      return null;
    }
    Set<Class<?>> classes = new LinkedHashSet<>();
    if (!java.lang.reflect.Proxy.isProxyClass(targetClass)) {
      classes.add(ClassUtils.getUserClass(targetClass));
    }
    classes.addAll(ClassUtils.getAllInterfacesForClassAsSet(targetClass));
    for (Class<?> c : classes) {
      Method[] methods;
      try {
        methods = ReflectionUtils.getAllDeclaredMethods(c);
      } catch (LinkageError e) {
        continue; // a class whose methods cannot be loaded cannot be proxied either: not one of the host's services
      }
      for (Method m : methods) {
        if (pointcut.getMethodMatcher().matches(m, targetClass)) {
          return m;
        }
      }
    }
    return null;
  }

  private static @Nullable String annotation(Advice advice) {
    if (advice instanceof AuthorizeMethodInterceptor) {
      return "Authorize";
    }
    return advice instanceof GuardedIntegrationMethodInterceptor ? "GuardedIntegration" : null;
  }
}
