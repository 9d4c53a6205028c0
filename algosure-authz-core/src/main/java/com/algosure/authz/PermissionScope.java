package com.algosure.authz;

/**
 * Where a permission applies.
 *
 * @since 0.1.0
 */
public enum PermissionScope {
  /** The action needs an active organization, explicitly resolved (the default: the narrower one). */
  ORGANIZATION,
  /** The action applies to the tenant as a whole; an organization, if named, is still checked. */
  TENANT
}
