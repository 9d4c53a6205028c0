package com.algosure.integration;

import static com.algosure.integration.GuardFixtures.SECRET_VALUE;
import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackOutcome;
import com.algosure.integration.inbound.CallbackReason;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.CallbackRequest;
import com.algosure.integration.inbound.StandardWebhooksVerifier;
import com.algosure.integration.spi.ClaimResult;
import com.algosure.integration.spi.ConsentCheck;
import com.algosure.integration.spi.ConsentQuery;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.IdempotencyKey;
import com.algosure.integration.spi.IdempotencyStore;
import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import com.algosure.integration.spi.SecretStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.ServiceConfigurationError;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What escapes the steps (host code throwing where no step expects it: an undeclared checked exception, as Kotlin
 * code or Lombok's {@code @SneakyThrows} throw, or an Error) is logged by its class only, as the idempotency step
 * logs it: its message, and the messages of its causes, are host code's and may carry a credential or a body.
 */
class EscapedHostFailureLogTest {

  /** A credential in a host exception's message: the secret store's own access token, echoed in a URL. */
  static final String VAULT_TOKEN = "hvs.DO-NOT-LEAK-vault-token-41c9";
  static final String DB_PASSWORD = "DO-NOT-LEAK-db-password-77e2";

  final GuardFixtures f = new GuardFixtures();

  /** Runs a call without an idempotency key (so no step holds a key to answer it) and collects the log lines. */
  private IntegrationOutcome<JsonNode> keylessCall(ConsentRegistry consents, SecretStore secrets, List<String> lines) {
    IntegrationGuard guard = IntegrationGuard.builder().policyDecisionPoint(f.pdp).clock(f.clock).auditSink(f.audit)
        .consents(consents).secrets(secrets).escalations(f.escalations).evidence(f.evidence)
        .provider(GuardFixtures.provider("https://mail.example").requireIdempotencyKey(false).build()).build();
    IntegrationRequest keyless = IntegrationRequest.builder().actor(GuardFixtures.user()).tenant(GuardFixtures.TENANT)
        .provider(GuardFixtures.PROVIDER).action(GuardFixtures.SEND).jsonPayload(java.util.Map.of("to", "bob")).build();
    try (LogCapture logs = new LogCapture()) {
      IntegrationOutcome<JsonNode> out = guard.execute(keyless, GuardFixtures.sendCall());
      lines.addAll(logs.lines());
      return out;
    }
  }

  @Test
  void executeWhenAHostSpiThrowsAnErrorWithoutAnIdempotencyKeyThenTheLogNamesItsClassOnly() {
    // an Error escapes the steps (they turn a host SPI's exceptions into their own outcome) up to the guard's last
    // resort, whose log line must not carry the host's message: here the registry's access token, echoed in a URL
    ConsentRegistry careless = new ConsentRegistry() {
      @Override
      public ConsentCheck check(ConsentQuery query, java.time.Instant at) {
        throw new ServiceConfigurationError("consent service https://consents.internal/v1?token=" + VAULT_TOKEN
            + " could not be loaded");
      }
    };
    List<String> lines = new java.util.ArrayList<>();
    IntegrationOutcome<JsonNode> out = keylessCall(careless, f.secrets, lines);

    assertThat(out.reason()).isEqualTo(OutcomeReason.GUARD_FAILURE);
    assertThat(lines).anyMatch(l -> l.contains("integration guard failed") && l.contains("java.util.ServiceConfigurationError"));
    assertThat(lines).noneMatch(l -> l.contains(VAULT_TOKEN));
  }

  @Test
  void executeWhenTheSecretStoreThrowsUndeclaredWithoutAnIdempotencyKeyThenSecretUnavailableAndTheLogNamesItsClassOnly() {
    f.grantMailConsent();
    SecretStore careless = (ref, now) -> {
      // what HttpURLConnection says about a 403: the URL, query included
      throw GuardFixtures.sneakyThrow(new IOException("Server returned HTTP response code: 403 for URL: "
          + "https://vault.internal/v1/secret/data/acme-mail?token=" + VAULT_TOKEN));
    };
    List<String> lines = new java.util.ArrayList<>();
    IntegrationOutcome<JsonNode> out = keylessCall(f.consents, careless, lines);

    assertThat(out.reason()).isEqualTo(OutcomeReason.SECRET_UNAVAILABLE);
    assertThat(lines).anyMatch(l -> l.contains("secret store failed") && l.contains("java.io.IOException"));
    assertThat(lines).noneMatch(l -> l.contains(VAULT_TOKEN));
  }

  @Test
  void handleWhenTheDedupeStoreThrowsUndeclaredThenTheLogNamesItsClassOnly() throws Exception {
    String webhookSecret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    IdempotencyStore careless = new IdempotencyStore() {
      @Override
      public ClaimResult claim(IdempotencyKey key, String fingerprint, String owner, Duration ttl) {
        throw GuardFixtures.sneakyThrow(new SQLException("Connection to jdbc:postgresql://db:5432/app?user=app&password="
            + DB_PASSWORD + " refused", "08001"));
      }

      @Override
      public boolean complete(IdempotencyKey key, String owner, Object outcome, Duration ttl) {
        return false;
      }

      @Override
      public boolean release(IdempotencyKey key, String owner) {
        return false;
      }
    };
    CallbackGuard guard = CallbackGuard.builder().clock(f.clock).auditSink(f.audit).dedupeStore(careless)
        .registration(CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(Secret.of(SecretRef.of("webhooks/acme-mail"), webhookSecret)).build())
            .build())
        .build();
    String id = "msg_1";
    String ts = Long.toString(f.clock.instant().getEpochSecond());
    byte[] body = "{\"type\":\"delivered\"}".getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(webhookSecret.substring(6)), "HmacSHA256"));
    String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + ts + "." + new String(body, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8)));
    CallbackRequest request = CallbackRequest.builder("acme-mail").header("webhook-id", id).header("webhook-timestamp", ts)
        .header("webhook-signature", "v1," + signature).body(body).build();

    CallbackOutcome out;
    List<String> lines;
    try (LogCapture logs = new LogCapture()) {
      out = guard.handle(request, PayloadValidator.bytes(1024), c -> { });
      lines = logs.lines();
    }

    assertThat(out.reason()).isEqualTo(CallbackReason.VERIFICATION_UNAVAILABLE);
    assertThat(lines).anyMatch(l -> l.contains("dedupe store failed") && l.contains("java.sql.SQLException"));
    assertThat(lines).noneMatch(l -> l.contains(DB_PASSWORD));
    assertThat(lines).noneMatch(l -> l.contains(SECRET_VALUE));
  }
}
