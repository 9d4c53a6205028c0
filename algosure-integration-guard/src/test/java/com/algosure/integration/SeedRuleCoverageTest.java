package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every row of the Integration Security seed's "Security Rules" and "Error and Retry Rules" tables, mapped
 * to the tests that show it. The test below checks that each named test exists (and is a JUnit test), so
 * the table cannot silently rot when a test is renamed or removed.
 */
class SeedRuleCoverageTest {

  static final Map<String, List<String>> RULES = new LinkedHashMap<>();

  static {
    // Security Rules
    RULES.put("Tenant context required", List.of(
        "IntegrationGuardPolicyTest#executeWhenTenantIsMissingThenDeniedBeforeAnythingElse",
        "IntegrationGuardPolicyTest#executeWhenActorIsMissingThenDeniedBeforeAuthorization",
        "IntegrationGuardHttpTest#executeWhenTenantLimitIsUsedUpThenRateLimitedWithoutCallingAndOtherTenantsGoOn",
        "inbound.CallbackGuardTest#handleWhenTenantCannotBeResolvedThenRejectedBeforeTheSignature"));
    RULES.put("Authorization required", List.of(
        "IntegrationGuardPolicyTest#executeWhenThePdpDeniesThenDeniedWithTheDecisionAuditedOnceByThePdp",
        "IntegrationGuardPolicyTest#executeWhenTheActionIsHighImpactWithoutApprovalThenDeniedWithTheApprovalRequiredDecision",
        "IntegrationGuardPolicyTest#executeWhenAnAgentCallsAProviderThatNeedsSecretsThenDeniedAndNoSecretIsResolved"));
    RULES.put("Consent required", List.of(
        "IntegrationGuardHttpTest#executeWhenConsentRevokedThenDeniedAndProviderReceivesNothing",
        "IntegrationGuardPolicyTest#executeWhenNoConsentThenDeniedAuditedAndNothingSent",
        "IntegrationGuardPolicyTest#executeWhenConsentExpiredThenDenied",
        "IntegrationGuardPolicyTest#executeWhenConsentIsLimitedToAnotherSubjectThenDenied",
        "IntegrationGuardPolicyTest#executeWhenTheActionNeedsNoConsentThenItRunsWithoutOne"));
    RULES.put("Secrets protected", List.of(
        "NoSecretLeakTest#transientFailuresPastTheRetryPolicy",
        "NoSecretLeakTest#hostCodeThatThrowsWithTheSecretInItsMessage",
        "NoSecretLeakTest#inboundFailuresWithAWebhookSecret",
        "spi.SecretsTest#toStringNamesTheReferenceAndNeverTheValue",
        "spi.SecretsTest#javaSerializationFailsWithoutTheValue",
        "IntegrationGuardPolicyTest#executeCachesASecretForItsLeaseOnlyAndPicksUpARotationAfterIt",
        "IntegrationGuardPolicyTest#executeWhenTheSecretIsMissingThenFailedAndNothingSent"));
    RULES.put("Validate inbound data", List.of(
        "IntegrationGuardHttpTest#executeWhenResponseIsMalformedJsonThenRejectedAuditedAndEvidenceKept",
        "IntegrationGuardHttpTest#executeWhenResponseMissesARequiredFieldThenRejected",
        "inbound.CallbackGuardTest#handleWhenBodyIsTamperedThenRejectedAndHandlerNeverRuns",
        "inbound.CallbackGuardTest#handleWhenSignedPayloadIsUnparseableThenRejectedAndHandlerNeverRuns",
        "inbound.CallbackGuardTest#handleWhenStandardWebhooksPublishedExampleThenAcceptedAndHandledOnce",
        "inbound.JwsCallbackVerifierTest#handleWhenJwsIsSignedWithAnotherKeyThenRejected",
        "JsonValidatorTest#validateWhenAKeyIsDuplicatedThenRejectedAsAmbiguous"));
    RULES.put("Encrypt in transit", List.of(
        "IntegrationGuardHttpTest#executeWhenEndpointIsPlainHttpToANonLoopbackHostThenDeniedAndNothingSent",
        "TransportPolicyTest#httpClientNegotiatesOnlyTls12And13AndNeverFollowsRedirects",
        "TransportPolicyTest#httpClientRefusesAPlainHttpRequestBeforeAnyNetworkIo",
        "TransportPolicyTest#guardRefusesToBuildWithARegisteredPlainHttpEndpoint"));
    RULES.put("Audit everything material", List.of(
        "IntegrationGuardPolicyTest#executeAuditsEveryMaterialStepWithTheCallsIds",
        "IntegrationGuardHttpTest#executeWhenProviderAnswers503Twice200ThenAcceptedAfterTwoAuditedRetries",
        "IntegrationGuardPolicyTest#executeWhenTheRequestCannotBeAuditedThenItIsNotSent",
        "inbound.CallbackGuardTest#handleWhenStandardWebhooksPublishedExampleThenAcceptedAndHandledOnce"));
    RULES.put("Rate limit and back off", List.of(
        "IntegrationGuardHttpTest#executeWhenProviderAnswers429WithRetryAfterThenRateLimitedAndAcceptedAfterClockPasses",
        "IntegrationGuardHttpTest#executeWhenTenantLimitIsUsedUpThenRateLimitedWithoutCallingAndOtherTenantsGoOn",
        "IntegrationGuardHttpTest#executeWhenProviderWideLimitIsUsedUpThenEveryTenantIsRateLimited",
        "IntegrationGuardHttpTest#executeWhenRetriesSpendPermitsThenALimitStopsTheRetries",
        "IntegrationGuardHttpTest#executeWhenRetryBudgetIsSpentThenTransientFailuresAreNotRetried"));
    RULES.put("Idempotency required", List.of(
        "IntegrationGuardHttpTest#executeWith200ConcurrentCallersOnTheSameKeyThenProviderReceivesExactlyOneRequest",
        "IntegrationGuardHttpTest#executeWhenSameKeyComesWithAnotherPayloadThenRejectedAndNothingSent",
        "IntegrationGuardHttpTest#executeForwardsIdempotencyKeyCorrelationIdAndCredentialToTheProvider",
        "IntegrationGuardPolicyTest#executeWhenTheIdempotencyKeyIsMissingThenRejected",
        "inbound.CallbackGuardTest#handleWhenSameDeliveryIdArrivesAgainThenAcknowledgedAsDuplicateAndHandlerNotRunAgain"));
    RULES.put("Fail closed", List.of(
        "IntegrationGuardPolicyTest#executeWhenTheConsentRegistryFailsThenDenied",
        "IntegrationGuardPolicyTest#executeWhenTheIdempotencyStoreFailsThenFailedAndNothingSent",
        "IntegrationGuardPolicyTest#executeWhenTheRateLimitStoreFailsThenFailedAndNothingSent",
        "IntegrationGuardPolicyTest#executeWhenTheAcceptedFactCannotBeAuditedThenEscalated",
        "inbound.CallbackGuardTest#handleWhenVerifierThrowsThenRejectedAndHandlerNeverRuns",
        "inbound.CallbackGuardTest#handleWhenTimestampIsOlderThanTheToleranceThenRejectedAsStale",
        "inbound.CallbackGuardTest#handleWhenProviderIsNotRegisteredThenRejected"));
    // Error and Retry Rules
    RULES.put("Transient provider failure", List.of(
        "IntegrationGuardHttpTest#executeWhenProviderAnswers503Twice200ThenAcceptedAfterTwoAuditedRetries",
        "IntegrationGuardHttpTest#executeWhenProviderAnswers503ForeverThenFailedAfterBoundedAttempts",
        "IntegrationGuardHttpTest#executeWhenProviderAnswers400ThenFailedWithoutRetry",
        "IntegrationGuardHttpTest#executeWhenNothingListensThenConnectErrorsAreRetriedAndTheCallFails",
        "IntegrationGuardHttpTest#executeWhenCircuitBreakerIsOpenThenFailedWithoutCalling"));
    RULES.put("Provider rate limit", List.of(
        "IntegrationGuardHttpTest#executeWhenProviderAnswers429WithRetryAfterThenRateLimitedAndAcceptedAfterClockPasses",
        "IntegrationGuardHttpTest#executeWhenRetryAfterIsAnHttpDateThenPausedUntilThatDate",
        "IntegrationGuardHttpTest#executeWhenProviderSignalsShortThrottleThenWaitsItOutWithinTheCapAndAccepts"));
    RULES.put("Invalid provider response", List.of(
        "IntegrationGuardHttpTest#executeWhenResponseIsMalformedJsonThenRejectedAuditedAndEvidenceKept",
        "IntegrationGuardHttpTest#executeWhenResponseIsLargerThanTheLimitThenRejected",
        "IntegrationGuardPolicyTest#executeWhenTheValidatorThrowsThenRejectedWithEvidence",
        "RejectedResponseReviewTest#executeWhenThePostsAnswerIsInvalidThenRejectedHandedForReviewAndTheKeyStaysCompleted",
        "RejectedResponseReviewTest#executeWhenTheGetsAnswerIsInvalidThenRejectedAsSafeToRetryAndTheKeyIsReleased"));
    RULES.put("Authorization or consent failure", List.of(
        "IntegrationGuardPolicyTest#executeWhenThePdpDeniesThenDeniedWithTheDecisionAuditedOnceByThePdp",
        "IntegrationGuardHttpTest#executeWhenConsentRevokedThenDeniedAndProviderReceivesNothing"));
    RULES.put("Duplicate callback", List.of(
        "inbound.CallbackGuardTest#handleWhenSameDeliveryIdArrivesAgainThenAcknowledgedAsDuplicateAndHandlerNotRunAgain",
        "inbound.CallbackGuardTest#handleWhenHandlerThrowsThenNotMarkedProcessedAndARedeliverySucceeds",
        "inbound.CallbackGuardTest#handleWhenSameDeliveryIdComesWithAnotherSignedPayloadThenRejected",
        "IntegrationGuardHttpTest#executeWhenKeyCompletedThenDuplicateReturnsTheFirstOutcomeWithoutCalling"));
    RULES.put("Unknown state", List.of(
        "IntegrationGuardHttpTest#executeWhenResponseIsDelayedPastTheTimeoutThenEscalatedAndKeyStaysReserved",
        "IntegrationGuardPolicyTest#executeWhenACustomExchangeFailsWithIoThenTheStateIsUnknownAndEscalated",
        "IntegrationGuardPolicyTest#executeWhenTheEscalationHandlerThrowsThenTheOutcomeIsStillEscalated"));
  }

  @Test
  void everySeedRuleRowIsShownByTestsThatExist() throws Exception {
    assertThat(RULES.keySet()).containsExactly("Tenant context required", "Authorization required", "Consent required",
        "Secrets protected", "Validate inbound data", "Encrypt in transit", "Audit everything material",
        "Rate limit and back off", "Idempotency required", "Fail closed", "Transient provider failure",
        "Provider rate limit", "Invalid provider response", "Authorization or consent failure", "Duplicate callback",
        "Unknown state");
    for (Map.Entry<String, List<String>> row : RULES.entrySet()) {
      assertThat(row.getValue()).as(row.getKey()).isNotEmpty();
      for (String ref : row.getValue()) {
        String[] parts = ref.split("#");
        Class<?> type = Class.forName("com.algosure.integration." + parts[0]);
        Method m = Arrays.stream(type.getDeclaredMethods()).filter(x -> x.getName().equals(parts[1])).findFirst()
            .orElseThrow(() -> new AssertionError(row.getKey() + ": no test " + ref));
        assertThat(m.isAnnotationPresent(Test.class)).as(ref + " is a @Test").isTrue();
      }
    }
  }
}
