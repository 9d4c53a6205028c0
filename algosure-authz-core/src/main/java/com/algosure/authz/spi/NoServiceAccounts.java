package com.algosure.authz.spi;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.RoleBinding;
import com.algosure.authz.TenantId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Directory#serviceAccounts()} of a directory that does not declare its service accounts: it knows no
 * client, so every service account is denied (fail closed). Organizations are the directory's. Thread-safe if the
 * directory is.
 */
final class NoServiceAccounts implements Directory {

  private final Directory organizations;

  NoServiceAccounts(Directory organizations) {
    this.organizations = Objects.requireNonNull(organizations, "organizations");
  }

  @Override
  public Set<TenantId> tenantsOf(String subject) {
    return Set.of();
  }

  @Override
  public Set<OrganizationId> organizationsOf(String subject, TenantId tenant) {
    return Set.of();
  }

  @Override
  public Optional<TenantId> tenantOf(OrganizationId organization) {
    return organizations.tenantOf(organization);
  }

  @Override
  public List<RoleBinding> bindingsOf(String subject) {
    return List.of();
  }

  /** @return this: it knows no service account either */
  @Override
  public Directory serviceAccounts() {
    return this;
  }

  @Override
  public String toString() {
    return "no service accounts (" + organizations.getClass().getSimpleName() + " does not override"
        + " Directory.serviceAccounts())";
  }
}
