package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.PROVIDER;
import static com.algosure.integration.GuardFixtures.SEND;
import static com.algosure.integration.GuardFixtures.TENANT;
import static com.algosure.integration.GuardFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.authz.Actor;
import com.algosure.authz.PermissionDefinition;
import com.algosure.authz.PermissionScope;
import com.algosure.authz.PolicyDecisionPoint;
import com.algosure.authz.RoleCatalog;
import com.algosure.authz.spi.Directory;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.RateLimit;
import com.algosure.integration.spi.RateLimitDecision;
import com.algosure.integration.spi.RateLimitKey;
import com.algosure.integration.spi.RateLimitStore;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the guard's steps, as {@link IntegrationGuard} lists it: tenant, provider, authorization, consent,
 * transport, rate limit, idempotency, secrets, execution, validation. Each SPI the steps ask and the audit sink write
 * into one journal, so a test reads the order the steps ran in; a step that calls no SPI (tenant, provider,
 * transport) is placed by what a request it refuses never reaches.
 */
class StepOrderTest {

  static final String BASE = "https://api.acme-mail.example";

  GuardFixtures f;
  final List<String> journal = new CopyOnWriteArrayList<>();

  final ProviderCall<JsonNode> call = ProviderCall.of(ctx -> {
    journal.add("exchange");
    return ProviderResponse.of(200, Map.of(), "{\"id\":\"msg-1\"}".getBytes(StandardCharsets.UTF_8));
  }, body -> {
    journal.add("validator");
    return JsonValidator.builder().require("id", JsonType.STRING).build().validate(body);
  });

  @BeforeEach
  void setUp() {
    f = new GuardFixtures();
    f.grantMailConsent();
  }

  IntegrationGuard guard(ProviderPolicy provider) {
    ConsentRegistry consents = (ConsentQuery q, Instant now) -> {
      journal.add("consent");
      return f.consents.check(q, now);
    };
    RateLimitStore limits = new RateLimitStore() {
      final RateLimitStore store = RateLimitStore.inMemory();

      @Override
      public RateLimitDecision acquire(RateLimitKey key, RateLimit limit, Instant now) {
        journal.add("rate-limit");
        return store.acquire(key, limit, now);
      }

      @Override
      public Optional<Instant> pausedUntil(RateLimitKey key, Instant now) {
        journal.add("rate-limit");
        return store.pausedUntil(key, now);
      }

      @Override
      public void pause(RateLimitKey key, Instant until) {
        store.pause(key, until);
      }
    };
    IdempotencyStore keys = new IdempotencyStore() {
      @Override
      public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        journal.add("claim");
        return f.idempotency.claim(key, fingerprint, owner, ttl);
      }

      @Override
      public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        journal.add("complete");
        return f.idempotency.complete(key, owner, outcome, ttl);
      }

      @Override
      public boolean release(IdempotencyKey key, String owner) {
        journal.add("release");
        return f.idempotency.release(key, owner);
      }
    };
    SecretStore secrets = (SecretRef ref, Instant now) -> {
      journal.add("secret");
      return f.secrets.resolve(ref, now);
    };
    // the fixtures' catalogue and directory, with a decision point whose record of each decision goes to the journal
    RoleCatalog catalog = RoleCatalog.builder()
        .permission(PermissionDefinition.of(SEND).withScope(PermissionScope.TENANT))
        .role("integrator", SEND)
        .build();
    PolicyDecisionPoint pdp = PolicyDecisionPoint.builder().roleCatalog(catalog)
        .directory(Directory.inMemory().tenantRole(GuardFixtures.USER, TENANT, "integrator").build())
        .auditSink(e -> journal.add(e.type().name())).clock(f.clock).build();
    return IntegrationGuard.builder().policyDecisionPoint(pdp).provider(provider).clock(f.clock)
        .consents(consents).rateLimitStore(limits).idempotencyStore(keys).secrets(secrets)
        .escalations(f.escalations).evidence(f.evidence)
        .auditSink(e -> {
          f.audit.record(e);
          journal.add(e.type().name());
        })
        .build();
  }

  IntegrationGuard guard() {
    return guard(GuardFixtures.provider(BASE).build());
  }

  /** @return the journal's entries up to the exchange, each SPI's repeated calls (two rate-limit keys) as one */
  List<String> steps() {
    List<String> out = new CopyOnWriteArrayList<>();
    for (String s : journal) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void executeWhenEverythingHoldsThenAuthorizationConsentRateLimitIdempotencySecretsExecutionAndValidationRunInOrder() {
    IntegrationOutcome<JsonNode> out = guard().execute(request("k-order").build(), call);

    assertThat(out.accepted()).isTrue();
    assertThat(steps()).containsExactly(
        "AUTHORIZATION_DECISION", // the decision point's own record of its decision
        "consent",
        "rate-limit", // the pause check of the rate-limit step, then the attempt's permits
        "claim",
        "secret",
        "CREDENTIAL_USE",
        "rate-limit", // the attempt's permits: pauses, with no limit configured
        "INTEGRATION_REQUEST",
        "exchange",
        "INTEGRATION_RESPONSE",
        "validator",
        "ACCEPTED_FACT",
        "complete");
  }

  @Test
  void executeWhenTheTenantIsMissingAndTheProviderUnknownThenTheTenantIsWhatIsDenied() {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).provider("unknown-provider")
        .action(SEND).idempotencyKey("k-no-tenant").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.TENANT_MISSING);
    assertThat(journal).containsExactly("INTEGRATION_DENIED");
  }

  @Test
  void executeWhenTheProviderIsUnknownThenDeniedBeforeTheDecisionPointIsAsked() {
    IntegrationRequest r = IntegrationRequest.builder().actor(Actor.user("mallory")).tenant(TENANT)
        .provider("unknown-provider").action(SEND).idempotencyKey("k-unknown").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_UNKNOWN);
    assertThat(journal).containsExactly("INTEGRATION_DENIED");
  }

  @Test
  void executeWhenTheActorIsNotAuthorizedThenTheConsentRegistryIsNeverAsked() {
    // an actor without a role, for a tenant without consent: the decision point denies first, so the caller learns
    // nothing of the tenant's consents and the registry is not asked on behalf of an unauthorized actor
    f = new GuardFixtures();
    IntegrationRequest r = IntegrationRequest.builder().actor(Actor.user("mallory")).tenant(TENANT).provider(PROVIDER)
        .action(SEND).idempotencyKey("k-mallory").build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.AUTHORIZATION_DENIED);
    assertThat(journal).containsExactly("AUTHORIZATION_DECISION");
  }

  @Test
  void executeWhenTheConsentIsMissingAndTheEndpointInsecureThenTheConsentIsWhatIsDenied() {
    f = new GuardFixtures(); // no consent
    IntegrationRequest r = request("k-no-consent").endpoint(URI.create("http://partner.example/v1/")).build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.CONSENT_MISSING);
    assertThat(steps()).containsExactly("AUTHORIZATION_DECISION", "consent", "INTEGRATION_DENIED");
  }

  @Test
  void executeWhenTheEndpointIsInsecureThenDeniedAfterConsentAndBeforeTheRateLimitStoreIsAsked() {
    IntegrationRequest r = request("k-plain").endpoint(URI.create("http://partner.example/v1/")).build();

    IntegrationOutcome<JsonNode> out = guard().execute(r, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.TRANSPORT_INSECURE);
    assertThat(steps()).containsExactly("AUTHORIZATION_DECISION", "consent", "INTEGRATION_DENIED");
  }

  @Test
  void executeWhenTheProviderPausedTheTenantThenRateLimitedBeforeTheKeyIsClaimedOrASecretResolved() {
    IntegrationGuard guard = guard();
    // a first call whose provider answers 429 for a minute pauses the tenant x provider key
    ProviderCall<JsonNode> throttled = ProviderCall.of(ctx -> ProviderResponse.of(429,
        Map.of("Retry-After", List.of("60")), new byte[0]), JsonValidator.builder().build());
    assertThat(guard.execute(request("k-429").build(), throttled).reason())
        .isEqualTo(OutcomeReason.PROVIDER_RATE_LIMITED);
    journal.clear();

    IntegrationOutcome<JsonNode> out = guard.execute(request("k-paused").build(), call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.PROVIDER_PAUSED);
    assertThat(steps()).containsExactly("AUTHORIZATION_DECISION", "consent", "rate-limit", "INTEGRATION_RATE_LIMITED");
  }

  @Test
  void executeWhenTheKeyWasUsedForAnotherRequestThenRejectedBeforeASecretIsResolved() {
    IntegrationGuard guard = guard();
    assertThat(guard.execute(request("k-reused").build(), call).accepted()).isTrue();
    journal.clear();

    IntegrationRequest other = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(TENANT).provider(PROVIDER)
        .action(SEND).idempotencyKey("k-reused").jsonPayload(Map.of("to", "eve@example.com")).build();

    IntegrationOutcome<JsonNode> out = guard.execute(other, call);

    assertThat(out.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_REUSED);
    assertThat(journal).doesNotContain("secret", "CREDENTIAL_USE", "exchange");
    assertThat(steps()).containsExactly("AUTHORIZATION_DECISION", "consent", "rate-limit", "claim",
        "INTEGRATION_REJECTED");
  }
}
