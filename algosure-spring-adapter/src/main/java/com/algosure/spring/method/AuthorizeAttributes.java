package com.algosure.spring.method;

import static com.algosure.authz.internal.Nullness.messageOf;

import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.spring.Authorize;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.lang.reflect.Method;
import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/** One {@link Authorize} annotation, checked and parsed once. Immutable. */
record AuthorizeAttributes(
    String action,
    String resourceType,
    ResourceRef collection,
    @Nullable Expression resourceId,
    @Nullable Expression tenant,
    @Nullable Expression organization,
    @Nullable Expression approvalId,
    @Nullable Expression task,
    MethodExpressions.Variables variables) {

  static AuthorizeAttributes of(Authorize a, Method method) {
    String where = "@Authorize on " + MethodExpressions.describe(method);
    try {
      Permission.of(a.action());
    } catch (IllegalArgumentException e) {
      throw new InvalidAlgosureConfigurationException(where + " (action)", messageOf(e));
    }
    ResourceRef collection;
    try {
      collection = ResourceRef.type(a.resourceType());
    } catch (IllegalArgumentException e) {
      throw new InvalidAlgosureConfigurationException(where + " (resourceType)", messageOf(e));
    }
    MethodExpressions.Variables v = MethodExpressions.variables(method);
    return new AuthorizeAttributes(a.action(), a.resourceType(), collection,
        MethodExpressions.parse(a.resourceId(), "Authorize", "resourceId", method, v),
        MethodExpressions.parse(a.tenant(), "Authorize", "tenant", method, v),
        MethodExpressions.parse(a.organization(), "Authorize", "organization", method, v),
        MethodExpressions.parse(a.approvalId(), "Authorize", "approvalId", method, v),
        MethodExpressions.parse(a.task(), "Authorize", "task", method, v), v);
  }
}
