package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.method.AuthorizeMethodInterceptor;
import com.algosure.spring.method.GuardedIntegrationMethodInterceptor;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Fails start-up where a bean has an {@code @Authorize} or {@code @GuardedIntegration} method but is not wrapped by the
 * adapter's proxy, so that the method would run unchecked: a bean Spring made before the auto-proxy creator (a
 * dependency of a {@code PriorityOrdered} post-processor, say: Spring logs only that it is "not eligible for getting
 * processed by all BeanPostProcessors"). Only beans Spring made are looked at (a post-processor added with the bean
 * factory post-processors, ahead of all others, sees each one made): an object registered ready-made, such as a test's
 * {@code @MockitoBean} mock, is its registrant's. Looks at the singletons once they are all made; a lazy bean is made
 * later through the proxy creator like any other.
 */
final class UnproxiedBeans implements BeanFactoryPostProcessor, PriorityOrdered, SmartInitializingSingleton {

  private final Set<String> made = ConcurrentHashMap.newKeySet();
  private @Nullable ConfigurableListableBeanFactory beanFactory;

  UnproxiedBeans() {}

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
    this.beanFactory = factory;
    factory.addBeanPostProcessor(new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        made.add(name);
        return bean;
      }
    });
  }

  @Override
  public void afterSingletonsInstantiated() {
    ConfigurableListableBeanFactory beanFactory = this.beanFactory;
    if (beanFactory == null) {
      return; // not run as a bean factory post-processor: nothing was seen made
    }
    List<PointcutAdvisor> advisors = beanFactory.getBeansOfType(Advisor.class, false, false).values().stream()
        .filter(a -> a instanceof PointcutAdvisor && annotation(a.getAdvice()) != null)
        .map(PointcutAdvisor.class::cast).toList();
    if (advisors.isEmpty()) {
      return;
    }
    for (String name : beanFactory.getSingletonNames()) {
      if (!made.contains(name)) {
        continue; // registered ready-made: not Spring's to proxy
      }
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
              + " the method would run unchecked: Spring made it before its auto-proxy creator (a dependency of a "
              + "PriorityOrdered BeanPostProcessor or of a BeanFactoryPostProcessor); inject it lazily there "
              + "(ObjectProvider) so that Spring makes it as an ordinary bean");
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
