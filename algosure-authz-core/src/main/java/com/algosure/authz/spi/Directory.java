package com.algosure.authz.spi;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.RoleBinding;
import com.algosure.authz.TenantId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The host's identity and organization records: the truth that tokens only hint at. Tenant access,
 * organization membership, which tenant an organization belongs to, and role bindings all come from here.
 *
 * <p>Implementations must be thread-safe. A method that throws or returns null makes the decision deny
 * (fail closed). Returning precomputed immutable collections keeps the decision path allocation-free.
 *
 * @since 0.1.0
 */
public interface Directory {

  /**
   * @param subject a subject id (user id or service-account client id)
   * @return the tenants the subject has access to; empty if none
   */
  Set<TenantId> tenantsOf(String subject);

  /**
   * @param subject a subject id
   * @param tenant a tenant
   * @return the organizations of that tenant the subject is a member of; empty if none
   */
  Set<OrganizationId> organizationsOf(String subject, TenantId tenant);

  /**
   * @param organization an organization
   * @return the tenant it belongs to, empty if the organization is unknown
   */
  Optional<TenantId> tenantOf(OrganizationId organization);

  /**
   * @param subject a subject id
   * @return every role binding of the subject, in any scope; empty if none
   */
  List<RoleBinding> bindingsOf(String subject);

  /** @return a builder for an in-memory directory */
  static InMemoryDirectory.Builder inMemory() {
    return InMemoryDirectory.builder();
  }
}
