package com.algosure.spring.method;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

/**
 * Parses and evaluates the expressions of the Algosure annotations. Expressions see the method's parameters
 * as variables ({@code #id}, {@code #p0}) through a read-only evaluation context: no type references, no
 * constructors, no assignments; instance methods are allowed so that record accessors ({@code #filing.id()})
 * work. An expression that fails on a call's arguments (such as {@code #filing.id()} with a null
 * {@code filing}, or a method it calls that throws) refuses the call with an {@link InvalidRequestContextException} (400): never a permit, never
 * a 500 carrying SpEL's message. Thread-safe.
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

  /**
   * Evaluates an expression to a string; null where there is no expression or it yields null.
   *
   * @param attribute the annotation and attribute, such as {@code @Authorize(resourceId)}
   * @throws InvalidRequestContextException if the expression fails on these arguments (a null it reads through,
   *     a property the argument lacks): the call is refused (400), the method does not run
   */
  static @Nullable String text(@Nullable Expression expression, EvaluationContext ctx, String attribute) {
    Object value = value(expression, ctx, attribute);
    return value == null ? null : value.toString();
  }

  /**
   * Evaluates an expression that names the tenant or the organization to decide in; null only where there is no
   * expression. One that yields null refuses the call: the value the developer bound is unknown for this call, and
   * taking the caller's own in its place (the request's header, the running decision's, the directory's) would decide
   * about another tenant or organization than the one the method acts in.
   *
   * @param attribute the annotation and attribute, such as {@code @Authorize(tenant)}
   * @throws InvalidRequestContextException if the expression fails on these arguments or yields null
   */
  static @Nullable String binding(@Nullable Expression expression, EvaluationContext ctx, String attribute) {
    String value = text(expression, ctx, attribute);
    if (value == null && expression != null) {
      throw new InvalidRequestContextException(attribute, "the expression '" + expression.getExpressionString()
          + "' gave no value for this call, and none is taken from elsewhere in its place: the method was not run");
    }
    return value;
  }

  /**
   * Evaluates an expression; null where there is no expression or it yields null.
   *
   * @param attribute the annotation and attribute, such as {@code @GuardedIntegration(payload)}
   * @throws InvalidRequestContextException if the expression fails on these arguments, or a method it calls throws
   */
  static @Nullable Object value(@Nullable Expression expression, EvaluationContext ctx, String attribute) {
    if (expression == null) {
      return null;
    }
    try {
      return expression.getValue(ctx);
    } catch (EvaluationException e) {
      // the message code only: SpEL's message may quote the argument's values
      throw failed(expression, attribute, e instanceof SpelEvaluationException s ? s.getMessageCode().name()
          : e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      // a method the expression calls threw: SpEL rethrows it unwrapped; its class only, its message may quote values
      throw failed(expression, attribute, e.getClass().getSimpleName());
    }
  }

  private static InvalidRequestContextException failed(Expression expression, String attribute, String code) {
    return new InvalidRequestContextException(attribute, "the expression '" + expression.getExpressionString()
        + "' cannot be evaluated on this call's arguments (" + code + "): the method was not run");
  }

  static String describe(Method method) {
    return method.getDeclaringClass().getName() + "#" + method.getName();
  }
}
