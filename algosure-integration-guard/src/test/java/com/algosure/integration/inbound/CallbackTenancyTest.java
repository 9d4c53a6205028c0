package com.algosure.integration.inbound;

import static com.algosure.integration.inbound.CallbackGuardTest.SPEC_TIMESTAMP;
import static com.algosure.integration.inbound.CallbackGuardTest.secret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.audit.AuditSink;
import com.algosure.authz.TenantId;
import com.algosure.integration.JsonType;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.PayloadValidator;
import com.algosure.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Which tenant a callback is handled for, when one registration serves several: a tenant taken from what the
 * signature does not cover (a header, a path) must be bound by per-tenant secrets, or one tenant's signed delivery
 * could be replayed as another's.
 */
class CallbackTenancyTest {

  static final String ACME_SECRET = WebhookSigning.newWhsec();
  static final String GLOBEX_SECRET = WebhookSigning.newWhsec();

  final MutableClock clock = MutableClock.at(Instant.ofEpochSecond(SPEC_TIMESTAMP));
  final List<VerifiedCallback<JsonNode>> handled = new ArrayList<>();
  final CallbackHandler<JsonNode> handler = handled::add;
  final PayloadValidator<JsonNode> json = JsonValidator.builder().require("tenant", JsonType.STRING).build();

  static CallbackRequest delivery(String id, String tenantHeader, String body, String whsec) {
    return CallbackRequest.builder("acme-mail")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(SPEC_TIMESTAMP))
        .header("webhook-signature", WebhookSigning.v1(whsec, id, SPEC_TIMESTAMP, body.getBytes(StandardCharsets.UTF_8)))
        .header("X-Tenant", tenantHeader)
        .body(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  CallbackGuard guard(CallbackRegistration registration) {
    return CallbackGuard.builder().clock(clock).auditSink(AuditSink.inMemory()).registration(registration).build();
  }

  static Optional<TenantId> tenantInBody(byte[] body) {
    Matcher m = Pattern.compile("\"tenant\":\"([a-z]+)\"").matcher(new String(body, StandardCharsets.UTF_8));
    return m.find() ? Optional.of(TenantId.of(m.group(1))) : Optional.empty();
  }

  /**
   * Regression: a rejection before the signature was verified was audited under the tenant the request named, so
   * anyone could add CALLBACK_REJECTED events to any tenant's audit trail. A tenant only claimed is recorded as
   * such; a registration's own fixed tenant, and any tenant once the signature is verified, stay the event's tenant.
   */
  @Test
  void handleWhenAnUnverifiedDeliveryNamesATenantThenItsRejectionIsNotAuditedAsThatTenants() {
    com.algosure.audit.InMemoryAuditSink audit = AuditSink.inMemory();
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit).registration(
        CallbackRegistration.builder("acme-mail").tenantFromBody(CallbackTenancyTest::tenantInBody)
            .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build()).build()).build();
    String globex = "{\"tenant\":\"globex\"}";

    CallbackOutcome forged = guard.handle(delivery("msg_f", "globex", globex, GLOBEX_SECRET), json, handler);
    CallbackOutcome genuine = guard.handle(delivery("msg_g", "globex", globex, ACME_SECRET), json, handler);
    clock.advance(java.time.Duration.ofHours(1));
    CallbackOutcome late = guard.handle(delivery("msg_g2", "globex", globex, ACME_SECRET), json, handler);

    assertThat(forged.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(genuine.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(late.reason()).isEqualTo(CallbackReason.TIMESTAMP_TOO_OLD);
    List<com.algosure.audit.AuditEvent> rejected = audit.events(com.algosure.audit.AuditEventType.CALLBACK_REJECTED);
    assertThat(rejected).hasSize(2);
    // the forged one: globex only claimed
    assertThat(rejected.get(0).tenant()).isEmpty();
    assertThat(rejected.get(0).details()).containsEntry("claimedTenant", "globex");
    // signed by the provider, refused for its age: globex's
    assertThat(rejected.get(1).tenant()).contains("globex");
    assertThat(rejected.get(1).details()).doesNotContainKey("claimedTenant");
  }

  @Test
  void handleWhenTheRegistrationsTenantIsFixedThenAnUnverifiedDeliverysRejectionIsItsTenants() {
    com.algosure.audit.InMemoryAuditSink audit = AuditSink.inMemory();
    CallbackGuard guard = CallbackGuard.builder().clock(clock).auditSink(audit).registration(
        CallbackRegistration.builder("acme-mail").tenant("acme")
            .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build()).build()).build();

    CallbackOutcome forged = guard.handle(delivery("msg_f", "globex", "{\"tenant\":\"acme\"}", GLOBEX_SECRET), json,
        handler);

    assertThat(forged.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(audit.events(com.algosure.audit.AuditEventType.CALLBACK_REJECTED)).singleElement()
        .satisfies(e -> assertThat(e.tenant()).contains("acme"));
  }

  @Test
  void buildWhenTheTenantComesFromAHeaderAndTheSecretIsTheSameForEveryTenantThenRefusedSayingWhatToDo() {
    CallbackRegistration.Builder b = CallbackRegistration.builder("acme-mail")
        .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
        .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'acme-mail' resolves its tenant per request")
        .hasMessageContaining("replayed as another's")
        .hasMessageContaining("tenantFromBody(...)")
        .hasMessageContaining("secretSource(...)")
        .hasMessageNotContaining(ACME_SECRET.substring(6));
  }

  @Test
  void buildWhenTheTenantComesFromAHeaderAndPerTenantSecretsAreMixedWithAFixedOneThenRefused() {
    CallbackRegistration.Builder b = CallbackRegistration.builder("acme-mail")
        .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
        .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET))
            .secretSource(tenant -> List.of(secret(GLOBEX_SECRET))).build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("replayed as another's");
  }

  @Test
  void buildWhenTheTenantComesFromAHeaderAndTheVerifierIsJwsThenRefused() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k").generate();
    CallbackRegistration.Builder b = CallbackRegistration.builder("acme-mail")
        .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
        .verifier(JwsCallbackVerifier.builder().typeNotRequired().keys(new JWKSet(key.toPublicJWK())).build());

    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("replayed as another's");
  }

  @Test
  void handleWhenTheTenantComesFromAHeaderWithPerTenantSecretsThenADeliveryMovedToAnotherTenantFailsItsSignature() {
    CallbackGuard guard = guard(CallbackRegistration.builder("acme-mail")
        .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
        .verifier(StandardWebhooksVerifier.builder()
            .secretSource(tenant -> List.of(secret(tenant.value().equals("acme") ? ACME_SECRET : GLOBEX_SECRET))).build())
        .build());
    String body = "{\"tenant\":\"acme\"}";

    CallbackOutcome own = guard.handle(delivery("msg_1", "acme", body, ACME_SECRET), json, handler);
    CallbackOutcome moved = guard.handle(delivery("msg_1", "globex", body, ACME_SECRET), json, handler);

    assertThat(own.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(moved.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.tenant()).isEqualTo(TenantId.of("acme")));
  }

  @Test
  void handleWhenTheTenantIsReadFromTheSignedBodyWithOneSecretForAllThenAHeaderCannotMoveTheDelivery() {
    CallbackGuard guard = guard(CallbackRegistration.builder("acme-mail")
        .tenantFromBody(CallbackTenancyTest::tenantInBody)
        .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build())
        .build());
    String acme = "{\"tenant\":\"acme\"}";

    CallbackOutcome first = guard.handle(delivery("msg_1", "globex", acme, ACME_SECRET), json, handler);
    // the body edited to name another tenant: the signature no longer matches
    CallbackRequest edited = CallbackRequest.of(com.algosure.integration.ProviderId.of("acme-mail"), Map.of(
        "webhook-id", List.of("msg_2"),
        "webhook-timestamp", List.of(Long.toString(SPEC_TIMESTAMP)),
        "webhook-signature", List.of(WebhookSigning.v1(ACME_SECRET, "msg_2", SPEC_TIMESTAMP, acme.getBytes(StandardCharsets.UTF_8)))),
        "{\"tenant\":\"globex\"}".getBytes(StandardCharsets.UTF_8));
    CallbackOutcome second = guard.handle(edited, json, handler);

    assertThat(first.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(second.reason()).isEqualTo(CallbackReason.SIGNATURE_INVALID);
    assertThat(handled).singleElement().satisfies(c -> assertThat(c.tenant()).isEqualTo(TenantId.of("acme")));
  }

  /**
   * Delivery ids are the provider's per tenant (per account): the same id sent for two tenants names two deliveries,
   * each handled once for its own tenant, never one tenant's answered as the other's duplicate.
   */
  @Test
  void handleWhenTwoTenantsReceiveTheSameDeliveryIdThenEachIsHandledForItsTenantAndOnlyItsOwnRedeliveryIsADuplicate() {
    CallbackGuard guard = guard(CallbackRegistration.builder("acme-mail")
        .tenantResolver(r -> r.header("X-Tenant").map(TenantId::of))
        .verifier(StandardWebhooksVerifier.builder()
            .secretSource(tenant -> List.of(secret(tenant.value().equals("acme") ? ACME_SECRET : GLOBEX_SECRET))).build())
        .build());
    String body = "{\"tenant\":\"any\"}";

    CallbackOutcome acme = guard.handle(delivery("msg_1", "acme", body, ACME_SECRET), json, handler);
    CallbackOutcome globex = guard.handle(delivery("msg_1", "globex", body, GLOBEX_SECRET), json, handler);
    CallbackOutcome globexAgain = guard.handle(delivery("msg_1", "globex", body, GLOBEX_SECRET), json, handler);

    assertThat(acme.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(globex.reason()).isEqualTo(CallbackReason.ACCEPTED);
    assertThat(globexAgain.reason()).isEqualTo(CallbackReason.DUPLICATE);
    assertThat(handled).extracting(VerifiedCallback::tenant).containsExactly(TenantId.of("acme"), TenantId.of("globex"));
  }

  @Test
  void tenantFromBodyWhenTheFunctionChangesItsBytesThenTheSignatureIsCheckedOverTheBytesAsReceived() {
    CallbackGuard guard = guard(CallbackRegistration.builder("acme-mail")
        .tenantFromBody(body -> {
          java.util.Arrays.fill(body, (byte) ' ');
          return Optional.of(TenantId.of("acme"));
        })
        .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build())
        .build());

    assertThat(guard.handle(delivery("msg_1", "acme", "{\"tenant\":\"acme\"}", ACME_SECRET), json, handler).reason())
        .isEqualTo(CallbackReason.ACCEPTED);
  }

  @Test
  void toStringWhenTheTenantIsReadFromTheBodyThenSaysSo() {
    CallbackRegistration r = CallbackRegistration.builder("acme-mail").tenantFromBody(CallbackTenancyTest::tenantInBody)
        .verifier(StandardWebhooksVerifier.builder().secret(secret(ACME_SECRET)).build()).build();

    assertThat(r.toString()).contains("tenant from the signed body").doesNotContain(ACME_SECRET.substring(6));
  }
}
