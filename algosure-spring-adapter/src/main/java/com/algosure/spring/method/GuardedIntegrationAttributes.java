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
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

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
    @Nullable Expression task) {

  static GuardedIntegrationAttributes of(GuardedIntegration g, Method method) {
    String where = "@GuardedIntegration on " + MethodExpressions.describe(method);
    Class<?> returns = method.getReturnType();
    if (returns == void.class || returns == Void.class) {
      throw new InvalidAlgosureConfigurationException(where,
          "the method returns nothing: return the provider's answer, which becomes the accepted value");
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
    return new GuardedIntegrationAttributes(provider, g.action(), scope, type,
        MethodExpressions.parse(g.idempotencyKey(), a, "idempotencyKey", method),
        MethodExpressions.parse(g.payload(), a, "payload", method),
        MethodExpressions.parse(g.resourceId(), a, "resourceId", method),
        MethodExpressions.parse(g.tenant(), a, "tenant", method),
        MethodExpressions.parse(g.organization(), a, "organization", method),
        MethodExpressions.parse(g.approvalId(), a, "approvalId", method),
        MethodExpressions.parse(g.task(), a, "task", method));
  }

  private static <T> T valid(Supplier<T> value, String property) {
    try {
      return value.get();
    } catch (IllegalArgumentException e) {
      throw new InvalidAlgosureConfigurationException(property, messageOf(e));
    }
  }
}
