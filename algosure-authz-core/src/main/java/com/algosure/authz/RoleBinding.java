package com.algosure.authz;

import java.util.Objects;

/**
 * A subject holds a role in a scope. Bindings come from the host's directory; for service accounts they
 * are the only source of permissions.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subject the subject id (a user id or a service account's client id)
 * @param role the role
 * @param scope where the role applies
 * @since 0.1.0
 */
public record RoleBinding(String subject, Role role, BindingScope scope) {

  /** @throws IllegalArgumentException if the subject is not valid */
  public RoleBinding {
    Identifiers.require("subject", subject);
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(scope, "scope");
  }
}
