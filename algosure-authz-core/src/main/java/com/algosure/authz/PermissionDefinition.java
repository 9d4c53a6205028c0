package com.algosure.authz;

import java.util.Objects;
import java.util.Optional;

/**
 * What the role catalogue declares about a permission: where it applies, which billing feature and limit
 * gate it, and whether it is high impact (needs an approval).
 *
 * <p>Immutable and thread-safe.
 *
 * @param permission the permission
 * @param scope where it applies
 * @param feature the billing feature the tenant's plan must include, if any
 * @param limit the billing limit the action counts against, if any
 * @param highImpact whether the action needs an approval by a second person
 * @since 0.1.0
 */
public record PermissionDefinition(
    Permission permission, PermissionScope scope, Optional<String> feature, Optional<String> limit, boolean highImpact) {

  /** @throws NullPointerException if a component is null */
  public PermissionDefinition {
    Objects.requireNonNull(permission, "permission");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(limit, "limit");
  }

  /**
   * An organization-scoped permission with no entitlement and no approval.
   *
   * @param name the permission's name
   * @return the definition
   */
  public static PermissionDefinition of(String name) {
    return new PermissionDefinition(Permission.of(name), PermissionScope.ORGANIZATION, Optional.empty(), Optional.empty(), false);
  }

  /** @param scope the scope @return a copy with that scope */
  public PermissionDefinition withScope(PermissionScope scope) {
    return new PermissionDefinition(permission, scope, feature, limit, highImpact);
  }

  /** @param feature the billing feature @return a copy gated by that feature */
  public PermissionDefinition withFeature(String feature) {
    return new PermissionDefinition(permission, scope, Optional.of(feature), limit, highImpact);
  }

  /** @param limit the billing limit @return a copy counted against that limit */
  public PermissionDefinition withLimit(String limit) {
    return new PermissionDefinition(permission, scope, feature, Optional.of(limit), highImpact);
  }

  /** @return a copy that is high impact (needs an approval) */
  public PermissionDefinition asHighImpact() {
    return new PermissionDefinition(permission, scope, feature, limit, true);
  }
}
