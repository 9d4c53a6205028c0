package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.StandardWebhooksVerifier;
import com.algosure.integration.spi.RateLimit;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builders fail fast with exact messages, refuse an option set twice, and build immutable things. */
class BuildersTest {

  static final URI ENDPOINT = URI.create("https://api.acme-mail.example/v1/");

  @Test
  void guardWithoutAPolicyDecisionPointIsRefused() {
    assertThatThrownBy(() -> IntegrationGuard.builder().provider(ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("policyDecisionPoint is required: set it with policyDecisionPoint(PolicyDecisionPoint.builder()...build())");
  }

  @Test
  void guardWithoutProvidersIsRefused() {
    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(new GuardFixtures().pdp).build())
        .hasMessage("at least one provider is required: add it with provider(ProviderPolicy.builder(\"acme-mail\")...build())");
  }

  @Test
  void guardRefusesAnOptionSetTwiceAndAProviderRegisteredTwice() {
    IntegrationGuard.Builder b = IntegrationGuard.builder().clock(java.time.Clock.systemUTC());
    assertThatThrownBy(() -> b.clock(java.time.Clock.systemUTC())).hasMessage("clock was already set");
    ProviderPolicy p = ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b").build();
    b.provider(p);
    assertThatThrownBy(() -> b.provider(p)).hasMessage("provider 'p' was already registered");
  }

  /**
   * Regression: a provider's idempotency header named as the guard's correlation header got the caller's correlation
   * id as a second value on every request (and as its only value on a request without a key), so a provider reading
   * it as the key deduplicated on a value the caller chose, not scoped to the tenant: another tenant's answer could
   * come back.
   */
  @Test
  void guardWhoseCorrelationHeaderIsAProvidersIdempotencyHeaderIsRefused() {
    ProviderPolicy p = ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b").idempotencyHeader("X-Request-Id")
        .build();

    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(new GuardFixtures().pdp).provider(p)
        .correlationHeader("x-request-id").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider 'p' forwards the idempotency key in header X-Request-Id, which is also the guard's "
            + "correlation header (x-request-id): the provider would get the caller's correlation id as a key; give "
            + "one of them another name");
  }

  @Test
  void providerPolicyHasSafeDefaults() {
    ProviderPolicy p = ProviderPolicy.builder("acme-mail").endpoint(ENDPOINT).action("mail:send", ConsentScope.MAIL).build();

    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.attemptTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.retryBudgetRatio()).isEqualTo(0.2);
    assertThat(p.retryAfterCap()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.requireIdempotencyKey()).isTrue();
    assertThat(p.idempotencyHeader()).isEqualTo("Idempotency-Key");
    assertThat(p.tenantRateLimit()).isEmpty();
    assertThat(p.actions()).containsEntry(com.algosure.authz.Permission.of("mail:send"), java.util.Optional.of(ConsentScope.MAIL));
  }

  @Test
  void providerPolicyAllowsOnlyTheRegisteredOriginUnlessMoreAreAllowed() {
    ProviderPolicy p = ProviderPolicy.builder("acme-mail").endpoint(URI.create("https://API.acme-mail.example/v1/"))
        .action("mail:send").allowedOrigin(URI.create("https://mail.tenant.example:8443/")).build();

    assertThat(p.allowedOrigins()).containsExactly("https://api.acme-mail.example:443", "https://mail.tenant.example:8443");
    assertThat(p.allowsOrigin(URI.create("https://api.acme-mail.example:443/v2/x?y=1"))).isTrue();
    assertThat(p.allowsOrigin(URI.create("https://mail.tenant.example:8443/v1/"))).isTrue();
    assertThat(p.allowsOrigin(URI.create("https://mail.tenant.example/v1/"))).isFalse();
    assertThat(p.allowsOrigin(URI.create("http://api.acme-mail.example/v1/"))).isFalse();
    assertThat(p.allowsOrigin(URI.create("https://api.acme-mail.example.evil.example/v1/"))).isFalse();
  }

  @Test
  void providerPolicyRefusesAnAllowedOriginThatIsMoreThanAnOrigin() {
    assertThatThrownBy(() -> ProviderPolicy.builder("p").allowedOrigin(URI.create("https://mail.tenant.example/v1/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("allowedOrigin must be scheme, host and optional port only, such as https://mail.tenant.example, "
            + "was https://mail.tenant.example:443 with more than an origin");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").allowedOrigin(URI.create("https://a.example"))
        .allowedOrigin(URI.create("https://A.example:443")))
        .isInstanceOf(IllegalStateException.class).hasMessage("origin https://a.example:443 was already allowed");
  }

  @Test
  void guardRefusesToBuildWithAnAllowedOriginThatBreaksTheTransportPolicy() {
    ProviderPolicy p = ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b")
        .allowedOrigin(URI.create("http://mail.tenant.example")).build();

    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(new GuardFixtures().pdp).provider(p).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider 'p' allowed origin http://mail.tenant.example:80 breaks the transport policy "
            + "(TransportPolicy[https only]): plain http is not allowed: use https (TLS 1.2+)");
  }

  @Test
  void providerPolicyFailsFastWithExactMessages() {
    assertThatThrownBy(() -> ProviderPolicy.builder("p").action("a:b").build())
        .hasMessage("endpoint is required for provider 'p': set it with endpoint(URI.create(\"https://...\"))");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").endpoint(ENDPOINT).build())
        .hasMessage("provider 'p' needs at least one action: add it with action(\"mail:send\")");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").maxAttempts(0)).hasMessage("maxAttempts must be 1 to 10, was 0");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("backoff initial (PT2S) must be below max (PT1S)");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").jitter(1.0)).hasMessage("jitter must be at least 0 and below 1, was 1.0");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").retryBudget(1.5, 1, Duration.ofSeconds(1)))
        .hasMessage("retryBudget ratio must be 0 to 1, was 1.5");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b")
        .attemptTimeout(Duration.ofMinutes(1)).maxRetryDuration(Duration.ofSeconds(30)).build())
        .hasMessage("attemptTimeout (PT1M) must not exceed maxRetryDuration (PT30S)");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").action("a:b").action("a:b")).hasMessage("action 'a:b' was already registered");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").tenantRateLimit(RateLimit.of(1, Duration.ofSeconds(1)))
        .tenantRateLimit(RateLimit.of(1, Duration.ofSeconds(1)))).hasMessage("tenantRateLimit was already set");
    assertThatThrownBy(() -> RateLimit.of(0, Duration.ofSeconds(1))).hasMessage("rate limit permits must be at least 1, was 0");
  }

  @Test
  void requestRefusesACorrelationIdThatCannotBeSentAsAHeaderWithoutQuotingIt() {
    // it was accepted, and every attempt then failed 'before sending (java.lang.IllegalArgumentException)'
    for (String bad : new String[] {"abc\r\nX-Injected: 1", "two words", "", "caf\u00e9", "x".repeat(256)}) {
      assertThatThrownBy(() -> IntegrationRequest.builder().correlationId(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("correlationId must be 1 to 255 visible ASCII characters (no spaces or control characters): "
              + "it is forwarded to the provider in a header");
    }
    assertThat(IntegrationRequest.builder().provider("p").action("a:b").correlationId("corr-0af7651916cd43dd:b7ad6b71")
        .build().correlationId()).contains("corr-0af7651916cd43dd:b7ad6b71");
  }

  @Test
  void requestRefusesAContentTypeThatCannotBeSentAsAHeaderWithoutQuotingIt() {
    // it was accepted, and every attempt of ProviderCall.post then failed 'before sending (IllegalArgumentException)'
    byte[] body = "a,b".getBytes(StandardCharsets.UTF_8);
    for (String bad : new String[] {"text/csv\r\nX-Injected: 1", "", " ", "text/csv; name=r\u00e9sum\u00e9", "x".repeat(256)}) {
      assertThatThrownBy(() -> IntegrationRequest.builder().payload(body, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("contentType must be a media type of 1 to 255 printable ASCII characters, such as "
              + "application/json; charset=utf-8: it is sent to the provider in the Content-Type header");
    }
    assertThat(IntegrationRequest.builder().provider("p").action("a:b").payload(body, "text/csv; charset=utf-8").build()
        .contentType()).isEqualTo("text/csv; charset=utf-8");
  }

  @Test
  void headerNamesTheClientWouldRefuseAreRefusedWhenConfigured() {
    // each was accepted, and every call then failed 'before sending (java.lang.IllegalArgumentException)'
    assertThatThrownBy(() -> ProviderPolicy.builder("p").idempotencyHeader("Idempotency Key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idempotencyHeader must be a header name the HTTP client may set (letters, digits and "
            + "! # $ % & ' * + - . ^ _ ` | ~, not one the client sets itself such as Host or Content-Length), "
            + "was 'Idempotency Key'");
    assertThatThrownBy(() -> ProviderPolicy.builder("p").idempotencyHeader("X-Key\r\nX-Injected: 1"))
        .hasMessageEndingWith("was 'X-Key??X-Injected: 1'");
    assertThatThrownBy(() -> IntegrationGuard.builder().correlationHeader("Host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("correlationHeader must be a header name the HTTP client may set (letters, digits and "
            + "! # $ % & ' * + - . ^ _ ` | ~, not one the client sets itself such as Host or Content-Length), was 'Host'");
    assertThat(ProviderPolicy.builder("p").endpoint(ENDPOINT).action("a:b").idempotencyHeader("X-Request-Key").build()
        .idempotencyHeader()).isEqualTo("X-Request-Key");
  }

  @Test
  void requestNeedsProviderAndActionAndRefusesAnOptionSetTwice() {
    assertThatThrownBy(() -> IntegrationRequest.builder().action("a:b").build())
        .hasMessage("provider is required: set it with provider(\"acme-mail\")");
    assertThatThrownBy(() -> IntegrationRequest.builder().provider("p").build())
        .hasMessage("action is required: set it with action(\"mail:send\")");
    assertThatThrownBy(() -> IntegrationRequest.builder().idempotencyKey("a").idempotencyKey("b"))
        .hasMessage("idempotencyKey was already set");
    assertThatThrownBy(() -> IntegrationRequest.builder().idempotencyKey("has space"))
        .hasMessage("idempotency key must be visible ASCII (no spaces or control characters)");
  }

  @Test
  void requestFingerprintIsTheHashOfTheCanonicalPayload() {
    IntegrationRequest a = IntegrationRequest.builder().provider("p").action("a:b").jsonPayload(Map.of("b", 1, "a", 2)).build();
    IntegrationRequest b = IntegrationRequest.builder().provider("p").action("a:b")
        .payload("{\"a\":2,\"b\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json").build();

    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).startsWith("sha256:");
    assertThat(a.toString()).doesNotContain("\"a\"").contains("payload=13 bytes");
  }

  private static IntegrationRequest.Builder mail() {
    return IntegrationRequest.builder().provider("p").action("a:b").idempotencyKey("k-1");
  }

  /** The framed fingerprint input as IntegrationRequest#fingerprint() documents it, written independently. */
  private static byte[] framed(byte[] payload, String contentType, URI endpoint) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(2 + 4 + 2 * contentType.length() + 1
        + (endpoint == null ? 0 : 4 + 2 * endpoint.toString().length()) + 4 + payload.length);
    b.put((byte) 0xff).put((byte) 1);
    b.putInt(contentType.length()).put(contentType.getBytes(StandardCharsets.UTF_16BE));
    if (endpoint == null) {
      b.put((byte) 0);
    } else {
      b.put((byte) 1).putInt(endpoint.toString().length()).put(endpoint.toString().getBytes(StandardCharsets.UTF_16BE));
    }
    b.putInt(payload.length).put(payload);
    return b.array();
  }

  private static String sha256(byte[] input) throws Exception {
    return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(input));
  }

  @Test
  void requestFingerprintCoversTheEndpointOverrideSoTheSameKeyAndPayloadForAnotherEndpointIsAnotherRequest() throws Exception {
    URI other = URI.create("https://tenant-own.example/v1/");
    IntegrationRequest plain = mail().jsonPayload(Map.of("to", "bob")).build();
    IntegrationRequest overridden = mail().jsonPayload(Map.of("to", "bob")).endpoint(other).build();
    IntegrationRequest elsewhere = mail().jsonPayload(Map.of("to", "bob")).endpoint(URI.create("https://tenant-own.example/v2/")).build();

    assertThat(overridden.fingerprint()).isNotEqualTo(plain.fingerprint()).isNotEqualTo(elsewhere.fingerprint())
        .matches("sha256:[0-9a-f]{64}")
        .isEqualTo(sha256(framed(plain.payload(), "application/json", other)));
    assertThat(mail().jsonPayload(Map.of("to", "bob")).endpoint(other).build().fingerprint()).isEqualTo(overridden.fingerprint());
  }

  @Test
  void requestFingerprintCoversTheContentTypeThatIsSentWithThePayload() throws Exception {
    byte[] bytes = "to=bob".getBytes(StandardCharsets.UTF_8);
    IntegrationRequest form = mail().payload(bytes, "application/x-www-form-urlencoded").build();
    IntegrationRequest text = mail().payload(bytes, "text/plain").build();
    IntegrationRequest json = mail().payload(bytes, "application/json").build();

    assertThat(form.fingerprint()).isNotEqualTo(text.fingerprint()).isNotEqualTo(json.fingerprint())
        .isEqualTo(sha256(framed(bytes, "application/x-www-form-urlencoded", null)));
    assertThat(json.fingerprint()).isEqualTo(sha256(bytes)); // JSON without an override: the payload's hash, as before
  }

  @Test
  void requestFingerprintOfTheUsualRequestIsStillTheHashOfItsPayloadAlone() throws Exception {
    IntegrationRequest json = mail().jsonPayload(Map.of("to", "bob")).build();
    IntegrationRequest none = mail().build();

    assertThat(json.fingerprint()).isEqualTo(sha256(json.payload()));
    assertThat(none.fingerprint()).isEqualTo(sha256(new byte[0]));
    assertThat(mail().payload(new byte[0], "application/json").build().fingerprint()).isNotEqualTo(none.fingerprint());
  }

  @Test
  void requestFingerprintInputsAreUnambiguous() {
    URI other = URI.create("https://tenant-own.example/v1/");
    byte[] payload = "{\"to\":\"bob\"}".getBytes(StandardCharsets.UTF_8);
    IntegrationRequest overridden = mail().payload(payload, "application/json").endpoint(other).build();
    // a request whose payload is the other's framed input: hashed framed itself (it starts with 0xff), so not equal
    IntegrationRequest mimic = mail().payload(framed(payload, "application/json", other), "application/json").build();
    // the boundary between fields cannot move: endpoint ".../v1/x" + payload "y" is not endpoint ".../v1/" + "xy"
    IntegrationRequest a = mail().payload("y".getBytes(StandardCharsets.UTF_8), "text/plain")
        .endpoint(URI.create("https://tenant-own.example/v1/x")).build();
    IntegrationRequest b = mail().payload("xy".getBytes(StandardCharsets.UTF_8), "text/plain").endpoint(other).build();
    IntegrationRequest c = mail().payload("y".getBytes(StandardCharsets.UTF_8), "text/plainhttps://tenant-own.example/v1/x").build();

    assertThat(mimic.fingerprint()).isNotEqualTo(overridden.fingerprint());
    assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint()).isNotEqualTo(c.fingerprint());
  }

  @Test
  void requestFingerprintsMadeOnOneThreadDoNotLeakIntoEachOther() throws Exception {
    // the thread's digest is shared by both forms: a framed hash must leave it clean for the next plain one
    URI other = URI.create("https://tenant-own.example/v1/");
    byte[] payload = "{\"to\":\"bob\"}".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 3; i++) {
      assertThat(mail().payload(payload, "application/json").endpoint(other).build().fingerprint())
          .isEqualTo(sha256(framed(payload, "application/json", other)));
      assertThat(mail().payload(payload, "application/json").build().fingerprint()).isEqualTo(sha256(payload));
    }
  }

  @Test
  void idsAndScopesAreValidated() {
    assertThatThrownBy(() -> ProviderId.of("Acme Mail")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("provider id 'Acme Mail' is not valid: use lower-case letters, digits, '-', '_' or '.'");
    assertThat(ConsentScope.of("CALENDAR").name()).isEqualTo("CALENDAR");
    assertThatThrownBy(() -> ConsentScope.of("mail")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void providerIdWhenTheRejectedValueHoldsLineSeparatorsOrBidiControlsThenTheMessageShowsThemReplaced() {
    assertThatThrownBy(() -> ProviderId.of("acme\u2028FAKE LOG LINE\u202e\u0085"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("provider id 'acme?FAKE LOG LINE??' is not valid");
  }

  @Test
  void callbackGuardFailsFastWithExactMessages() {
    assertThatThrownBy(() -> CallbackGuard.builder().build())
        .hasMessage("at least one registration is required: add it with registration(CallbackRegistration.builder(\"acme-mail\")...build())");
    assertThatThrownBy(() -> CallbackRegistration.builder("p").tenant("acme").build())
        .hasMessage("callback registration 'p' needs a verifier: set verifier(...)");
    assertThatThrownBy(() -> StandardWebhooksVerifier.builder().build())
        .hasMessage("a Standard Webhooks verifier needs a secret(...), a secretSource(...) or a publicKey(...)");
    CallbackRegistration r = CallbackRegistration.builder("p").tenant("acme").verifier((req, t) -> null).build();
    assertThatThrownBy(() -> CallbackGuard.builder().registration(r).tolerance(Duration.ofMinutes(5)).dedupeTtl(Duration.ofMinutes(9)).build())
        .hasMessage("dedupeTtl (PT9M) must be at least twice the tolerance (PT5M), or a replay inside the window would be handled again");
    assertThatThrownBy(() -> CallbackGuard.builder().tolerance(Duration.ofHours(2)))
        .hasMessage("tolerance must be 1 second to 1 hour, was PT2H");
  }

  @Test
  void outcomeRecordsRefuseAReasonOfAnotherKind() {
    IntegrationRequest r = IntegrationRequest.builder().provider("p").action("a:b").build();

    assertThatThrownBy(() -> new IntegrationOutcome.Failed<String>(r, OutcomeReason.CONSENT_MISSING, 0, 0, "x"))
        .hasMessage("reason CONSENT_MISSING is for DENIED, not FAILED");
  }
}
