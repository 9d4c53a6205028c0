package com.algosure.spring.method;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds an annotation on a method (or, failing that, on its class) and keeps what it parsed from it, per
 * method and target class, so that an expression is parsed once and never per call. Thread-safe.
 *
 * @param <A> the annotation
 * @param <T> what is parsed from it
 */
final class AnnotationRegistry<A extends Annotation, T> {

  private final Class<A> type;
  private final BiFunction<A, Method, T> parser;
  private final Map<MethodClassKey, Optional<T>> cache = new ConcurrentHashMap<>();

  AnnotationRegistry(Class<A> type, BiFunction<A, Method, T> parser) {
    this.type = type;
    this.parser = parser;
  }

  private final Pointcut pointcut = new StaticMethodMatcherPointcut() {
    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      // parses the annotation on the way, so a bad one fails when the bean is proxied
      return find(method, targetClass) != null;
    }
  };

  /** @return the pointcut matching the annotated methods (or public methods of annotated types) */
  Pointcut pointcut() {
    return pointcut;
  }

  /** @return what was parsed from the annotation of the invoked method, or null if it has none */
  @Nullable T find(MethodInvocation invocation) {
    Object target = invocation.getThis();
    return find(invocation.getMethod(), target == null ? null : AopUtils.getTargetClass(target));
  }

  @Nullable T find(Method method, @Nullable Class<?> targetClass) {
    return cache.computeIfAbsent(new MethodClassKey(method, targetClass), k -> Optional.ofNullable(parse(method, targetClass)))
        .orElse(null);
  }

  private @Nullable T parse(Method method, @Nullable Class<?> targetClass) {
    if (method.getDeclaringClass() == Object.class) {
      return null;
    }
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    A a = AnnotatedElementUtils.findMergedAnnotation(specific, type);
    if (a == null && Modifier.isPublic(specific.getModifiers())) {
      a = AnnotatedElementUtils.findMergedAnnotation(targetClass != null ? targetClass : specific.getDeclaringClass(), type);
    }
    return a == null ? null : parser.apply(a, specific);
  }
}
