package com.algosure.integration;

import com.algosure.authz.IdentitySignals;
import static com.algosure.integration.GuardFixtures.LOOKUP;
import static com.algosure.integration.GuardFixtures.PAY;
import static com.algosure.integration.GuardFixtures.PROVIDER;
import static com.algosure.integration.GuardFixtures.SEND;
import static com.algosure.integration.GuardFixtures.TENANT;
import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEventType;
import com.algosure.audit.AuditFailurePolicy;
import com.algosure.authz.Actor;
import com.algosure.authz.Effect;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.spi.Approval;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Consent;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.InMemoryRateLimitStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretLease;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.algosure.testing.Clocks;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's rules before and around the provider call: tenant, authorization (the real PDP), consent,
 * secrets, idempotency, failing SPIs and audit. The provider is a {@link ProviderCall} whose exchange
 * answers in process and counts how often it was reached.
 */
class IntegrationGuardPolicyTest {

  static final String BASE = "https://api.acme-mail.example";

  GuardFixtures f;
  final AtomicInteger exchanges = new AtomicInteger();
  final ProviderCall<JsonNode> ok = ProviderCall.of(ctx -> {
    exchanges.incrementAndGet();
    return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
  }, JsonValidator.builder().require("id", JsonType.STRING).build());

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  IntegrationGuard guard() {
    return f.guard(BASE);
  }

  /** @return a guard builder for the fixtures' decision point, one provider at {@link #BASE} and the test clock */
  private IntegrationGuard.Builder base() {
    return IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(GuardFixtures.provider(BASE).build()).clock(f.clock);
  }

  @Test
  void executeWhenEverythingHoldsThenAccepted() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-1").build(), ok);

    assertThat(out.accepted()).isTrue();
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTenantIsMissingThenDeniedBeforeAnythingElse() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).provider(PROVIDER).action(SEND)
        .idempotencyKey("k-t").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.TENANT_MISSING);
    assertThat(exchanges).hasValue(0);
    assertThat(f.audit.events(AuditEventType.AUTHORIZATION_DECISION)).isEmpty();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("TENANT_MISSING"));
  }

  @Test
  void executeWhenActorIsMissingThenDeniedBeforeAuthorization() {
    IntegrationRequest r = IntegrationRequest.builder().tenant(TENANT).provider(PROVIDER).action(SEND).idempotencyKey("k-a").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.ACTOR_MISSING);
    assertThat(f.audit.events(AuditEventType.AUTHORIZATION_DECISION)).isEmpty();
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenProviderIsNotRegisteredThenDenied() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider("unknown")
        .action(SEND).idempotencyKey("k-p").build();

    assertThat(guard().execute(r, ok).reason()).isEqualTo(OutcomeReason.PROVIDER_UNKNOWN);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenActionIsNotRegisteredForTheProviderThenDenied() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action("mail:delete").idempotencyKey("k-x").build();

    assertThat(guard().execute(r, ok).reason()).isEqualTo(OutcomeReason.ACTION_UNKNOWN);
  }

  /**
   * The decision point answers what a host SPI throws (here its directory) with a DENY of its own, audited by it:
   * the guard's authorization step gets a decision, never an exception or null, and the call is denied, nothing sent.
   */
  @Test
  void executeWhenThePdpsDirectoryThrowsThenDeniedByThePdpsAuditedDecisionAndNothingSent() {
    com.algosure.authz.spi.Directory failing = new com.algosure.authz.spi.Directory() {
      @Override
      public java.util.Set<com.algosure.authz.TenantId> tenantsOf(String subject) {
        throw new IllegalStateException("directory down");
      }

      @Override
      public java.util.Set<com.algosure.authz.OrganizationId> organizationsOf(String subject,
          com.algosure.authz.TenantId tenant) {
        throw new IllegalStateException("directory down");
      }

      @Override
      public java.util.Optional<com.algosure.authz.TenantId> tenantOf(com.algosure.authz.OrganizationId organization) {
        throw new IllegalStateException("directory down");
      }

      @Override
      public java.util.List<com.algosure.authz.RoleBinding> bindingsOf(String subject) {
        throw new IllegalStateException("directory down");
      }
    };
    com.algosure.authz.PolicyDecisionPoint pdp = com.algosure.authz.PolicyDecisionPoint.builder()
        .roleCatalog(com.algosure.authz.RoleCatalog.builder()
            .permission(com.algosure.authz.PermissionDefinition.of(SEND)
                .withScope(com.algosure.authz.PermissionScope.TENANT))
            .role("integrator", SEND).build())
        .directory(failing).auditSink(f.audit).clock(f.clock).build();
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(pdp).provider(GuardFixtures.provider(BASE).build())
        .clock(f.clock).auditSink(f.audit).consents(f.consents).transportPolicy(TransportPolicy.httpsOrLoopbackHttp())
        .build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-dir").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    assertThat(((IntegrationOutcome.Denied<JsonNode>) out).decision())
        .hasValueSatisfying(d -> assertThat(d.effect()).isEqualTo(Effect.DENY));
    assertThat(f.audit.events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("DENY"));
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenThePdpDeniesThenDeniedWithTheDecisionAuditedOnceByThePdp() {
    IntegrationRequest r = IntegrationRequest.builder().actor(Actor.user("mallory")).tenant(TENANT).provider(PROVIDER)
        .action(SEND).idempotencyKey("k-d").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    IntegrationOutcome.Denied<JsonNode> denied = (IntegrationOutcome.Denied<JsonNode>) out;
    assertThat(denied.decision()).hasValueSatisfying(d -> assertThat(d.effect()).isEqualTo(Effect.DENY));
    assertThat(f.audit.events(AuditEventType.AUTHORIZATION_DECISION)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo("DENY"));
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).isEmpty();
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenCrossTenantOperatorHasNoMfaThenDeniedWithTheStepUpDecisionAndNothingSent() {
    Actor operator = Actor.user("operator", IdentitySignals.builder().roles("platform-operator").build());
    IntegrationRequest r = IntegrationRequest.builder().actor(operator).tenant(TENANT).provider(PROVIDER)
        .action(SEND).idempotencyKey("k-step-up").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.STEP_UP_REQUIRED);
    assertThat(((IntegrationOutcome.Denied<JsonNode>) out).decision())
        .hasValueSatisfying(d -> assertThat(d.effect()).isEqualTo(Effect.STEP_UP_REQUIRED));
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenCrossTenantOperatorHasMfaThenAccepted() {
    Actor operator = Actor.user("operator", IdentitySignals.builder().roles("platform-operator").mfa(true).build());
    IntegrationRequest r = IntegrationRequest.builder().actor(operator).tenant(TENANT).provider(PROVIDER)
        .action(SEND).idempotencyKey("k-mfa").build();

    assertThat(guard().execute(r, ok).accepted()).isTrue();
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheActionIsHighImpactWithoutApprovalThenDeniedWithTheApprovalRequiredDecision() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action(PAY).idempotencyKey("k-pay").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.APPROVAL_REQUIRED);
    assertThat(((IntegrationOutcome.Denied<JsonNode>) out).decision())
        .hasValueSatisfying(d -> assertThat(d.effect()).isEqualTo(Effect.APPROVAL_REQUIRED));
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheActionIsHighImpactWithAnApprovalForItsResourceThenTheDecisionPointVerifiesItAndItIsAccepted() {
    // the request's approval id and resource reach the decision point: an approval of this payment permits it
    ResourceRef payment = ResourceRef.of("payment", "p-1");
    f.approvals.add(new Approval("ap-1", TenantId.of(TENANT), Permission.of(PAY), payment, GuardFixtures.USER,
        GuardFixtures.APPROVER, f.clock.instant(), f.clock.instant().plus(Duration.ofHours(1))));
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action(PAY).resource(payment).approvalId("ap-1").idempotencyKey("k-approved").build();
    IntegrationRequest otherPayment = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT)
        .provider(PROVIDER).action(PAY).resource(ResourceRef.of("payment", "p-2")).approvalId("ap-1")
        .idempotencyKey("k-approved-other").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);
    IntegrationOutcome<JsonNode> other = guard().execute(otherPayment, ok);

    assertThat(out.accepted()).as("%s", out).isTrue();
    // the same approval presented for another payment does not cover it
    assertThat(other.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheRequestNamesAnOrganizationTheActorIsNotAMemberOfThenDeniedAndNothingSent() {
    // alice holds a tenant role and no organization membership: the organization the request names reaches the
    // decision point, which resolves membership against the directory
    IntegrationRequest r = request("k-org").organization("sales").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, ok);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.DENIED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenNoConsentThenDeniedAuditedAndNothingSent() {
    f = new GuardFixtures(); // without the mail consent

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-c").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.CONSENT_MISSING);
    assertThat(exchanges).hasValue(0);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("consentScope", "MAIL"));
  }

  @Test
  void executeWhenConsentExpiredThenDenied() {
    f.clock.advance(Duration.ofDays(366));

    assertThat(guard().execute(request("k-e").build(), ok).reason()).isEqualTo(OutcomeReason.CONSENT_EXPIRED);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenConsentIsLimitedToAnotherSubjectThenDenied() {
    f = new GuardFixtures();
    // limited to a data subject only: the subject, not an organization the request does not name, is what differs
    f.consents.grant(new Consent("consent-subject", TenantId.of(TENANT), Optional.empty(), Optional.of("customer-1"),
        ConsentScope.MAIL, f.clock.instant(), f.clock.instant().plus(Duration.ofDays(1)), Optional.empty()));
    IntegrationGuard guard = guard();

    IntegrationOutcome<JsonNode> other = guard.execute(request("k-s1").consentSubject("customer-2").build(), ok);
    IntegrationOutcome<JsonNode> same = guard.execute(request("k-s2").consentSubject("customer-1").build(), ok);

    assertThat(other.reason()).isEqualTo(OutcomeReason.CONSENT_MISSING);
    assertThat(same.accepted()).isTrue();
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheConsentRegistryFailsThenDenied() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).secrets(f.secrets)
        .consents((q, now) -> {
          throw new IllegalStateException("consent service down");
        }).build();

    assertThat(guard.execute(request("k-cu").build(), ok).reason()).isEqualTo(OutcomeReason.CONSENT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheConsentRegistryThrowsACheckedExceptionUndeclaredThenConsentUnavailableAndNothingSent() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).secrets(f.secrets)
        .consents((q, now) -> {
          throw GuardFixtures.sneakyThrow(new java.io.IOException("consent service unreachable"));
        }).build();

    assertThat(guard.execute(request("k-cs").build(), ok).reason()).isEqualTo(OutcomeReason.CONSENT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheRateLimitStoreThrowsACheckedExceptionUndeclaredThenRateLimitUnavailableAndNothingSent() {
    RateLimitStore sneaky = throwingOnEveryCall(new java.io.IOException("redis unreachable"));
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).rateLimitStore(sneaky).build();

    assertThat(guard.execute(request("k-rss").build(), ok).reason()).isEqualTo(OutcomeReason.RATE_LIMIT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  /** A rate-limit store whose every method throws {@code t}, declared or not, as a store whose server is gone may. */
  private static RateLimitStore throwingOnEveryCall(Throwable t) {
    return new RateLimitStore() {
      @Override
      public com.algosure.integration.spi.RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
        throw GuardFixtures.sneakyThrow(t);
      }

      @Override
      public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
        throw GuardFixtures.sneakyThrow(t);
      }

      @Override
      public void pause(RateLimitKey key, Instant until) {
        throw GuardFixtures.sneakyThrow(t);
      }
    };
  }

  /** A rate-limit store that answers pauses (none) but whose other method throws an undeclared IOException. */
  private static RateLimitStore sneakyOn(String method) {
    return new RateLimitStore() {
      @Override
      public com.algosure.integration.spi.RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
        if (method.equals("acquire")) {
          throw GuardFixtures.sneakyThrow(new java.io.IOException("redis unreachable"));
        }
        return com.algosure.integration.spi.RateLimitDecision.granted();
      }

      @Override
      public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
        return Optional.empty();
      }

      @Override
      public void pause(RateLimitKey key, Instant until) {
        if (method.equals("pause")) {
          throw GuardFixtures.sneakyThrow(new java.io.IOException("redis unreachable"));
        }
      }
    };
  }

  @Test
  void executeWhenTheRateLimitStoreThrowsACheckedExceptionUndeclaredForAnAttemptsPermitThenRateLimitUnavailableAndNothingSent() {
    // the pause check before the call answers; the permit each attempt takes is where the store fails
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).clock(f.clock)
        .provider(GuardFixtures.provider(BASE).tenantRateLimit(RateLimit.of(10, Duration.ofSeconds(1))).build())
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).rateLimitStore(sneakyOn("acquire")).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-acquire").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheRateLimitStoreThrowsACheckedExceptionUndeclaredPausingAfterA429ThenStillRateLimited() {
    // the provider refused with 429: nothing changed there, so the call is rate limited (and its key released),
    // as with the store's runtime exception, not escalated as an unknown state
    ProviderCall<JsonNode> refused = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(429, Map.of("Retry-After", List.of("3600")), new byte[0]);
    }, ok.validator());
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(f.idempotency)
        .escalations(f.escalations).rateLimitStore(sneakyOn("pause")).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-pause").build(), refused);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(f.escalations.escalations()).isEmpty();
    assertThat(guard.execute(request("k-pause").build(), refused).reason()).as("the key was released")
        .isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenTheConsentRegistryAnswersNullThenDenied() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).secrets(f.secrets).consents((q, now) -> (ConsentCheck) null).build();

    assertThat(guard.execute(request("k-cn").build(), ok).reason()).isEqualTo(OutcomeReason.CONSENT_UNAVAILABLE);
  }

  @Test
  void executeWhenTheActionNeedsNoConsentThenItRunsWithoutOne() {
    f = new GuardFixtures();
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action(LOOKUP).idempotencyKey("k-l").build();

    assertThat(guard().execute(r, ok).accepted()).isTrue();
  }

  @Test
  void executeWhenAnAgentCallsAProviderThatNeedsSecretsThenDeniedAndNoSecretIsResolved() {
    AtomicInteger resolved = new AtomicInteger();
    SecretStore counting = (ref, now) -> {
      resolved.incrementAndGet();
      return f.secrets.resolve(ref, now);
    };
    IntegrationGuard countingGuard = base()
        .auditSink(f.audit).consents(f.consents).secrets(counting).build();
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.agent(f.clock.instant().plusSeconds(600)))
        .tenant(TENANT).provider(PROVIDER).action(SEND).task("task-1").resource(com.algosure.authz.ResourceRef.of("integration", PROVIDER))
        .idempotencyKey("k-agent").build();

    IntegrationOutcome<JsonNode> out = countingGuard.execute(r, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRETS_NOT_FOR_AGENTS);
    assertThat(resolved).hasValue(0);
    assertThat(exchanges).hasValue(0);
  }

  /**
   * Agents never receive secrets, and their refused calls cost the tenant nothing: the refusal comes at the secrets
   * step, before any attempt takes a permit from the tenant's rate limit for the provider, so an agent retrying a
   * call it can never make does not get people's calls rate limited.
   */
  @Test
  void executeWhenAnAgentCallsAProviderThatNeedsSecretsThenDeniedWithoutTakingFromTheTenantsRateLimit() {
    IntegrationGuard limited = f.guard(GuardFixtures.provider(BASE)
        .tenantRateLimit(com.algosure.integration.spi.RateLimit.of(1, Duration.ofHours(1))).build()).build();
    for (int i = 0; i < 3; i++) {
      IntegrationRequest agentCall = IntegrationRequest.builder()
          .actor(GuardFixtures.agent(f.clock.instant().plusSeconds(600))).tenant(TENANT).provider(PROVIDER).action(SEND)
          .task("task-1").resource(com.algosure.authz.ResourceRef.of("integration", PROVIDER))
          .idempotencyKey("k-agent-" + i).build();
      assertThat(limited.execute(agentCall, ok).reason()).isEqualTo(OutcomeReason.SECRETS_NOT_FOR_AGENTS);
    }

    IntegrationOutcome<JsonNode> person = limited.execute(request("k-person").build(), ok);

    assertThat(person.accepted()).as(person.toString()).isTrue();
    assertThat(exchanges).hasValue(1);
    assertThat(f.audit.events()).filteredOn(e -> e.type() == AuditEventType.INTEGRATION_RATE_LIMITED).isEmpty();
  }

  @Test
  void executeWhenTheSecretIsMissingThenFailedAndNothingSent() {
    f.secrets.remove(SecretRef.of(GuardFixtures.SECRET_REF));

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-sm").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.FAILED);
    assertThat(exchanges).hasValue(0);
    // the failure is audited, naming the secret by reference
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("SECRET_UNAVAILABLE");
      assertThat(e.details()).containsEntry("secretRef", GuardFixtures.SECRET_REF);
    });
  }

  @Test
  void executeWhenTheSecretStoreThrowsThenFailedAndNothingSent() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets((ref, now) -> {
          throw new IllegalStateException("vault sealed");
        }).build();

    assertThat(guard.execute(request("k-st").build(), ok).reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheSecretStoreThrowsACheckedExceptionUndeclaredThenSecretUnavailableAndNothingSent() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets((ref, now) -> {
          throw GuardFixtures.sneakyThrow(new java.io.IOException("vault unreachable"));
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-sneaky").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeAsyncWhenTheHostsExecutorThrowsAnythingThenTheFutureCompletesWithAGuardFailureAndNothingIsSent()
      throws Exception {
    for (Throwable t : new Throwable[] {new java.util.concurrent.RejectedExecutionException("full"),
        new java.io.IOException("sneaky"), new OutOfMemoryError("unable to create native thread")}) {
      IntegrationGuard guard = base().auditSink(f.audit).consents(f.consents).secrets(f.secrets)
          .asyncExecutor(task -> {
            throw GuardFixtures.sneakyThrow(t);
          }).build();

      IntegrationOutcome<JsonNode> out = guard.executeAsync(request("k-async-" + t.getClass().getSimpleName()).build(), ok)
          .get(5, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(out.reason()).as(t.toString()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    }
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeAsyncWhenTheHostsExecutorRefusesTheCallThenTheFailureIsAudited() throws Exception {
    IntegrationGuard guard = base().auditSink(f.audit).consents(f.consents).secrets(f.secrets)
        .asyncExecutor(task -> {
          throw new java.util.concurrent.RejectedExecutionException("queue full");
        }).build();

    IntegrationOutcome<JsonNode> out = guard.executeAsync(request("k-async-refused").build(), ok)
        .get(5, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("GUARD_FAILURE");
      assertThat(e.details()).containsEntry("error", "java.util.concurrent.RejectedExecutionException")
          .containsEntry("idempotencyKey", "k-async-refused");
      assertThat(e.tenant()).contains(TENANT);
    });
  }

  /**
   * Regression: a failure escaping the resilient execution before any exchange (here the host's clock failing as an
   * attempt begins) was answered GUARD_FAILURE without an audit record; it is now an audited INTEGRATION_FAILURE
   * naming its class, as a failure escaping any other step is.
   */
  @Test
  void executeWhenTheClockFailsAsAnAttemptBeginsThenTheGuardFailureIsAuditedAndNothingIsSent() {
    java.time.Clock failingInAttempt = Clocks.answering(() -> {
      boolean inAttempt = StackWalker.getInstance().walk(frames -> frames.anyMatch(
          fr -> fr.getClassName().equals(ResilientExecutionStep.class.getName()) && fr.getMethodName().equals("attempt")));
      if (inAttempt) {
        throw new IllegalStateException("clock source down");
      }
      return f.clock.instant();
    });
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider(BASE).build()).clock(failingInAttempt).auditSink(f.audit).consents(f.consents)
        .secrets(f.secrets).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-clock-attempt").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(exchanges).hasValue(0);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("GUARD_FAILURE");
      assertThat(e.details()).containsEntry("error", "java.lang.IllegalStateException")
          .containsEntry("idempotencyKey", "k-clock-attempt");
      assertThat(e.toString()).doesNotContain("clock source down");
    });
  }

  @Test
  void executeCachesASecretForItsLeaseOnlyAndPicksUpARotationAfterIt() {
    AtomicInteger resolved = new AtomicInteger();
    SecretStore counting = (ref, now) -> {
      resolved.incrementAndGet();
      return f.secrets.resolve(ref, now);
    };
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(counting).build();
    java.util.List<String> seen = new java.util.ArrayList<>();
    ProviderCall<JsonNode> recording = ProviderCall.of(ctx -> {
      seen.add(ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal());
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"m\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().build());

    guard.execute(request("k-l1").build(), recording);
    guard.execute(request("k-l2").build(), recording);
    f.secrets.rotate(SecretRef.of(GuardFixtures.SECRET_REF), "rotated-value");
    f.clock.advance(Duration.ofMinutes(5));
    guard.execute(request("k-l3").build(), recording);

    assertThat(resolved).hasValue(2);
    assertThat(seen).containsExactly(GuardFixtures.SECRET_VALUE, GuardFixtures.SECRET_VALUE, "rotated-value");
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).hasSize(3)
        .allSatisfy(e -> assertThat(e.details()).containsEntry("secretRef", GuardFixtures.SECRET_REF));
  }

  @Test
  void executeWhenTheSecretReferenceNamesTheTenantThenEachTenantGetsItsOwnSecret() {
    com.algosure.integration.spi.InMemorySecretStore perTenant = SecretStore.inMemory()
        .secret("acme-mail/acme/api-key", "acme-key").secret("acme-mail/globex/api-key", "globex-key").build();
    f.consents.grant(TenantId.of(GuardFixtures.OTHER_TENANT), ConsentScope.MAIL, f.clock.instant().plusSeconds(600));
    SecretRef declared = SecretRef.of("acme-mail/{tenant}/api-key");
    ProviderPolicy policy = ProviderPolicy.builder(PROVIDER).endpoint(java.net.URI.create(BASE + "/v1/"))
        .action(SEND, ConsentScope.MAIL).secret(declared.name()).build();
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(policy).clock(f.clock)
        .auditSink(f.audit).consents(f.consents).secrets(perTenant).build();
    java.util.List<String> seen = new java.util.ArrayList<>();
    ProviderCall<JsonNode> recording = ProviderCall.of(ctx -> {
      seen.add(ctx.tenant() + "=" + ctx.secret(declared).reveal());
      return ProviderResponse.of(200, Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().build());

    guard.execute(request("k-acme").build(), recording);
    guard.execute(IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.OTHER_TENANT)
        .provider(PROVIDER).action(SEND).idempotencyKey("k-globex").build(), recording);

    assertThat(seen).containsExactly("acme=acme-key", "globex=globex-key");
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).extracting(e -> e.details().get("secretRef"))
        .containsExactly("acme-mail/acme/api-key", "acme-mail/globex/api-key");
  }

  @Test
  void executeWhenTheProviderDeclaresTwoSecretsThenTheUseOfEachIsAuditedByReference() {
    SecretStore two = SecretStore.inMemory().secret(GuardFixtures.SECRET_REF, GuardFixtures.SECRET_VALUE)
        .secret("acme-mail/signing-key", "signing-value").lease(Duration.ofMinutes(5)).build();
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(twoSecrets()).clock(f.clock)
        .auditSink(f.audit).consents(f.consents).secrets(two).build();

    assertThat(guard.execute(request("k-two").build(), ok).accepted()).isTrue();
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).extracting(e -> e.details().get("secretRef"))
        .containsExactlyInAnyOrder(GuardFixtures.SECRET_REF, "acme-mail/signing-key");
  }

  @Test
  void executeWhenTheUseOfOneOfTwoSecretsCannotBeAuditedThenNothingIsSent() {
    SecretStore two = SecretStore.inMemory().secret(GuardFixtures.SECRET_REF, GuardFixtures.SECRET_VALUE)
        .secret("acme-mail/signing-key", "signing-value").lease(Duration.ofMinutes(5)).build();
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(twoSecrets()).clock(f.clock)
        .consents(f.consents).secrets(two)
        .auditSink(e -> {
          if (e.type() == AuditEventType.CREDENTIAL_USE && "acme-mail/signing-key".equals(e.details().get("secretRef"))) {
            throw new IllegalStateException("audit down");
          }
          f.audit.record(e);
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-two-unaudited").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(exchanges).hasValue(0);
  }

  /** @return the fixtures' provider at {@link #BASE}, declaring a signing key besides its API key */
  private static ProviderPolicy twoSecrets() {
    return GuardFixtures.provider(BASE).secret("acme-mail/signing-key").build();
  }

  @Test
  void executeWhenALeaseHasAlreadyExpiredThenTheSecretIsUnavailable() {
    SecretStore expired = (ref, now) -> Optional.of(new SecretLease(com.algosure.integration.spi.Secret.of(ref, "v"), now));
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(expired).build();

    assertThat(guard.execute(request("k-ex").build(), ok).reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
  }

  @Test
  void executeWhenTheLeaseRunsOutDuringRetriesThenTheNextAttemptUsesARenewedAuditedLease() {
    java.util.List<String> seen = new java.util.ArrayList<>();
    ProviderCall<JsonNode> failsOnceAfterTheLease = ProviderCall.of(ctx -> {
      seen.add(ctx.secret(SecretRef.of(GuardFixtures.SECRET_REF)).reveal());
      if (ctx.attempt() == 1) {
        f.secrets.rotate(SecretRef.of(GuardFixtures.SECRET_REF), "rotated-value");
        f.clock.advance(Duration.ofMinutes(6)); // the fixture's lease is 5 minutes
        throw new ConnectException("refused");
      }
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"m\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-lease-retry").build(), failsOnceAfterTheLease);

    assertThat(out.accepted()).isTrue();
    assertThat(seen).containsExactly(GuardFixtures.SECRET_VALUE, "rotated-value");
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).extracting(e -> e.details().get("leaseExpiresAt"))
        .containsExactly("2026-11-23T10:05:00Z", "2026-11-23T10:11:00Z");
  }

  @Test
  void executeWhenTheLeaseRunsOutDuringRetriesAndCannotBeRenewedThenTheAttemptIsNotSent() {
    ProviderCall<JsonNode> failsOnceAfterTheLease = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      f.secrets.remove(SecretRef.of(GuardFixtures.SECRET_REF));
      f.clock.advance(Duration.ofMinutes(6));
      throw new ConnectException("refused");
    }, JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-lease-gone").build(), failsOnceAfterTheLease);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).message())
        .isEqualTo("the lease of secret 'acme-mail/api-key' ran out during the call and could not be renewed from the "
            + "secrets store, so attempt 2 was not sent (1 sent before it failed transiently)");
    assertThat(exchanges).hasValue(1);
    assertThat(f.audit.events(AuditEventType.CREDENTIAL_USE)).hasSize(1);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).filteredOn(e -> e.reasons().contains("SECRET_UNAVAILABLE"))
        .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("secretRef", GuardFixtures.SECRET_REF)
            .containsEntry("attempt", "2"));
  }

  @Test
  void executeWhenTheIdempotencyKeyIsMissingThenRejected() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER).action(SEND).build();

    assertThat(guard().execute(r, ok).reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_MISSING);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheProviderNeedsNoIdempotencyKeyThenItRunsWithoutOne() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER).action(SEND).build();

    assertThat(f.guard(BASE, p -> p.requireIdempotencyKey(false)).execute(r, ok).accepted()).isTrue();
  }

  @Test
  void executeWhenTheIdempotencyStoreFailsThenFailedAndNothingSent() {
    IdempotencyStore broken = new IdempotencyStore() {
      @Override
      public com.algosure.integration.spi.ClaimResult claim(com.algosure.integration.spi.IdempotencyKey key, String fp, String owner, Duration ttl) {
        throw new IllegalStateException("redis down");
      }

      @Override
      public boolean complete(com.algosure.integration.spi.IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        return false;
      }

      @Override
      public boolean release(com.algosure.integration.spi.IdempotencyKey key, String owner) {
        return false;
      }
    };
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(broken).build();

    assertThat(guard.execute(request("k-is").build(), ok).reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  /**
   * Regression: a claim whose reply was lost (the store took the key, then the connection timed out) left the key
   * held by a call that was already over, so a resubmission under the same key was a duplicate in progress for the
   * whole claim TTL (a day by default) and could never run.
   */
  @Test
  void executeWhenAClaimTakesTheKeyButItsReplyIsLostThenTheKeyIsReleasedAndAResubmissionRuns() {
    IdempotencyStore memory = IdempotencyStore.inMemory(f.clock);
    java.util.concurrent.atomic.AtomicBoolean loseNextReply = new java.util.concurrent.atomic.AtomicBoolean(true);
    IdempotencyStore lossy = new IdempotencyStore() {
      @Override
      public com.algosure.integration.spi.ClaimResult claim(com.algosure.integration.spi.IdempotencyKey key, String fp, String owner, Duration ttl) {
        com.algosure.integration.spi.ClaimResult r = memory.claim(key, fp, owner, ttl);
        if (loseNextReply.getAndSet(false)) {
          throw new IllegalStateException("read timed out"); // the claim took effect; its answer never arrived
        }
        return r;
      }

      @Override
      public boolean complete(com.algosure.integration.spi.IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        return memory.complete(key, owner, outcome, ttl);
      }

      @Override
      public boolean release(com.algosure.integration.spi.IdempotencyKey key, String owner) {
        return memory.release(key, owner);
      }
    };
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(lossy).build();

    assertThat(guard.execute(request("k-lost").build(), ok).reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);

    assertThat(guard.execute(request("k-lost").build(), ok).accepted()).isTrue();
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheInMemoryIdempotencyStoreIsFullThenFailedNothingSentAndTheFirstCallStillReplays() {
    IdempotencyStore full = IdempotencyStore.inMemory(f.clock, 1, 1); // one tenant: the store's bound
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(full).build();
    assertThat(guard.execute(request("k-first").build(), ok).accepted()).isTrue();

    IntegrationOutcome<JsonNode> second = guard.execute(request("k-second").build(), ok);

    assertThat(second.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_UNAVAILABLE);
    assertThat(exchanges).hasValue(1);
    assertThat(guard.execute(request("k-first").build(), ok).reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(exchanges).hasValue(1);
  }

  /**
   * A tenant at its own bound in the shared in-memory store was answered as if the store had failed for everyone
   * (IDEMPOTENCY_UNAVAILABLE): now its own reason, so the host answers that tenant 429 and other tenants are served.
   */
  @Test
  void executeWhenTheTenantHoldsItsBoundOfIdempotencyKeysThenFailedWithTheTenantsReasonNothingSentAndAudited() {
    IdempotencyStore store = IdempotencyStore.inMemory(f.clock, 10, 1);
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).idempotencyStore(store).build();
    assertThat(guard.execute(request("k-first").build(), ok).accepted()).isTrue();

    IntegrationOutcome<JsonNode> second = guard.execute(request("k-second").build(), ok);

    assertThat(second).isInstanceOfSatisfying(IntegrationOutcome.Failed.class, failed -> {
      assertThat(failed.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_TENANT_LIMIT);
      assertThat(failed.message()).contains("tenant 'acme'").contains("1 live idempotency key").contains("nothing was sent");
    });
    assertThat(exchanges).hasValue(1);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("IDEMPOTENCY_TENANT_LIMIT"));
    assertThat(guard.execute(request("k-first").build(), ok).reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheRateLimitStoreFailsThenFailedAndNothingSent() {
    RateLimitStore broken = throwingOnEveryCall(new IllegalStateException("redis down"));
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets).rateLimitStore(broken).build();

    assertThat(guard.execute(request("k-rs").build(), ok).reason()).isEqualTo(OutcomeReason.RATE_LIMIT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheRateLimitStoreFailsToGiveAPermitThenFailedAndNothingSent() {
    RateLimitStore pausesOnly = new RateLimitStore() {
      @Override
      public com.algosure.integration.spi.RateLimitDecision acquire(com.algosure.integration.spi.RateLimitKey key,
          com.algosure.integration.spi.RateLimit limit, Instant now) {
        throw new IllegalStateException("redis down");
      }

      @Override
      public Optional<Instant> pausedUntil(com.algosure.integration.spi.RateLimitKey key, Instant now) {
        return Optional.empty();
      }

      @Override
      public void pause(com.algosure.integration.spi.RateLimitKey key, Instant until) {
      }
    };
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider(BASE).tenantRateLimit(com.algosure.integration.spi.RateLimit.of(10, Duration.ofSeconds(1))).build())
        .clock(f.clock).auditSink(f.audit).consents(f.consents).secrets(f.secrets).rateLimitStore(pausesOnly).build();

    assertThat(guard.execute(request("k-permit").build(), ok).reason()).isEqualTo(OutcomeReason.RATE_LIMIT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheInMemoryRateLimitStoreIsFullThenFailedAndNothingSent() {
    RateLimit tenLimit = RateLimit.of(10, Duration.ofSeconds(1));
    InMemoryRateLimitStore full = RateLimitStore.inMemory(1);
    full.acquire(RateLimitKey.of(ProviderId.of(PROVIDER), TenantId.of(GuardFixtures.OTHER_TENANT)), tenLimit, f.clock.instant());
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider(BASE).tenantRateLimit(tenLimit).build())
        .clock(f.clock).auditSink(f.audit).consents(f.consents).secrets(f.secrets).rateLimitStore(full).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-full").build(), ok);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.FAILED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.RATE_LIMIT_UNAVAILABLE);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenACustomExchangeFailsWithIoThenTheStateIsUnknownAndEscalated() {
    ProviderCall<JsonNode> resetMidway = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      throw new IOException("connection reset");
    }, JsonValidator.builder().build());

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-io").build(), resetMidway);

    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(exchanges).hasValue(1); // never retried: it may have taken effect
    assertThat(f.escalations.escalations()).singleElement()
        .satisfies(e -> assertThat(e.lastError()).isEqualTo("java.io.IOException"));
  }

  @Test
  void executeWhenAProviderCallClassifiesAFailureAfterSendingAsPermanentThenEscalatedNotFailed() {
    // a provider adapter that takes its SDK's error for a refusal: once the request may have left, the provider may
    // have acted, so the guard escalates it rather than answer FAILED, which a caller would resubmit
    ProviderCall<JsonNode> sentThenFailed = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        exchanges.incrementAndGet();
        context.markSent();
        throw new IOException("stream closed");
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().build();
      }

      @Override
      public Classification classify(Throwable failure, boolean requestSent) {
        return Classification.permanent();
      }

      @Override
      public boolean reportsSending() {
        return true;
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-permanent-sent").build(), sentThenFailed);

    assertThat(out.kind()).as("%s", out).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(exchanges).hasValue(1);
    assertThat(f.escalations.escalations()).hasSize(1);
  }

  @Test
  void executeWhenClassifyingAFailureAfterSendingThrowsThenEscalatedAndNotResent() {
    // host code that cannot classify what its exchange threw: once the request may have left, never a retry
    ProviderCall<JsonNode> unclassifiable = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        exchanges.incrementAndGet();
        throw new IOException("connection reset");
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().build();
      }

      @Override
      public Classification classify(Throwable failure, boolean requestSent) {
        throw new IllegalStateException("no rule for " + failure.getClass().getName());
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-unclassifiable").build(), unclassifiable);

    assertThat(out.kind()).as("%s", out).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenARetryAfterWithinTheCapOutlastsTheMaxRetryDurationThenRateLimitedWithoutWaiting() {
    // the provider asks for 30 s, which the cap would allow, but the call may retry for 1 s only: waiting is not
    // possible, and a retry cut short by the retry duration would come before the provider's time
    ProviderPolicy policy = ProviderPolicy.builder(PROVIDER).endpoint(java.net.URI.create(BASE + "/v1/"))
        .action(SEND, ConsentScope.MAIL).secret(GuardFixtures.SECRET_REF).retryAfterCap(Duration.ofMinutes(1))
        .attemptTimeout(Duration.ofMillis(500)).maxRetryDuration(Duration.ofSeconds(1)).build();
    IntegrationGuard guard = f.guard(policy).build();
    ProviderCall<JsonNode> throttled = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(429, Map.of("Retry-After", List.of("30")), new byte[0]);
    }, JsonValidator.builder().build());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-ra-duration").build(), throttled);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) out).retryAfter()).isEqualTo(f.clock.instant().plusSeconds(30));
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenACustomExchangeCannotConnectThenItIsRetried() {
    ProviderCall<JsonNode> refusedOnce = ProviderCall.of(ctx -> {
      if (exchanges.incrementAndGet() == 1) {
        throw new ConnectException("refused");
      }
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"m\"}".getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().build());

    assertThat(guard().execute(request("k-cr").build(), refusedOnce).accepted()).isTrue();
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenACustomExchangeReturnsA2xxBodyOverTheSizeLimitThenRejectedNeverAFact() {
    // the host's exchange read the body itself: the policy's limit holds for its answer as for CallContext.send's
    String padding = "x".repeat(1024 - "{\"id\":\"msg-1\",\"pad\":\"\"}".length());
    ProviderCall<JsonNode> answering = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      String body = "{\"id\":\"msg-1\",\"pad\":\"" + padding + (ctx.idempotencyKey().orElseThrow().equals("k-over") ? "x" : "") + "\"}";
      return ProviderResponse.of(200, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }, JsonValidator.builder().require("id", JsonType.STRING).build());
    IntegrationGuard guard = f.guard(BASE, p -> p.maxResponseBytes(1024));

    IntegrationOutcome<JsonNode> over = guard.execute(request("k-over").build(), answering);
    IntegrationOutcome<JsonNode> atLimit = guard.execute(request("k-at-limit").build(), answering);

    assertThat(over.reason()).as("%s", over).isEqualTo(OutcomeReason.RESPONSE_TOO_LARGE);
    assertThat(over.value()).isEmpty();
    assertThat(f.audit.events(AuditEventType.ACCEPTED_FACT)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("idempotencyKey", "k-at-limit"));
    assertThat(atLimit.accepted()).isTrue();
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).first()
        .satisfies(e -> assertThat(e.details()).containsEntry("bodyOverLimit", "1024"));
  }

  /** What a provider SDK throws when the provider answers 429 (Stripe's RateLimitException, AWS's throttling errors). */
  static final class SdkRateLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SdkRateLimitException() {
      super("429 Too Many Requests");
    }
  }

  /**
   * @return a call whose first exchange throws the SDK's rate-limit exception, classified as rate limited until
   *     {@code retryAt}; later exchanges succeed
   */
  private ProviderCall<JsonNode> throttledOnceBySdk(Instant retryAt) {
    return new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws Exception {
        if (exchanges.incrementAndGet() == 1) {
          throw new SdkRateLimitException();
        }
        return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return ok.validator();
      }

      @Override
      public Classification classify(Throwable failure, boolean requestSent) {
        return failure instanceof SdkRateLimitException ? Classification.rateLimited(retryAt)
            : Classification.standard(failure, requestSent);
      }
    };
  }

  @Test
  void executeWhenAProviderSdksRateLimitIsClassifiedAsSuchThenRateLimitedPausedAndTheKeyReleasedNotEscalated() {
    Instant retryAt = f.clock.instant().plusSeconds(120);
    ProviderCall<JsonNode> sdk = throttledOnceBySdk(retryAt);
    IntegrationGuard guard = guard();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-sdk").build(), sdk);
    IntegrationOutcome<JsonNode> meanwhile = guard.execute(request("k-sdk-other").build(), sdk);
    f.clock.advance(Duration.ofSeconds(121));
    IntegrationOutcome<JsonNode> resubmitted = guard.execute(request("k-sdk").build(), sdk);

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) out).retryAfter()).isEqualTo(retryAt);
    assertThat(f.escalations.escalations()).isEmpty();
    assertThat(meanwhile.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
    assertThat(resubmitted.accepted()).as("the key was released: %s", resubmitted).isTrue();
    assertThat(exchanges).hasValue(2);
  }

  @Test
  void executeWhenAProviderSdksRateLimitAsksForAYearThenTheTenantIsPausedForADayAsARetryAfterHeaderWouldBe() {
    Instant start = f.clock.instant();
    // an SDK's retry time taken as it came: a year, as a buggy or hostile answer may say
    ProviderCall<JsonNode> sdk = throttledOnceBySdk(start.plus(Duration.ofDays(365)));
    IntegrationGuard guard = guard();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-year").build(), sdk);
    f.clock.advance(Duration.ofDays(1).plusSeconds(1));
    IntegrationOutcome<JsonNode> nextDay = guard.execute(request("k-next-day").build(), sdk);

    assertThat(out.reason()).as("%s", out).isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    assertThat(((IntegrationOutcome.RateLimited<JsonNode>) out).retryAfter()).isEqualTo(start.plus(Duration.ofDays(1)));
    assertThat(nextDay.accepted()).as("paused a day at most: %s", nextDay).isTrue();
  }

  @Test
  void executeWhenTheExchangeReturnsNullThenEscalated() {
    ProviderCall<JsonNode> nothing = ProviderCall.of(ctx -> null, JsonValidator.builder().build());

    assertThat(guard().execute(request("k-null").build(), nothing).reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
  }

  @Test
  void executeWhenTheEscalationHandlerThrowsThenTheOutcomeIsStillEscalated() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets)
        .escalations(e -> {
          throw new IllegalStateException("workflow down");
        }).build();
    ProviderCall<JsonNode> reset = ProviderCall.of(ctx -> {
      throw new IOException("reset");
    }, JsonValidator.builder().build());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-eh").build(), reset);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_ESCALATED)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("escalationDelivered", "false"));
  }

  @Test
  void executeWhenTheValidatorThrowsThenRejectedWithEvidence() {
    ProviderCall<JsonNode> broken = ProviderCall.of(ctx -> ProviderResponse.of(200, Map.of(), new byte[] {1}), payload -> {
      throw new IllegalStateException("bug");
    });

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-v").build(), broken);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef()).isPresent();
  }

  /** A call whose exchange answers 200 in process, counted, and whose classification of a response throws. */
  private ProviderCall<JsonNode> classifyingBadly(Throwable thrown) {
    return new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) {
        exchanges.incrementAndGet();
        return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return JsonValidator.builder().require("id", JsonType.STRING).build();
      }

      @Override
      public Classification classify(ProviderResponse response, Instant now) {
        throw GuardFixtures.sneakyThrow(thrown);
      }
    };
  }

  @Test
  void executeWhenTheValidatorThrowsAnErrorAfterA2xxThenRejectedWithEvidenceAndTheKeyIsNotStranded() {
    ProviderCall<JsonNode> overflowing = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
    }, payload -> {
      throw new StackOverflowError();
    });

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-v-error").build(), overflowing);
    IntegrationOutcome<JsonNode> again = guard().execute(request("k-v-error").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef()).isPresent()
        .hasValueSatisfying(ref -> assertThat(ref).isNotEqualTo("evidence-not-kept"));
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).message()).contains("StackOverflowError");
    // the key completed with the rejection: the resubmission replays it, never IN_PROGRESS for the key's TTL
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(((IntegrationOutcome.Duplicate<JsonNode>) again).first()).hasValueSatisfying(
        first -> assertThat(first.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID));
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheValidatorThrowsACheckedExceptionSneakilyThenRejectedWithEvidence() {
    ProviderCall<JsonNode> sneaky = ProviderCall.of(ctx -> ProviderResponse.of(200, Map.of(), new byte[] {1}), payload -> {
      throw GuardFixtures.sneakyThrow(new IOException("parser broke"));
    });

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-v-sneaky").build(), sneaky);

    assertThat(out.reason()).isEqualTo(OutcomeReason.RESPONSE_INVALID);
    assertThat(((IntegrationOutcome.Rejected<JsonNode>) out).evidenceRef()).isPresent();
    assertThat(f.evidence.size()).isEqualTo(1);
  }

  @Test
  void executeWhenClassifyingA2xxThrowsAnErrorThenEscalatedWithEvidenceAndTheKeyCompleted() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-cl-error").build(), classifyingBadly(new StackOverflowError()));
    IntegrationOutcome<JsonNode> again = guard().execute(request("k-cl-error").build(), ok);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED); // the provider answered: it may have acted
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(f.escalations.escalations()).singleElement()
        // the attempt classifies what it cannot classify as an unknown state itself, so the answer is the evidence
        .satisfies(e -> assertThat(e.lastError()).isEqualTo("status 200"));
    assertThat(((IntegrationOutcome.Escalated<JsonNode>) out).evidenceRef()).isNotEqualTo("evidence-not-kept");
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(((IntegrationOutcome.Duplicate<JsonNode>) again).first()).hasValueSatisfying(
        first -> assertThat(first.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED));
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenClassifyingA2xxThrowsACheckedExceptionSneakilyThenEscalatedAndTheKeyCompleted() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-cl-sneaky").build(),
        classifyingBadly(new IOException("adapter broke")));
    IntegrationOutcome<JsonNode> again = guard().execute(request("k-cl-sneaky").build(), ok);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenACustomExchangeFailsAndItsReportsSendingThrowsThenEscalatedAndNotResent() {
    // an exchange that sends by its own means (a provider SDK) and loses the connection after sending; asked whether
    // it reports its sending, it throws (a delegating call whose delegate is gone, a checked exception sneakily)
    ProviderCall<JsonNode> broken = new ProviderCall<>() {
      @Override
      public ProviderResponse exchange(CallContext context) throws IOException {
        exchanges.incrementAndGet();
        throw new IOException("connection reset");
      }

      @Override
      public PayloadValidator<JsonNode> validator() {
        return ok.validator();
      }

      @Override
      public boolean reportsSending() {
        throw GuardFixtures.sneakyThrow(new IOException("delegate closed"));
      }
    };

    IntegrationOutcome<JsonNode> out = guard().execute(request("k-reports").build(), broken);
    IntegrationOutcome<JsonNode> again = guard().execute(request("k-reports").build(), ok);

    assertThat(out.kind()).as("the request may have been sent: %s", out).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.UNKNOWN_STATE);
    assertThat(again.reason()).isEqualTo(OutcomeReason.DUPLICATE_COMPLETED);
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWithoutAKeyWhenClassifyingA2xxThrowsAnErrorThenEscalatedNotFailed() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER).action(SEND).build();

    IntegrationOutcome<JsonNode> out = f.guard(BASE, p -> p.requireIdempotencyKey(false))
        .execute(r, classifyingBadly(new StackOverflowError()));

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(f.escalations.escalations()).hasSize(1);
  }

  @Test
  void executeWhenTheSecretStoreThrowsAnErrorThenFailedNothingSentAndTheKeyReleased() {
    AtomicInteger lookups = new AtomicInteger();
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).idempotencyStore(f.idempotency).secrets((ref, now) -> {
          if (lookups.incrementAndGet() == 1) {
            throw new StackOverflowError();
          }
          return f.secrets.resolve(ref, now);
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-st-error").build(), ok);
    IntegrationOutcome<JsonNode> again = guard.execute(request("k-st-error").build(), ok);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.FAILED);
    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(again.accepted()).isTrue(); // the key was released, not held for its TTL
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenTheSecretStoreThrowsAnErrorThenTheGuardFailureIsAuditedByClassOnly() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets((ref, now) -> {
          throw new NoClassDefFoundError("com/vault/Client " + GuardFixtures.SECRET_VALUE);
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-st-error-audit").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement().satisfies(e -> {
      assertThat(e.reasons()).containsExactly("GUARD_FAILURE");
      assertThat(e.outcome()).isEqualTo("FAILED");
      assertThat(e.details()).containsEntry("error", "java.lang.NoClassDefFoundError")
          .containsEntry("idempotencyKey", "k-st-error-audit");
      assertThat(e.toString()).doesNotContain(GuardFixtures.SECRET_VALUE);
    });
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheConsentRegistryThrowsAnErrorWithoutAnIdempotencyKeyThenTheGuardFailureIsAudited() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).secrets(f.secrets).consents((query, now) -> {
          throw new java.util.ServiceConfigurationError("consent service could not be loaded");
        }).build();
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action(SEND).build();

    IntegrationOutcome<JsonNode> out = guard.execute(keyless, ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(f.audit.events(AuditEventType.INTEGRATION_FAILURE)).singleElement()
        .satisfies(e -> assertThat(e.reasons()).containsExactly("GUARD_FAILURE"));
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenAConsentRegistryThrowsACheckedExceptionSneakilyThenFailedNotThrown() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).secrets(f.secrets).consents((query, now) -> {
          throw GuardFixtures.sneakyThrow(new IOException("directory down"));
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-cr-sneaky").build(), ok);

    assertThat(out.accepted()).isFalse();
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheEscalationHandlerAndEvidenceStoreThrowCheckedExceptionsSneakilyThenStillEscalated() {
    IntegrationGuard guard = base()
        .auditSink(f.audit).consents(f.consents).secrets(f.secrets)
        .evidence(e -> {
          throw GuardFixtures.sneakyThrow(new IOException("disk full"));
        })
        .escalations(e -> {
          throw GuardFixtures.sneakyThrow(new IOException("workflow down"));
        }).build();
    ProviderCall<JsonNode> reset = ProviderCall.of(ctx -> {
      throw new IOException("reset");
    }, JsonValidator.builder().build());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-eh-sneaky").build(), reset);

    assertThat(out.kind()).isEqualTo(IntegrationOutcome.Kind.ESCALATED);
    assertThat(((IntegrationOutcome.Escalated<JsonNode>) out).evidenceRef()).isEqualTo("evidence-not-kept");
    assertThat(f.audit.events(AuditEventType.INTEGRATION_ESCALATED)).singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("escalationDelivered", "false"));
  }

  @Test
  void executeWhenTheAuditSinkThrowsACheckedExceptionSneakilyThenItIsAnAuditFailureAndNothingIsSent() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets)
        .auditSink(e -> {
          if (e.type() == AuditEventType.INTEGRATION_REQUEST) {
            throw GuardFixtures.sneakyThrow(new IOException("audit store down"));
          }
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-au-sneaky").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheAcceptedFactsAuditThrowsAnErrorThenEscalatedNotFailed() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets).escalations(f.escalations)
        .auditSink(e -> {
          if (e.type() == AuditEventType.ACCEPTED_FACT) {
            throw new StackOverflowError();
          }
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-fact-error").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.FACT_NOT_AUDITED);
    assertThat(f.escalations.escalations()).hasSize(1);
  }

  @Test
  void executeWhenTheRequestCannotBeAuditedThenItIsNotSent() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets)
        .auditSink(e -> {
          if (e.type() == AuditEventType.INTEGRATION_REQUEST) {
            throw new IllegalStateException("audit store down");
          }
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-au").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenTheCredentialUseCannotBeAuditedThenTheSecretIsNotUsedAndNothingIsSent() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets)
        .auditSink(e -> {
          if (e.type() == AuditEventType.CREDENTIAL_USE) {
            throw new IllegalStateException("audit store down");
          }
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-cred-au").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).message())
        .isEqualTo("the use of secret 'acme-mail/api-key' could not be audited, so nothing was sent");
    assertThat(exchanges).hasValue(0);
  }

  @Test
  void executeWhenARenewedLeaseCannotBeAuditedDuringRetriesThenTheNextAttemptIsNotSent() {
    java.util.concurrent.atomic.AtomicBoolean auditDown = new java.util.concurrent.atomic.AtomicBoolean();
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets)
        .auditSink(e -> {
          if (e.type() == AuditEventType.CREDENTIAL_USE && auditDown.get()) {
            throw new IllegalStateException("audit store down");
          }
        }).build();
    ProviderCall<JsonNode> failsOnceAfterTheLease = ProviderCall.of(ctx -> {
      exchanges.incrementAndGet();
      auditDown.set(true);
      f.clock.advance(Duration.ofMinutes(6)); // the fixture's lease is 5 minutes
      throw new ConnectException("refused");
    }, JsonValidator.builder().require("id", JsonType.STRING).build());

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-cred-au-renew").build(), failsOnceAfterTheLease);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUDIT_FAILED);
    assertThat(((IntegrationOutcome.Failed<JsonNode>) out).message())
        .isEqualTo("the use of secret 'acme-mail/api-key' could not be audited, so attempt 2 was not sent");
    assertThat(exchanges).hasValue(1);
  }

  @Test
  void executeWhenAuditMayFailAndContinueThenTheRequestIsSent() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets).auditFailurePolicy(AuditFailurePolicy.LOG_AND_CONTINUE)
        .auditSink(e -> {
          if (e.type() != AuditEventType.AUTHORIZATION_DECISION) {
            throw new IllegalStateException("audit store down");
          }
        }).build();

    assertThat(guard.execute(request("k-lc").build(), ok).accepted()).isTrue();
  }

  @Test
  void executeWhenTheAcceptedFactCannotBeAuditedThenEscalated() {
    IntegrationGuard guard = base()
        .consents(f.consents).secrets(f.secrets).escalations(f.escalations)
        .auditSink(e -> {
          if (e.type() == AuditEventType.ACCEPTED_FACT) {
            throw new IllegalStateException("audit store down");
          }
        }).build();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-fact").build(), ok);

    assertThat(out.reason()).isEqualTo(OutcomeReason.FACT_NOT_AUDITED);
    assertThat(out.accepted()).isFalse();
    assertThat(f.escalations.escalations()).hasSize(1);
  }

  @Test
  void executeAuditsEveryMaterialStepWithTheCallsIds() {
    guard().execute(request("k-audit").build(), ok);

    List<AuditEventType> types = f.audit.events().stream().map(com.algosure.audit.AuditEvent::type).collect(java.util.stream.Collectors.toList());
    assertThat(types).containsExactly(AuditEventType.AUTHORIZATION_DECISION, AuditEventType.CREDENTIAL_USE,
        AuditEventType.INTEGRATION_REQUEST, AuditEventType.INTEGRATION_RESPONSE, AuditEventType.ACCEPTED_FACT);
    assertThat(f.audit.events().subList(1, 5)).allSatisfy(e -> {
      assertThat(e.tenant()).contains(TENANT);
      assertThat(e.actorId()).contains(GuardFixtures.USER);
      assertThat(e.provider()).contains(PROVIDER);
      assertThat(e.action()).contains(SEND);
      assertThat(e.correlationId()).contains("corr-k-audit");
      assertThat(e.details()).containsEntry("idempotencyKey", "k-audit");
    });
    assertThat(f.audit.events(AuditEventType.INTEGRATION_RESPONSE)).singleElement().satisfies(e -> {
      assertThat(e.details()).containsEntry("status", "200").containsEntry("bytes", "14").containsKey("sha256");
      assertThat(e.details().values()).noneMatch(v -> v.contains("msg-1")); // a hash, not the body
    });
  }
}
