package com.algosure.spring.method;

import com.algosure.authz.OrganizationId;
import com.algosure.spring.InvalidRequestContextException;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * Where an annotation's organization expression and the request (its header or query parameter) both name the
 * active organization, they must name the same one: a conflict is refused, never settled by letting one win
 * (the design's "missing, ambiguous or conflicting context denies").
 */
final class OrganizationAgreement {

  private OrganizationAgreement() {}

  /**
   * @param fromExpression what the annotation's organization expression named
   * @param fromRequest what the request named, if anything
   * @param annotation the annotation's simple name, such as {@code Authorize}
   * @param method the annotated method
   * @return {@code fromExpression}, where the request names no organization or the same one
   * @throws InvalidRequestContextException if the request names another organization (400, reason
   *     {@code REQUEST_CONTEXT_INVALID}); neither value is echoed in the response
   */
  static OrganizationId agreed(OrganizationId fromExpression, Optional<OrganizationId> fromRequest, String annotation,
      Method method) {
    if (fromRequest.isPresent() && !fromRequest.get().equals(fromExpression)) {
      throw new InvalidRequestContextException("organization named by the request and by @" + annotation + "(organization)",
          "they differ (the request names '" + fromRequest.get().value() + "', " + MethodExpressions.describe(method)
              + " names '" + fromExpression.value() + "'): name the same organization, or only one of them");
    }
    return fromExpression;
  }
}
