package com.algosure.integration;

import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.ConsentStatus;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 4: an action that declares a consent scope needs a valid consent for the tenant (asked on every call). */
final class ConsentStep implements GuardStep {

  private static final Logger LOG = LoggerFactory.getLogger(ConsentStep.class);

  private final ConsentRegistry consents;
  private final Clock clock;
  private final Auditor auditor;

  ConsentStep(ConsentRegistry consents, Clock clock, Auditor auditor) {
    this.consents = consents;
    this.clock = clock;
    this.auditor = auditor;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    if (c.consentScope.isEmpty()) {
      return c.proceed();
    }
    ConsentScope scope = c.consentScope.get();
    ConsentCheck check;
    try {
      check = consents.check(new ConsentQuery(c.tenant(), c.request.organization(),
          c.request.consentSubject(), scope), clock.instant());
    } catch (Exception e) { // host code, a checked exception thrown sneakily included: consent unknown, nothing sent
      LOG.warn("consent registry failed for provider {} scope {}: {}", c.request.provider(), scope, e.getClass().getName());
      check = null;
    }
    if (check != null && check.status() == ConsentStatus.GRANTED) {
      c.consentId = check.consentId().orElse(null);
      return c.proceed();
    }
    OutcomeReason reason;
    if (check == null) {
      reason = OutcomeReason.CONSENT_UNAVAILABLE;
    } else if (check.status() == ConsentStatus.REVOKED) {
      reason = OutcomeReason.CONSENT_REVOKED;
    } else if (check.status() == ConsentStatus.EXPIRED) {
      reason = OutcomeReason.CONSENT_EXPIRED;
    } else {
      reason = OutcomeReason.CONSENT_MISSING;
    }
    Optional<String> consentId = check == null ? Optional.empty() : check.consentId();
    auditor.emit(auditor.event(AuditEventType.INTEGRATION_DENIED, c, "DENIED", reason)
        .detail("consentScope", scope.name())
        .detail("consentId", consentId.orElse(null)));
    return c.denied(reason, "no valid consent of scope " + scope + " for tenant '" + c.request.tenantOrNull() + "' ("
        + reason + ")");
  }
}
