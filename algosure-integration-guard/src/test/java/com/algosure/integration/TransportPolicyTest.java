package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Encrypt in transit: https only, TLS 1.2+, plain http only to loopback when allowed, checked before any I/O. */
class TransportPolicyTest {

  @Test
  void httpsOnlyPermitsHttpsAndRefusesPlainHttpEvenToLoopback() {
    TransportPolicy p = TransportPolicy.httpsOnly();

    assertThat(p.permits(URI.create("https://api.example.com/v1"))).isTrue();
    assertThat(p.permits(URI.create("http://127.0.0.1:8080/v1"))).isFalse();
    assertThat(p.permits(URI.create("ftp://files.example.com/"))).isFalse();
  }

  @Test
  void loopbackHttpIsAllowedOnlyToLoopbackAddressesAndNeverByResolvingANames() {
    TransportPolicy p = TransportPolicy.httpsOrLoopbackHttp();

    assertThat(p.permits(URI.create("http://127.0.0.1:8080/"))).isTrue();
    assertThat(p.permits(URI.create("http://127.1.2.3/"))).isTrue();
    assertThat(p.permits(URI.create("http://localhost:9000/"))).isTrue();
    assertThat(p.permits(URI.create("http://[::1]:9000/"))).isTrue();
    assertThat(p.permits(URI.create("http://10.0.0.1/"))).isFalse();
    assertThat(p.permits(URI.create("http://127.0.0.1.evil.example/"))).isFalse();
    assertThat(p.permits(URI.create("http://mail.partner.example/"))).isFalse();
  }

  /**
   * Regression: {@code ::1} was loopback only written so ({@code [::1]}); {@code [0:0:0:0:0:0:0:1]}, the same address
   * (and what {@code InetAddress} prints for it), was refused with "plain http is allowed only to a loopback address
   * (localhost, 127.0.0.0/8, ::1)", although the Spring adapter's configuration check took it for loopback.
   */
  @Test
  void loopbackHttpIsAllowedToTheIpv6LoopbackAddressHoweverWrittenButToNoOtherIpv6Address() {
    TransportPolicy p = TransportPolicy.httpsOrLoopbackHttp();

    assertThat(p.permits(URI.create("http://[0:0:0:0:0:0:0:1]:9000/"))).isTrue();
    assertThat(p.permits(URI.create("http://[0::1]:9000/"))).isTrue();
    assertThat(p.permits(URI.create("http://[0000:0000::0001]/"))).isTrue();
    assertThat(p.permits(URI.create("HTTP://[0:0:0:0:0:0:0:1]/"))).isTrue();
    assertThat(p.permits(URI.create("http://[::FFFF:7F00:1]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[::2]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[::]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[fe80::1]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[fd00::1]/"))).isFalse();
    // mapped and compatible IPv4 forms, and a zone, are not the IPv6 loopback address as written: refused
    assertThat(p.permits(URI.create("http://[::ffff:127.0.0.1]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[::ffff:7f00:1]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[::127.0.0.1]/"))).isFalse();
    assertThat(p.permits(URI.create("http://[::1%25lo]/"))).isFalse();
    assertThat(TransportPolicy.httpsOnly().permits(URI.create("http://[0:0:0:0:0:0:0:1]:9000/"))).isFalse();
  }

  @Test
  void credentialsInTheUriAreRefused() {
    assertThat(TransportPolicy.httpsOnly().permits(URI.create("https://user:pw@api.example.com/"))).isFalse();
  }

  @Test
  void violationMessageNamesSchemeAndHostButNeverPathOrQuery() {
    assertThatThrownBy(() -> TransportPolicy.httpsOnly().check(URI.create("http://api.example.com/v1/x?token=abc123")))
        .isInstanceOf(TransportPolicyViolationException.class)
        .hasMessage("request to http://api.example.com refused: plain http is not allowed: use https (TLS 1.2+)")
        .satisfies(e -> assertThat(((TransportPolicyViolationException) e).host()).isEqualTo("api.example.com"));
  }

  @Test
  void httpClientNegotiatesOnlyTls12And13AndNeverFollowsRedirects() {
    HttpClient c = TransportPolicy.httpsOnly().newHttpClient(Duration.ofSeconds(2));

    assertThat(c.sslParameters().getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(c.followRedirects()).isEqualTo(HttpClient.Redirect.NEVER);
    assertThat(c.connectTimeout()).contains(Duration.ofSeconds(2));
  }

  @Test
  void httpClientRefusesAPlainHttpRequestBeforeAnyNetworkIo() {
    HttpClient c = TransportPolicy.httpsOnly().newHttpClient(Duration.ofSeconds(2));
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://mail.partner.example/v1/messages")).build();

    assertThatThrownBy(() -> c.send(r, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(TransportPolicyViolationException.class);
    assertThatThrownBy(() -> c.sendAsync(r, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(TransportPolicyViolationException.class);
  }

  @Test
  void guardRefusesToBuildWithARegisteredPlainHttpEndpoint() {
    GuardFixtures f = new GuardFixtures();

    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(f.pdp)
        .provider(GuardFixtures.provider("http://mail.partner.example").build()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider 'acme-mail' endpoint http://mail.partner.example breaks the transport policy "
            + "(TransportPolicy[https only]): plain http is not allowed: use https (TLS 1.2+)");
  }

  /**
   * Regression: an allowed origin of another scheme than http or https ({@code ftp://files.example}) was written
   * with a port of -1 ({@code ftp://files.example:-1}), which is not a URI with a host, so the guard refused to build
   * saying "the URI has no scheme or host" of an origin that has both, instead of naming the scheme.
   */
  @Test
  void guardRefusesToBuildWithAnAllowedOriginOfAnotherSchemeSayingTheSchemeIsNotAllowed() {
    GuardFixtures f = new GuardFixtures();
    ProviderPolicy ftp = GuardFixtures.provider("https://api.acme-mail.example/v1/")
        .allowedOrigin(URI.create("ftp://files.example")).build();

    assertThat(ftp.allowedOrigins()).containsExactly("https://api.acme-mail.example:443", "ftp://files.example");
    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(ftp).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider 'acme-mail' allowed origin ftp://files.example breaks the transport policy "
            + "(TransportPolicy[https only]): scheme 'ftp' is not allowed: use https (TLS 1.2+)");
  }

  @Test
  void guardRefusesToBuildWithAnHttpsEndpointCarryingCredentialsSayingSoAndNeverQuotingThem() {
    // it said 'use https' of an https endpoint, the credentials being what the policy refuses
    GuardFixtures f = new GuardFixtures();
    ProviderPolicy keyed = ProviderPolicy.builder("acme-mail")
        .endpoint(java.net.URI.create("https://svc:pa55w0rd@api.acme-mail.example/v1/")).action("mail:send").build();

    assertThatThrownBy(() -> IntegrationGuard.builder().policyDecisionPoint(f.pdp).provider(keyed).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("provider 'acme-mail' endpoint https://api.acme-mail.example breaks the transport policy "
            + "(TransportPolicy[https only]): credentials in the URI are not allowed: pass them through the secrets SPI");
  }
}
