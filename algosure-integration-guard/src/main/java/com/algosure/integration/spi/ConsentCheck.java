package com.algosure.integration.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a {@link ConsentRegistry}.
 *
 * @param status whether the call has consent
 * @param consentId the consent that decided (granted, expired or revoked), if any
 * @since 0.1.0
 */
public record ConsentCheck(ConsentStatus status, Optional<String> consentId) {

  /** @throws NullPointerException if a component is null */
  public ConsentCheck {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(consentId, "consentId");
  }

  /** @return the answer "no consent covers the call" */
  public static ConsentCheck missing() {
    return new ConsentCheck(ConsentStatus.MISSING, Optional.empty());
  }
}
