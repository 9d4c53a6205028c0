package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditFailurePolicy;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretLease;
import com.algosure.integration.spi.SecretStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The secrets step keeps a secret in its cache no longer than the secret's lease, on the guard's clock. */
class SecretsStepCacheTest {

  final GuardFixtures f = new GuardFixtures();
  final Auditor auditor = new Auditor(f.audit, AuditFailurePolicy.FAIL_CLOSED, f.clock);
  final SecretsStep step = new SecretsStep(SecretStore.inMemory().secret("acme-mail/acme/api-key", "acme-key")
      .secret("acme-mail/globex/api-key", "globex-key").lease(Duration.ofMinutes(5)).build(), f.clock, auditor);
  final ProviderRuntime provider = new ProviderRuntime(ProviderPolicy.builder(GuardFixtures.PROVIDER)
      .endpoint(URI.create("https://api.acme-mail.example/v1/")).action(GuardFixtures.SEND)
      .secret("acme-mail/{tenant}/api-key").build(), f.clock, auditor,
      (EnforcingHttpClient) TransportPolicy.httpsOnly().newHttpClient(Duration.ofSeconds(1)));

  /** Stands for the steps after the secrets: the call got its secrets. */
  static final GuardStep SENT = new GuardStep() {
    @Override
    public <T> IntegrationOutcome<T> apply(CallState<T> c) {
      return c.failed(OutcomeReason.CALL_FAILED, 0, "secrets resolved: " + c.secrets.size());
    }
  };

  /** @return whether the call got its secret */
  boolean call(String tenant) {
    return call(step, tenant);
  }

  boolean call(SecretsStep step, String tenant) {
    IntegrationRequest r = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(tenant)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).build();
    CallState<byte[]> c = new CallState<>(r, ProviderCall.of(ctx -> null, PayloadValidator.bytes(1)),
        new GuardStep[] {step, SENT});
    c.provider = provider;
    return c.proceed().reason() == OutcomeReason.CALL_FAILED;
  }

  @Test
  void whenALeaseHasRunOutThenItsSecretIsNoLongerHeldInTheCache() {
    assertThat(call("acme")).isTrue();
    assertThat(step.cachedLeases()).isEqualTo(1);

    f.clock.advance(Duration.ofMinutes(5)); // acme's lease ends; its tenant makes no further call
    assertThat(call("globex")).isTrue();

    assertThat(step.cachedLeases()).isEqualTo(1); // globex's only: acme's expired secret is gone from memory
  }

  @Test
  void whenALeaseEndsAtTheEndOfTimeThenItStaysCached() {
    java.util.concurrent.atomic.AtomicInteger resolved = new java.util.concurrent.atomic.AtomicInteger();
    SecretsStep forever = new SecretsStep((ref, now) -> {
      resolved.incrementAndGet();
      return Optional.of(new SecretLease(Secret.of(ref, "v"), Instant.MAX));
    }, f.clock, auditor);

    assertThat(call(forever, "acme")).isTrue();
    f.clock.advance(Duration.ofDays(36_500)); // a century (the cache re-reads beyond about 146 years)
    assertThat(call(forever, "acme")).isTrue();

    assertThat(resolved).hasValue(1);
    assertThat(forever.cachedLeases()).isEqualTo(1);
  }
}
