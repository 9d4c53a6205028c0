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
  void integrationWhenCircuitOpenWithATrialTimeThen503WithRetryAfterInWholeSeconds() {
    AlgosureProblem p = integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.CIRCUIT_OPEN, 0, 0, "open",
        Optional.of(NOW.plusMillis(44_100))));
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.headers()).containsEntry("Retry-After", "45");
    assertThat(p.extensions()).containsEntry("reason", "CIRCUIT_OPEN").containsEntry("retryAfter", NOW.plusMillis(44_100).toString());
  }

  @Test
  void integrationWhenAFailureNamesNoTimeThenNoRetryAfter() {
    AlgosureProblem p = integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.RETRIES_EXHAUSTED, 3, 503, "down"));
    assertThat(p.headers()).doesNotContainKey("Retry-After");
    assertThat(p.extensions()).doesNotContainKey("retryAfter");
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

  /**
   * A tenant at its own bound of idempotency keys in the shared in-memory store is that tenant's too many requests,
   * not the guard failing for everyone: 429, naming the reason, blaming neither the provider nor the store.
   */
  @Test
  void integrationWhenTheTenantHoldsItsBoundOfIdempotencyKeysThen429() {
    AlgosureProblem p = integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.IDEMPOTENCY_TENANT_LIMIT, 0, 0,
        "tenant 'acme' holds its maximum"));
    assertThat(p.status()).isEqualTo(429);
    assertThat(p.extensions()).containsEntry("reason", "IDEMPOTENCY_TENANT_LIMIT").containsEntry("outcome", "FAILED");
    assertThat(p.detail()).isEqualTo("This tenant has as many requests within their idempotency time to live as this"
        + " service keeps for one tenant, so the call was not sent and nothing was accepted: try again later.");
    assertThat(p.headers()).doesNotContainKey("Retry-After");
  }

  @Test
  void integrationWhenEscalatedThen503WithTheEscalationReference() {
    AlgosureProblem p = integration(new IntegrationOutcome.Escalated<>(REQUEST, OutcomeReason.UNKNOWN_STATE, "esc-9", "ev-9", 1));
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("escalationId", "esc-9");
  }

  /**
   * Regression: a call whose idempotency key was lost after the provider answered (IDEMPOTENCY_KEY_LOST) was answered
   * 503 "the provider's state is unknown ... nothing was accepted", inviting a retry that the lost key no longer
   * stops: the provider had answered, and a retry under the same key sends the call again.
   */
  @Test
  void integrationWhenEscalatedBecauseTheIdempotencyKeyWasLostThen500SayingNotToRetry() {
    AlgosureProblem p = integration(new IntegrationOutcome.Escalated<>(REQUEST, OutcomeReason.IDEMPOTENCY_KEY_LOST, "esc-7",
        "ev-7", 1));
    assertThat(p.status()).isEqualTo(500);
    assertThat(p.extensions()).containsEntry("escalationId", "esc-7").containsEntry("reason", "IDEMPOTENCY_KEY_LOST");
    assertThat(p.detail()).isEqualTo("The provider answered, but this request's Idempotency-Key could not be kept, so a"
        + " retry would send it again: do not retry it; the case was handed over for review.");
    assertThat(p.headers()).doesNotContainKey("Retry-After");
  }

  @Test
  void integrationWhenConsentMissingThen403() {
    assertThat(integration(new IntegrationOutcome.Denied<>(REQUEST, OutcomeReason.CONSENT_MISSING, Optional.empty(), "no consent"))
        .status()).isEqualTo(403);
  }

  @Test
  void integrationWhenDecisionRequiresApprovalThen428WithTheDecisionId() {
    AuthorizationDecision d = approvalRequired();
    AlgosureProblem p = integration(new IntegrationOutcome.Denied<>(REQUEST, OutcomeReason.APPROVAL_REQUIRED, Optional.of(d), "approval"));
    assertThat(p.status()).isEqualTo(428);
    assertThat(p.extensions()).containsEntry("decisionId", d.decisionId()).containsEntry("reason", "APPROVAL_REQUIRED");
  }

  /** alice, a clerk of sales, submits a filing (high impact) without an approval: an approval-required decision. */
  private static AuthorizationDecision approvalRequired() {
    AuthorizationDecision d = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(com.algosure.authz.PermissionDefinition.of("filings:submit").asHighImpact())
            .role("filing-clerk", "filings:submit").build())
        .directory(AdapterFixtures.directory()).auditSink(com.algosure.audit.AuditSink.inMemory()).build()
        .decide(AuthorizationRequest.builder().actor(AdapterFixtures.user("alice")).organization("sales").action("filings:submit")
            .resource(ResourceRef.of("filing", "f-1")).build());
    assertThat(d.effect()).as(d.toString()).isEqualTo(com.algosure.authz.Effect.APPROVAL_REQUIRED);
    return d;
  }

  /** root, a platform administrator without MFA evidence, administers acme across tenants: a step-up decision. */
  private static AuthorizationDecision stepUp() {
    AuthorizationDecision d = PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(com.algosure.authz.PermissionDefinition.of("admin:filings:read")
                .withScope(com.algosure.authz.PermissionScope.TENANT))
            .privilegedRole("platform-admin", "admin:filings:read").build())
        .directory(AdapterFixtures.directory()).auditSink(com.algosure.audit.AuditSink.inMemory()).build()
        .decide(AuthorizationRequest.builder().actor(AdapterFixtures.user("root")).tenant("acme")
            .action("admin:filings:read").resource(ResourceRef.type("filing")).build());
    assertThat(d.effect()).as(d.toString()).isEqualTo(com.algosure.authz.Effect.STEP_UP_REQUIRED);
    return d;
  }

  /**
   * A step-up is 428 (the design's status for a request that needs more than a valid token) with RFC 9470's
   * {@code insufficient_user_authentication} challenge, so that a client reads which authentication to come back with.
   */
  @Test
  void decisionWhenStepUpRequiredThen428WithTheInsufficientUserAuthenticationChallenge() {
    AuthorizationDecision d = stepUp();
    AlgosureProblem p = problems.decision(d);
    assertThat(p.status()).isEqualTo(428);
    assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
        + "error_description=\"multi-factor authentication is required\"");
    assertThat(p.extensions()).containsEntry("reason", "MFA_REQUIRED").containsEntry("effect", "STEP_UP_REQUIRED")
        .containsEntry("decisionId", d.decisionId());
  }

  @Test
  void decisionWhenStepUpRequiredAndMfaAcrValuesKnownThenTheChallengeNamesThemInAcrValues() {
    AlgosureProblem p = new ProblemResponses("urn:algosure:problem:", java.util.List.of("gold", "urn:mace:incommon:iap:silver"))
        .decision(stepUp());
    assertThat(p.status()).isEqualTo(428);
    assertThat(p.headers()).containsEntry("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\", "
        + "error_description=\"multi-factor authentication is required\", acr_values=\"gold urn:mace:incommon:iap:silver\"");
  }

  @Test
  void decisionWhenStepUpRequiredAndAnAcrValueHoldsAQuoteOrBackslashThenEscapedInTheQuotedString() {
    AlgosureProblem p = new ProblemResponses("urn:algosure:problem:", java.util.List.of("a\"b\\c"))
        .decision(stepUp());
    assertThat(p.headers().get("WWW-Authenticate")).endsWith(", acr_values=\"a\\\"b\\\\c\"");
  }

  /** An acr value that would end the header or split the space-separated list is refused, never written. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"2\r\nSet-Cookie: x=1", "two words", "", "caf\u00e9", "a\tb"})
  void constructorWhenAnAcrValueCannotBeWrittenInTheChallengeThenRefused(String acr) {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new ProblemResponses("urn:algosure:problem:", java.util.List.of("gold", acr)))
        .withMessage("stepUpAcrValues[1] is not an acr value the WWW-Authenticate challenge can carry: use visible "
            + "ASCII characters only, at least one, no space");
  }

  @Test
  void decisionWhenApprovalRequiredThenStill428WithoutAChallenge() {
    AuthorizationDecision d = approvalRequired();
    AlgosureProblem p = problems.decision(d);
    assertThat(p.status()).isEqualTo(428);
    assertThat(p.headers()).doesNotContainKey("WWW-Authenticate");
  }

  /** A decision point for alice in sales, with a filing rule, an entitlement source and an audit sink of the test's. */
  private static AuthorizationDecision decide(com.algosure.authz.spi.DomainPolicy rule,
      com.algosure.authz.spi.EntitlementSource entitlements, com.algosure.audit.AuditSink sink) {
    return PolicyDecisionPoint.builder()
        .roleCatalog(RoleCatalog.builder().permission(com.algosure.authz.PermissionDefinition.of("filings:read")
                .withFeature("filings"))
            .role("filing-clerk", "filings:read").build())
        .directory(AdapterFixtures.directory()).entitlements(entitlements).domainPolicy("filing", rule).auditSink(sink)
        .build()
        .decide(AuthorizationRequest.builder().actor(AdapterFixtures.user("alice")).organization("sales").action("filings:read")
            .resource(ResourceRef.of("filing", "f-1")).build());
  }

  private static final com.algosure.authz.spi.EntitlementSource ENTITLED = com.algosure.authz.spi.EntitlementSource.inMemory(
      Map.of(com.algosure.authz.TenantId.of("acme"), com.algosure.authz.spi.Entitlements.features("filings")));

  /**
   * Regression: a decision denied because something the decision point depends on failed (a host SPI threw, the
   * entitlement source or the audit sink did not answer) was answered 403 "forbidden", telling the client it may not
   * do this, when it was not decided at all: it is a 503 (RFC 9110 15.6.4), still a denial, with its reason and id.
   */
  @Test
  void decisionWhenAStageFailedThen503NotForbidden() {
    AuthorizationDecision d = decide((r, c) -> {
      throw new IllegalStateException("filing store down");
    }, ENTITLED, com.algosure.audit.AuditSink.inMemory());
    assertThat(d.reason()).as(d.toString()).isEqualTo(com.algosure.authz.ReasonCode.STAGE_FAILURE);
    assertUnavailable(problems.decision(d), d);
  }

  @Test
  void decisionWhenEntitlementsUnavailableThen503NotForbidden() {
    AuthorizationDecision d = decide((r, c) -> com.algosure.authz.spi.DomainDecision.allow(), t -> {
      throw new IllegalStateException("billing down");
    }, com.algosure.audit.AuditSink.inMemory());
    assertThat(d.reason()).as(d.toString()).isEqualTo(com.algosure.authz.ReasonCode.ENTITLEMENT_UNAVAILABLE);
    assertUnavailable(problems.decision(d), d);
  }

  @Test
  void decisionWhenTheDecisionCouldNotBeAuditedThen503NotForbidden() {
    AuthorizationDecision d = decide((r, c) -> com.algosure.authz.spi.DomainDecision.allow(), ENTITLED, e -> {
      throw new IllegalStateException("audit store down");
    });
    assertThat(d.reason()).as(d.toString()).isEqualTo(com.algosure.authz.ReasonCode.AUDIT_FAILED);
    assertUnavailable(problems.decision(d), d);
  }

  @Test
  void decisionWhenDeniedOnTheMeritsThenStill403() {
    AuthorizationDecision d = decide((r, c) -> com.algosure.authz.spi.DomainDecision.deny("filed"), ENTITLED,
        com.algosure.audit.AuditSink.inMemory());
    assertThat(d.reason()).as(d.toString()).isEqualTo(com.algosure.authz.ReasonCode.DOMAIN_RULE_DENIED);
    assertThat(problems.decision(d).status()).isEqualTo(403);
  }

  @Test
  void integrationWhenItsDecisionFailedThen503WithTheDecisionId() {
    AuthorizationDecision d = decide((r, c) -> {
      throw new IllegalStateException("filing store down");
    }, ENTITLED, com.algosure.audit.AuditSink.inMemory());
    AlgosureProblem p = integration(new IntegrationOutcome.Denied<>(REQUEST, OutcomeReason.AUTHORIZATION_DENIED, Optional.of(d),
        "stage failed"));
    assertUnavailable(p, d);
    assertThat(p.extensions()).containsEntry("provider", "authority");
  }

  private static void assertUnavailable(AlgosureProblem p, AuthorizationDecision d) {
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("reason", d.reason().name()).containsEntry("decisionId", d.decisionId())
        .containsEntry("effect", "DENY");
    assertThat(p.detail()).contains("try again later").doesNotContain("refused (");
  }

  /**
   * Regression: the guard's refusal because the decision point or the consent registry could not answer was a 403,
   * as if the caller lacked the right or the consent; nothing was decided, so it is a 503.
   */
  @ParameterizedTest
  @EnumSource(value = OutcomeReason.class, names = {"AUTHORIZATION_UNAVAILABLE", "CONSENT_UNAVAILABLE"})
  void integrationWhenAuthorizationOrConsentCouldNotBeCheckedThen503(OutcomeReason reason) {
    AlgosureProblem p = integration(new IntegrationOutcome.Denied<>(REQUEST, reason, Optional.empty(), "down"));
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("reason", reason.name()).containsEntry("outcome", "DENIED")
        .containsEntry("decisionId", "p-1");
    assertThat(p.detail()).contains("try again later").contains("nothing was sent");
  }

  /**
   * Regression: a call whose own exchange code (the host's) failed before anything was sent was a 502 "The provider
   * could not be reached or failed", blaming a provider that never saw the request; it is the service's own error, 500.
   */
  @Test
  void integrationWhenTheHostsExchangeFailedBeforeSendingThen500NotBlamingTheProvider() {
    AlgosureProblem p = integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.CALL_FAILED, 0, 0, "bug"));
    assertThat(p.status()).isEqualTo(500);
    assertThat(p.extensions()).containsEntry("reason", "CALL_FAILED").containsEntry("decisionId", "p-1");
    assertThat(p.detail()).contains("not sent to the provider").doesNotContain("provider could not be reached");
  }

  @Test
  void integrationWhenTheProviderAnsweredAnErrorThenStill502() {
    assertThat(integration(new IntegrationOutcome.Failed<>(REQUEST, OutcomeReason.PROVIDER_ERROR, 1, 400, "bad")).status())
        .isEqualTo(502);
  }

  /**
   * Regression: a token the service could not check because the issuer's JWKS was unreachable (past the outage grace)
   * was answered 401 invalid_token "get a new token", sending every client to the issuer for a new token that fails
   * the same way; the token was not found invalid, the service could not check it: 503, no invalid_token challenge.
   */
  @Test
  void tokenRejectedWhenTheIssuersKeysAreUnavailableThen503NotInvalidToken() {
    AlgosureProblem p = problems.tokenRejected("JWKS_UNAVAILABLE", "p-2");
    assertThat(p.status()).isEqualTo(503);
    assertThat(p.extensions()).containsEntry("reason", "JWKS_UNAVAILABLE").containsEntry("decisionId", "p-2");
    assertThat(p.headers()).doesNotContainKey("WWW-Authenticate");
    assertThat(p.detail()).contains("try again later").doesNotContain("Get a new token");
  }

  @Test
  void tokenRejectedWhenExpiredThenStill401InvalidToken() {
    AlgosureProblem p = problems.tokenRejected("EXPIRED", "p-3");
    assertThat(p.status()).isEqualTo(401);
    assertThat(p.headers().get("WWW-Authenticate")).contains("invalid_token");
  }

  @Test
  void problemWhenBuiltThenCarriesNoPayload() {
    AlgosureProblem p = integration(new IntegrationOutcome.Rejected<>(REQUEST, OutcomeReason.RESPONSE_INVALID, Optional.empty(), "x"));
    assertThat(p.toString()).doesNotContain("payload-value");
  }
}
