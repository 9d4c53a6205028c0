package com.algosure.spring.method;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.ProviderId;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;

/** One {@link GuardedIntegration} annotation, checked and parsed once. Immutable. */
record GuardedIntegrationAttributes(
    ProviderId provider,
    String action,
    Optional<ConsentScope> consentScope,
    @Nullable String resourceType,
    @Nullable Expression idempotencyKey,
    @Nullable Expression payload,
    @Nullable Expression resourceId,
    @Nullable Expression tenant,
    @Nullable Expression organization,
    @Nullable Expression approvalId,
    @Nullable Expression task,
    MethodExpressions.Variables variables) {

  /** Return types of an answer still to come, by name. */
  private static final Set<String> PENDING = Set.of("java.util.concurrent.Future", "java.util.concurrent.CompletionStage",
      "java.util.concurrent.Flow$Publisher", "org.reactivestreams.Publisher", "kotlinx.coroutines.Deferred");

  static GuardedIntegrationAttributes of(GuardedIntegration g, Method method) {
    String where = "@GuardedIntegration on " + MethodExpressions.describe(method);
    Class<?> returns = method.getReturnType();
    if (returns == void.class || returns == Void.class) {
      throw new InvalidAlgosureConfigurationException(where,
          "the method returns nothing: return the provider's answer, which becomes the accepted value");
    }
    if (stillToCome(returns)) {
      throw new InvalidAlgosureConfigurationException(where, "the method returns a " + returns.getSimpleName()
          + ", an answer still to come: the guard would take it as the provider's accepted answer as soon as the method "
          + "returns, before the provider has answered, so no retry, timeout or check of the answer would apply and a "
          + "failed call would be audited and replayed as accepted; return the provider's answer itself, once it has it");
    }
    ProviderId provider = valid(() -> ProviderId.of(g.provider()), where + " (provider)");
    valid(() -> Permission.of(g.action()), where + " (action)");
    Optional<ConsentScope> scope = g.consentScope().isEmpty() ? Optional.empty()
        : Optional.of(valid(() -> ConsentScope.of(g.consentScope()), where + " (consentScope)"));
    String type = g.resourceType().isEmpty() ? null : valid(() -> ResourceRef.type(g.resourceType()), where + " (resourceType)").type();
    if (type == null && !g.resourceId().isEmpty()) {
      throw new InvalidAlgosureConfigurationException(where + " (resourceId)", "set resourceType too");
    }
    String a = "GuardedIntegration";
    MethodExpressions.Variables v = MethodExpressions.variables(method);
    return new GuardedIntegrationAttributes(provider, g.action(), scope, type,
        MethodExpressions.parse(g.idempotencyKey(), a, "idempotencyKey", method, v),
        MethodExpressions.parse(g.payload(), a, "payload", method, v),
        MethodExpressions.parse(g.resourceId(), a, "resourceId", method, v),
        MethodExpressions.parse(g.tenant(), a, "tenant", method, v),
        MethodExpressions.parse(g.organization(), a, "organization", method, v),
        MethodExpressions.parse(g.approvalId(), a, "approvalId", method, v),
        MethodExpressions.parse(g.task(), a, "task", method, v), v);
  }

  /**
   * Whether a return type is an answer still to come: a future, a completion stage or a reactive publisher (by name, so
   * that no reactive library is needed), which the method returns before the provider has answered.
   */
  private static boolean stillToCome(Class<?> returns) {
    for (Class<?> c = returns; c != null; c = c.getSuperclass()) {
      if (PENDING.contains(c.getName())
          || ClassUtils.getAllInterfacesForClassAsSet(c).stream().anyMatch(i -> PENDING.contains(i.getName()))) {
        return true;
      }
    }
    return false;
  }

  private static <T> T valid(Supplier<T> value, String property) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidAlgosureConfigurationException(property, messageOf(e));
    }
  }
}
