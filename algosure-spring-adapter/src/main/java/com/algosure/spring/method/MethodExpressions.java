package com.algosure.spring.method;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * Parses and evaluates the expressions of the Algosure annotations. Expressions see the method's parameters
 * as variables ({@code #id}, {@code #p0}) through a read-only evaluation context: no type references, no
 * constructors, no assignments; instance methods are allowed so that record accessors ({@code #filing.id()})
 * work. Thread-safe.
 */
final class MethodExpressions {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

  private MethodExpressions() {}

  /** Parses one attribute; an empty attribute is no expression. */
  static @Nullable Expression parse(String text, String annotation, String attribute, Method method) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return PARSER.parseExpression(text);
    } catch (ParseException e) {
      throw new InvalidAlgosureConfigurationException("@" + annotation + "(" + attribute + ") on " + describe(method),
          "'" + text + "' is not a valid expression (" + e.getSimpleMessage() + "): use a parameter such as #id or #filing.id()", e);
    }
  }

  /** A context for one invocation: one variable per parameter, by name and by position. */
  static EvaluationContext context(Method method, @Nullable Object[] args) {
    SimpleEvaluationContext ctx = SimpleEvaluationContext.forReadOnlyDataBinding().withInstanceMethods().build();
    String[] names = NAMES.getParameterNames(method);
    for (int i = 0; i < args.length; i++) {
      ctx.setVariable("p" + i, args[i]);
      ctx.setVariable("a" + i, args[i]);
      if (names != null && i < names.length) {
        ctx.setVariable(names[i], args[i]);
      }
    }
    return ctx;
  }

  /** Evaluates an expression to a string; null where there is no expression or it yields null. */
  static @Nullable String text(@Nullable Expression expression, EvaluationContext ctx) {
    if (expression == null) {
      return null;
    }
    Object value = expression.getValue(ctx);
    return value == null ? null : value.toString();
  }

  static String describe(Method method) {
    return method.getDeclaringClass().getName() + "#" + method.getName();
  }
}
