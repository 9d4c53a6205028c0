package com.algosure.spring.method;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Parses and evaluates the expressions of the Algosure annotations. Expressions see the method's parameters
 * as variables ({@code #id}, {@code #p0}) through a read-only evaluation context: no type references, no
 * constructors, no assignments; instance methods are allowed so that record accessors ({@code #filing.id()})
 * work. An expression that fails on a call's arguments (such as {@code #filing.id()} with a null
 * {@code filing}, an index past the end of an argument, or a method it calls that throws) refuses the call with an
 * {@link InvalidRequestContextException} (400): never a permit, never a 500 carrying SpEL's message. An expression
 * that does not fit the method (a method or property its argument's type lacks, a type reference the read-only context
 * refuses) fails whatever the caller sent: that is the service's own error, thrown as an
 * {@link InvalidAlgosureConfigurationException} naming the method and the expression (a 500), never blamed on the
 * caller with a 400. An expression reading a variable that is no parameter of the method (a misspelling, or any name
 * where the class was compiled without {@code -parameters}) fails when the bean is proxied: SpEL would read it as null
 * on every call. The names are those of the annotated method and of what it implements or overrides, bound by position
 * whichever proxy intercepts the call ({@link Variables}); a name two of them give to different parameters fails too.
 * Thread-safe.
 */
final class MethodExpressions {

  private static final ExpressionParser PARSER = new SpelExpressionParser();
  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();
  private static final Pattern POSITIONAL = Pattern.compile("[pa]\\d{1,3}");

  /**
   * SpEL's failures that depend on the call's arguments (a null read through, an index past an argument's end, a method
   * that threw on them): the caller's request. Any other failure is the expression's own, on any call.
   */
  private static final Set<SpelMessage> ON_THE_ARGUMENTS = EnumSet.of(SpelMessage.METHOD_CALL_ON_NULL_OBJECT_NOT_ALLOWED,
      SpelMessage.PROPERTY_OR_FIELD_NOT_READABLE_ON_NULL, SpelMessage.CANNOT_INDEX_INTO_NULL_VALUE,
      SpelMessage.ARRAY_INDEX_OUT_OF_BOUNDS, SpelMessage.COLLECTION_INDEX_OUT_OF_BOUNDS,
      SpelMessage.STRING_INDEX_OUT_OF_BOUNDS, SpelMessage.EXCEPTION_DURING_METHOD_INVOCATION);

  private MethodExpressions() {}

  /** Parses one attribute against the variables the method's calls will have; an empty attribute is no expression. */
  static @Nullable Expression parse(String text, String annotation, String attribute, Method method, Variables variables) {
    if (text.isBlank()) {
      return null;
    }
    Expression expression;
    try {
      expression = PARSER.parseExpression(text);
    } catch (ParseException e) {
      throw new InvalidAlgosureConfigurationException("@" + annotation + "(" + attribute + ") on " + describe(method),
          "'" + text + "' is not a valid expression (" + e.getSimpleMessage() + "): use a parameter such as #id or #filing.id()", e);
    }
    if (expression instanceof SpelExpression spel) {
      checkVariables(spel.getAST(), text, annotation, attribute, method, variables);
    }
    return expression;
  }

  /**
   * Refuses a variable that is no parameter of the method: SpEL reads an unknown variable as null, on every call, so a
   * misspelled name (or every name, where the class was compiled without {@code -parameters}) refused each call as the
   * caller's fault, or left a payload out of the request and its idempotency fingerprint. Refuses a name that the
   * method and what it implements or overrides give to different parameters: which argument it read depended on the
   * proxy.
   */
  private static void checkVariables(SpelNode node, String text, String annotation, String attribute, Method method,
      Variables variables) {
    if (node instanceof VariableReference) {
      String name = node.toStringAST().substring(1);
      String where = "@" + annotation + "(" + attribute + ") on " + describe(method);
      String conflict = variables.conflicts.get(name);
      if (conflict != null) {
        throw new InvalidAlgosureConfigurationException(where, "'" + text + "' reads #" + name + ", which names "
            + conflict + ": it would read another argument depending on the proxy; name the parameters alike, or use #p0");
      }
      if (!variables.known(name)) {
        Set<String> names = variables.names;
        throw new InvalidAlgosureConfigurationException(where,
            "'" + text + "' reads #" + name + ", which is no parameter of the method ("
                + (names == null ? "its parameter names are not in the class: compile it with -parameters, or use #p0"
                    : names.isEmpty() ? "it has none" : "its parameters: #" + String.join(", #", names) + ", or #p0")
                + " and so on): it would be null on every call");
      }
    }
    for (int i = 0; i < node.getChildCount(); i++) {
      checkVariables(node.getChild(i), text, annotation, attribute, method, variables);
    }
  }

  /**
   * The variables the expressions of an annotated method see at every call, whichever proxy intercepts it: the
   * parameter names of the method (the most specific, the target class's), of the interface methods it implements and of
   * the superclass methods it overrides, each bound to its position. A class-based proxy intercepts the call as the
   * class's method and an interface-based one as the interface's, with other names where the implementation renamed
   * them; binding them all, by position, makes the interface's {@code #id} read the same argument through either.
   *
   * @param method the most specific method, whose annotation was found
   * @return the variables
   */
  static Variables variables(Method method) {
    List<Method> declarations = new ArrayList<>();
    declarations.add(method);
    Class<?>[] types = method.getParameterTypes();
    for (Class<?> c = method.getDeclaringClass().getSuperclass(); c != null && c != Object.class; c = c.getSuperclass()) {
      Method declared = ReflectionUtils.findMethod(c, method.getName(), types);
      if (declared != null && !declarations.contains(declared)) {
        declarations.add(declared);
      }
    }
    for (Class<?> declaring : ClassUtils.getAllInterfacesForClassAsSet(method.getDeclaringClass())) {
      Method declared = ClassUtils.getMethodIfAvailable(declaring, method.getName(), types);
      if (declared != null && !declarations.contains(declared)) {
        declarations.add(declared);
      }
    }
    Map<String, Integer> positions = new LinkedHashMap<>();
    Map<String, String> namedIn = new HashMap<>();
    Map<String, String> conflicts = new LinkedHashMap<>();
    boolean known = false;
    for (Method m : declarations) {
      String[] found = NAMES.getParameterNames(m);
      if (found == null) {
        continue;
      }
      known = true;
      for (int i = 0; i < found.length; i++) {
        Integer before = positions.putIfAbsent(found[i], i);
        namedIn.putIfAbsent(found[i], describe(m));
        if (before != null && before != i && !conflicts.containsKey(found[i])) {
          conflicts.put(found[i], "parameter " + before + " of " + namedIn.getOrDefault(found[i], "")
              + " but parameter " + i + " of " + describe(m));
        }
      }
    }
    conflicts.keySet().forEach(positions::remove);
    return new Variables(known ? new LinkedHashSet<>(positions.keySet()) : null, Map.copyOf(positions),
        Map.copyOf(conflicts), method.getParameterCount());
  }

  /**
   * The variables of an annotated method's calls: {@code #p0}, {@code #a0} and so on, and each parameter name whose
   * position is the same wherever the method is declared. Immutable and thread-safe.
   */
  static final class Variables {

    private final @Nullable Set<String> names;
    private final Map<String, Integer> positions;
    private final Map<String, String> conflicts;
    private final int parameters;

    private Variables(@Nullable Set<String> names, Map<String, Integer> positions, Map<String, String> conflicts,
        int parameters) {
      this.names = names;
      this.positions = positions;
      this.conflicts = conflicts;
      this.parameters = parameters;
    }

    private boolean known(String name) {
      if (name.equals("root") || name.equals("this")) {
        return true;
      }
      if (POSITIONAL.matcher(name).matches()) {
        return Integer.parseInt(name.substring(1)) < parameters;
      }
      return positions.containsKey(name);
    }

    /** @return a context for one invocation: one variable per parameter, by name and by position */
    EvaluationContext context(@Nullable Object[] args) {
      SimpleEvaluationContext ctx = SimpleEvaluationContext.forReadOnlyDataBinding().withInstanceMethods().build();
      for (int i = 0; i < args.length; i++) {
        ctx.setVariable("p" + i, args[i]);
        ctx.setVariable("a" + i, args[i]);
      }
      positions.forEach((name, i) -> {
        if (i < args.length) {
          ctx.setVariable(name, args[i]);
        }
      });
      return ctx;
    }
  }

  /**
   * Evaluates an expression to a string; null where there is no expression or it yields null.
   *
   * @param attribute the annotation and attribute, such as {@code @Authorize(resourceId)}
   * @param method the annotated method, named where the expression does not fit it
   * @throws InvalidRequestContextException if the expression fails on these arguments (a null it reads through):
   *     the call is refused (400), the method does not run
   * @throws InvalidAlgosureConfigurationException if the expression does not fit the method (500)
   */
  static @Nullable String text(@Nullable Expression expression, EvaluationContext ctx, String attribute, Method method) {
    Object value = value(expression, ctx, attribute, method);
    return value == null ? null : value.toString();
  }

  /**
   * Evaluates an expression that names the tenant or the organization to decide in; null only where there is no
   * expression. One that yields null refuses the call: the value the developer bound is unknown for this call, and
   * taking the caller's own in its place (the request's header, the running decision's, the directory's) would decide
   * about another tenant or organization than the one the method acts in.
   *
   * @param attribute the annotation and attribute, such as {@code @Authorize(tenant)}
   * @param method the annotated method
   * @throws InvalidRequestContextException if the expression fails on these arguments or yields null
   * @throws InvalidAlgosureConfigurationException if the expression does not fit the method (500)
   */
  static @Nullable String binding(@Nullable Expression expression, EvaluationContext ctx, String attribute, Method method) {
    String value = text(expression, ctx, attribute, method);
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
   * @param method the annotated method
   * @throws InvalidRequestContextException if the expression fails on these arguments, or a method it calls throws
   * @throws InvalidAlgosureConfigurationException if the expression does not fit the method (500)
   */
  static @Nullable Object value(@Nullable Expression expression, EvaluationContext ctx, String attribute, Method method) {
    if (expression == null) {
      return null;
    }
    try {
      return expression.getValue(ctx);
    } catch (EvaluationException e) {
      // the message code only: SpEL's message may quote the argument's values
      if (e instanceof SpelEvaluationException s && ON_THE_ARGUMENTS.contains(s.getMessageCode())) {
        throw failed(expression, attribute, s.getMessageCode().name());
      }
      throw new InvalidAlgosureConfigurationException(attribute + " on " + describe(method), "the expression '"
          + expression.getExpressionString() + "' does not fit the method's parameters ("
          + (e instanceof SpelEvaluationException s ? s.getMessageCode().name() : e.getClass().getSimpleName())
          + "), whatever the caller sends: fix the expression, such as #id or #filing.id(); the method was not run");
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
