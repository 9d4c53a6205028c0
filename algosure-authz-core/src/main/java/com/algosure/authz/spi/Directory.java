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
 * <p>Users and service accounts are two namespaces. The decision point looks a user (or the user an agent acts
 * for) up by user id in this directory, and a service account up by client id in {@link #serviceAccounts()}, so
 * that a client id equal to a user id never gets that user's tenants, memberships or bindings.
 *
 * <p>Implementations must be thread-safe. A method that throws or returns null makes the decision deny
 * (fail closed). Returning precomputed immutable collections keeps the decision path allocation-free.
 *
 * @since 0.1.0
 */
public interface Directory {

  /**
   * @param subject a subject id: a user id here, a client id in {@link #serviceAccounts()}
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
   * @return every role binding of the subject, in any scope, each naming exactly that subject (a binding of another
   *     subject, a case variant included, makes the decision deny); empty if none
   */
  List<RoleBinding> bindingsOf(String subject);

  /**
   * The service accounts' records, looked up by client id: a directory whose {@link #tenantsOf},
   * {@link #organizationsOf} and {@link #bindingsOf} answer for service accounts only, never with a user's
   * records (its {@link #tenantOf} answers as this directory's). The decision point asks for it once, when it is
   * built, and uses the answer for every service account's decision.
   *
   * <p>The default answers nothing for any client (no tenant, no organization, no binding), so a directory that
   * does not override this method denies every service account rather than give one a user's access (fail
   * closed). Override it to answer from your clients' records; a directory whose user ids and client ids can never
   * be equal (its own prefix for clients, say) may return {@code this}.
   *
   * @return the service accounts' directory, never null
   * @since 0.1.0
   */
  default Directory serviceAccounts() {
    return new NoServiceAccounts(this);
  }

  /** @return a builder for an in-memory directory */
  static InMemoryDirectory.Builder inMemory() {
    return InMemoryDirectory.builder();
  }
}
