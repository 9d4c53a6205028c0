package com.algosure.spring.method;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.List;
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
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

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
  private final Map<Class<?>, Boolean> interceptable = new ConcurrentHashMap<>();

  AnnotationRegistry(Class<A> type, BiFunction<A, Method, T> parser) {
    this.type = type;
    this.parser = parser;
  }

  private final Pointcut pointcut = new StaticMethodMatcherPointcut() {
    @Override
    public boolean matches(Method method, Class<?> targetClass) {
      // parses the annotation on the way, so a bad one fails when the bean is proxied
      checkInterceptable(targetClass);
      return find(method, targetClass) != null;
    }
  };

  /** @return the pointcut matching the annotated methods (or the non-private instance methods of annotated types) */
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

  /**
   * Refuses a class with an annotated method a proxy never intercepts. A CGLIB proxy cannot override a final
   * method, so it runs on the proxy itself, and no proxy sees a static or private one: the annotation was
   * silently ignored and the method ran without its decision (or outside the guard). Once per class; the proxy
   * creator asks about the methods only until one matches, so the whole class is looked at here.
   */
  private void checkInterceptable(Class<?> targetClass) {
    if (Proxy.isProxyClass(targetClass) || ClassUtils.isLambdaClass(targetClass)) {
      // proxied through its interfaces (a Spring Data repository, say): its own final methods are never called directly
      return;
    }
    interceptable.computeIfAbsent(ClassUtils.getUserClass(targetClass), c -> {
      for (Method m : ReflectionUtils.getAllDeclaredMethods(c)) {
        int mod = m.getModifiers();
        if (m.getDeclaringClass() == Object.class || m.isBridge() || m.isSynthetic()
            || !(Modifier.isFinal(mod) || Modifier.isStatic(mod) || Modifier.isPrivate(mod))) {
          continue;
        }
        // on the method itself, or a final method of an annotated type, its own or inherited (the type's annotation
        // covers both, as it does when the method is called)
        boolean own = AnnotatedElementUtils.findMergedAnnotation(m, type) != null;
        if (own || coveredByType(mod) && AnnotatedElementUtils.findMergedAnnotation(c, type) != null) {
          String kind = Modifier.isPrivate(mod) ? "private" : Modifier.isStatic(mod) ? "static" : "final";
          throw new InvalidAlgosureConfigurationException("@" + type.getSimpleName() + " on " + MethodExpressions.describe(m),
              "the method is " + kind + ", so no proxy can run the check around it and it would run unchecked: make it a"
                  + " public method that is neither final nor static, called through the bean" + (own ? ""
                      : ", or annotate the methods of " + c.getName() + " instead of the type"));
        }
      }
      return Boolean.TRUE;
    });
  }

  private @Nullable T parse(Method method, @Nullable Class<?> targetClass) {
    if (method.getDeclaringClass() == Object.class) {
      return null;
    }
    Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
    A a = unique(specific, specific);
    if (a == null && coveredByType(specific.getModifiers())) {
      a = unique(targetClass != null ? targetClass : specific.getDeclaringClass(), specific);
    }
    return a == null ? null : parser.apply(a, specific);
  }

  /**
   * Whether a type's annotation covers a method: every method a class-based proxy intercepts when it is called from
   * outside, so protected and package-private ones as well as public ones (a CGLIB proxy overrides them all, and a
   * type-level rule that left them out let them run unchecked); not a private or static one, which no proxy sees.
   */
  private static boolean coveredByType(int modifiers) {
    return !Modifier.isPrivate(modifiers) && !Modifier.isStatic(modifiers);
  }

  /**
   * The one annotation on an element, its overridden methods or supertypes, directly or through an annotation
   * meta-annotated with it. Several different ones fail: the nearest alone was enforced and the others silently
   * dropped (an interface's {@code filings:submit} under its implementation's {@code filings:read}).
   */
  private @Nullable A unique(AnnotatedElement element, Method method) {
    List<A> found = MergedAnnotations.from(element, SearchStrategy.TYPE_HIERARCHY, RepeatableContainers.none())
        .stream(type).map(MergedAnnotation::synthesize).distinct().toList();
    if (found.size() > 1) {
      throw new InvalidAlgosureConfigurationException("@" + type.getSimpleName() + " on " + MethodExpressions.describe(method),
          found.size() + " different ones apply " + (element instanceof Method ? "to the method" : "to its type")
              + " (declared on it, on what it overrides or implements, or through annotations meta-annotated with @"
              + type.getSimpleName() + "), and only one would be enforced: keep one, and check anything further with"
              + " AlgosureAuthorizer in the method");
    }
    return found.isEmpty() ? null : found.get(0);
  }
}
