package com.algosure.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.RoleCatalog;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.IntegrationRequest;
import com.algosure.integration.OutcomeReason;
import com.algosure.spring.AdapterFixtures;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ProblemResponsesTests {

  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private static final IntegrationRequest REQUEST = IntegrationRequest.builder().provider("authority").action("filings:submit")
      .tenant("acme").jsonPayload(Map.of("secret-looking", "payload-value")).build();

  private final ProblemResponses problems = new ProblemResponses("urn:algosure:problem:");

  private AlgosureProblem integration(IntegrationOutcome<?> outcome) {
    return problems.integration(outcome, "p-1", NOW);
  }

  @Test
  void integrationWhenRateLimitedThen429WithRetryAfterInWholeSeconds() {
    AlgosureProblem p = integration(new IntegrationOutcome.RateLimited<>(REQUEST, OutcomeReason.PROVIDER_RATE_LIMITED,
        NOW.plusMillis(30_200), 1));
    assertThat(p.status()).isEqualTo(429);
    assertThat(p.headers()).containsEntry("Retry-After", "31");
    assertThat(p.extensions()).containsEntry("reason", "PROVIDER_RATE_LIMITED").containsEntry("provider", "authority");
  }

  @Test
  void integrationWhenKeyReusedWithAnotherPayloadThen422() {
    assertThat(integration(new IntegrationOutcome.Rejected<>(REQUEST, OutcomeReason.IDEMPOTENCY_KEY_REUSED, Optional.empty(),
        "reused")).status()).isEqualTo(422);
  }

  @Test
  void integrationWhenKeyMissingThen400() {
    assertThat(integration(new IntegrationOutcome.Rejected<>(REQUEST, OutcomeReason.IDEMPOTENCY_KEY_MISSING, Optional.empty(),
        "missing")).status()).isEqualTo(400);
  }

  @Test
  void integrationWhenSameKeyStillInFlightThen409() {
    AlgosureProblem p = integration(new IntegrationOutcome.Duplicate<>(REQUEST, OutcomeReason.DUPLICATE_IN_PROGRESS, Optional.empty()));
    assertThat(p.status()).isEqualTo(409);
    assertThat(p.extensions()).containsEntry("reason", "DUPLICATE_IN_PROGRESS");
  }

  @Test
  void integrationWhenACompletedCallIsReplayedOnlyAsASummaryThenNotReportedAsStillInProgress() {
    AlgosureProblem p = integration(new IntegrationOutcome.Duplicate<>(REQUEST, OutcomeReason.DUPLICATE_COMPLETED, Optional.empty()));
    assertThat(p.status()).isEqualTo(409);
    assertThat(p.extensions()).containsEntry("reason", "DUPLICATE_COMPLETED");
    assertThat(p.detail()).contains("already processed").contains("do not retry").doesNotContain("still being processed");
  }

  @Test
  void integrationWhenReplayOfAFailedFirstCallThenAnswersAsThatCallAndSaysReplayed() {
    IntegrationOutcome<Object> first = new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.RETRIES_EXHAUSTED, 3, 503, "down");
    AlgosureProblem p = integration(new IntegrationOutcome.Duplicate<>(REQUEST, OutcomeReason.DUPLICATE_COMPLETED, Optional.of(first)));
    assertThat(p.status()).isEqualTo(502);
    assertThat(p.extensions()).containsEntry("replayed", true).containsEntry("reason", "RETRIES_EXHAUSTED");
  }

  @Test
  void integrationWhenInvalidResponseThen502() {
    assertThat(integration(new IntegrationOutcome.Rejected<>(REQUEST, OutcomeReason.RESPONSE_INVALID, Optional.of("ev-1"),
        "bad")).status()).isEqualTo(502);
  }

  @Test
  void integrationWhenCircuitOpenThen503() {
    assertThat(integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.CIRCUIT_OPEN, 0, 0, "open")).status()).isEqualTo(503);
  }

  /**
   * Regression: a call the guard failed itself before sending anything (its idempotency or rate-limit store, the
   * secrets or the audit sink did not answer) was answered 502 "The provider could not be reached or failed", blaming a
   * provider that was not called (or not called again).
   */
  @ParameterizedTest
  @EnumSource(value = OutcomeReason.class, names = {"SECRET_UNAVAILABLE", "IDEMPOTENCY_UNAVAILABLE",
      "RATE_LIMIT_UNAVAILABLE", "AUDIT_FAILED", "GUARD_FAILURE"})
  void integrationWhenTheGuardFailedBeforeSendingThen503NotBlamingTheProvider(OutcomeReason reason) {
    AlgosureProblem p = integration(new IntegrationOutcome.Failed<>(REQUEST, reason, 0, 0, "store down"));
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("reason", reason.name()).containsEntry("outcome", "FAILED");
    assertThat(p.detail()).contains("not sent to the provider").doesNotContain("provider could not be reached");
  }

  @Test
  void integrationWhenEscalatedThen503WithTheEscalationReference() {
    AlgosureProblem p = integration(new IntegrationOutcome.Escalated<>(REQUEST, OutcomeReason.UNKNOWN_STATE, "esc-9", "ev-9", 1));
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("escalationId", "esc-9");
  }

  @Test
  void integrationWhenConsentMissingThen403() {
    assertThat(integration(new IntegrationOutcome.Denied<>(REQUEST, OutcomeReason.CONSENT_MISSING, Optional.empty(), "no consent"))
        .status()).isEqualTo(403);
  }

  @Test
  void integrationWhenDecisionRequiresApprovalThen428WithTheDecisionId() {
    AuthorizationDecision d = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(com.algosure.authz.PermissionDefinition.of("filings:submit").asHighImpact())
            .role("filing-clerk", "filings:submit").build())
        .directory(AdapterFixtures.directory()).auditSink(com.algosure.audit.AuditSink.inMemory()).build()
        .decide(AuthorizationRequest.builder().actor(AdapterFixtures.user("alice")).organization("sales").action("filings:submit")
            .resource(ResourceRef.of("filing", "f-1")).build());
    assertThat(d.effect()).as(d.toString()).isEqualTo(com.algosure.authz.Effect.APPROVAL_REQUIRED);
    AlgosureProblem p = integration(new IntegrationOutcome.Denied<>(REQUEST, OutcomeReason.APPROVAL_REQUIRED, Optional.of(d), "approval"));
    assertThat(p.status()).isEqualTo(428);
    assertThat(p.extensions()).containsEntry("decisionId", d.decisionId()).containsEntry("reason", "APPROVAL_REQUIRED");
  }

  @Test
  void problemWhenBuiltThenCarriesNoPayload() {
    AlgosureProblem p = integration(new IntegrationOutcome.Rejected<>(REQUEST, OutcomeReason.RESPONSE_INVALID, Optional.empty(), "x"));
    assertThat(p.toString()).doesNotContain("payload-value");
  }
}
