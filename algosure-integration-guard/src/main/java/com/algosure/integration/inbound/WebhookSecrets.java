package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import java.util.List;

/**
 * Where a {@link StandardWebhooksVerifier} gets the active secrets of a tenant's registration, typically a
 * look-up in the host's {@link com.algosure.integration.spi.SecretStore}. Several secrets are active during a
 * rotation; the source is asked on every verification, so it ends a rotation by no longer returning the rotated-out
 * secret once its overlap is over (the verifier keeps no expiry of its own for a source's secrets). Must be
 * thread-safe; throwing or returning null rejects the callback.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WebhookSecrets {

  /**
   * @param tenant the tenant
   * @return the active secrets ({@code whsec_<base64>} or plain base64, at least 24 bytes; a shorter one rejects the
   *     callback), newest first
   */
  List<Secret> secretsFor(TenantId tenant);
}
