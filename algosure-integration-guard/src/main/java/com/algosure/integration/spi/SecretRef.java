package com.algosure.integration.spi;

import com.algosure.authz.TenantId;

/**
 * The name under which a secret is kept in the host's secrets management, such as
 * {@code acme-mail/api-key}. The reference is what the audit trail records; the value never is.
 *
 * <p>A reference may be a template with the placeholder {@code {tenant}}, such as
 * {@code acme-mail/{tenant}/api-key}, for providers where each tenant has its own credential: the guard
 * resolves it with {@link #forTenant(TenantId)} on each call.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name 1 to 128 letters, digits or {@code . _ - / : @}, without empty or {@code .}/{@code ..}
 *     segments; {@code {tenant}} may appear as a placeholder
 * @since 0.1.0
 */
public record SecretRef(String name) {

  /** The placeholder a template reference names the tenant with. */
  public static final String PLACEHOLDER = "{tenant}";

  /**
   * Checks the name.
   *
   * @throws IllegalArgumentException if the name is null, empty, too long, has other characters or a
   *     {@code .}, {@code ..} or empty path segment
   */
  public SecretRef {
    if (name == null || name.isEmpty() || name.length() > 128) {
      throw new IllegalArgumentException("secret reference must be 1 to 128 characters");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '{' && name.startsWith(PLACEHOLDER, i)) {
        i += PLACEHOLDER.length() - 1;
        continue;
      }
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || c == '/' || c == ':' || c == '@';
      if (!ok) {
        throw new IllegalArgumentException("secret reference has a character other than letters, digits, . _ - / : @ "
            + "or the placeholder {tenant} at index " + i);
      }
    }
    for (String segment : name.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("secret reference '" + name + "' has an empty, '.' or '..' segment");
      }
    }
  }

  /**
   * Creates a reference.
   *
   * @param name the name
   * @return the reference
   * @throws IllegalArgumentException if the name is not valid
   */
  public static SecretRef of(String name) {
    return new SecretRef(name);
  }

  /** @return whether the reference contains the {@code {tenant}} placeholder */
  public boolean isTemplate() {
    return name.contains(PLACEHOLDER);
  }

  /**
   * @param tenant the tenant of the call
   * @return the reference with the placeholder replaced by the tenant's id, or this reference if it has none
   * @throws IllegalArgumentException if the tenant's id makes the reference invalid (such as a {@code ..} segment),
   *     or has a {@code /}: the placeholder takes no more than one segment, or a tenant's id could name another
   *     reference (tenant {@code platform/api-key} in {@code acme-mail/{tenant}} would be {@code acme-mail/platform/api-key})
   */
  public SecretRef forTenant(TenantId tenant) {
    if (!isTemplate()) {
      return this;
    }
    if (tenant.value().indexOf('/') >= 0) {
      throw new IllegalArgumentException("tenant id '" + tenant.value() + "' has a '/', so in secret reference '" + name
          + "' it would name another reference than the tenant's own: give the tenant an id without '/'");
    }
    return new SecretRef(name.replace(PLACEHOLDER, tenant.value()));
  }

  @Override
  public String toString() {
    return name;
  }
}
