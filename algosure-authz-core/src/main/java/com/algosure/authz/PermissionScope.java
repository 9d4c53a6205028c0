package com.algosure.authz;

/**
 * Where a permission applies, and so which role bindings can grant it:
 *
 * <table>
 *   <caption>Which binding grants which permission</caption>
 *   <tr><th>binding scope</th><th>{@link #ORGANIZATION} permission</th><th>{@link #TENANT} permission</th></tr>
 *   <tr><td>platform</td><td>yes (in a tenant the subject has access to, in an organization it is a member of)</td><td>yes (same)</td></tr>
 *   <tr><td>tenant</td><td>yes, in each organization of the tenant</td><td>yes</td></tr>
 *   <tr><td>organization</td><td>yes, in that organization only, for a member of it</td><td>never, whether or not the request
 *       names that organization</td></tr>
 * </table>
 *
 * <p>Naming an organization in a request only ever narrows: it is checked (it must belong to the tenant, and the
 * subject must be a member or hold a tenant-wide role), and never makes an organization's role count for the
 * tenant as a whole.
 *
 * @since 0.1.0
 */
public enum PermissionScope {
  /** The action needs an active organization, explicitly resolved (the default: the narrower one). */
  ORGANIZATION,
  /**
   * The action applies to the tenant as a whole; an organization, if named, is still checked. Only a platform or
   * tenant binding (or a token role, where tenant access is confirmed) grants it.
   */
  TENANT
}
