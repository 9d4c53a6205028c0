package com.algosure.integration.spi;

import com.algosure.authz.OrganizationId;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import java.util.Objects;
import java.util.Optional;

/**
 * What a call needs consent for.
 *
 * @param tenant the tenant
 * @param organization the active organization, if any
 * @param subject the data subject the call is about, if the caller named one
 * @param scope the scope the provider action declares
 * @since 0.1.0
 */
public record ConsentQuery(TenantId tenant, Optional<OrganizationId> organization, Optional<String> subject,
    ConsentScope scope) {

  /** @throws NullPointerException if a component is null */
  public ConsentQuery {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(scope, "scope");
  }
}
