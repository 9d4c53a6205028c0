package com.algosure.spring.method;

import static com.algosure.spring.AdapterFixtures.as;
import static com.algosure.spring.AdapterFixtures.user;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.algosure.authz.Effect;
import com.algosure.authz.TenantId;
import com.algosure.integration.ConsentScope;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.OutcomeReason;
import com.algosure.integration.ProviderResponse;
import com.algosure.integration.spi.ConsentRegistry;
import com.algosure.integration.spi.InMemoryConsentRegistry;
import com.algosure.spring.AdapterFixtures;
import com.algosure.spring.GuardedCall;
import com.algosure.spring.GuardedIntegration;
import com.algosure.spring.IntegrationOutcomeException;
import com.algosure.spring.InvalidAlgosureConfigurationException;
import com.algosure.spring.InvalidRequestContextException;
import com.algosure.spring.RequestContextResolver;
import com.algosure.spring.autoconfigure.AlgosureAutoConfiguration;
import com.algosure.spring.web.HeaderRequestContextResolver;
import com.algosure.spring.autoconfigure.AlgosureIntegrationAutoConfiguration;
import com.algosure.spring.autoconfigure.AlgosureMetricsAutoConfiguration;
import com.algosure.spring.metrics.AlgosureMetrics;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class GuardedIntegrationMethodInterceptorTests {

  private WireMockServer provider;
  private ApplicationContextRunner runner;

  static class Reports {
    static volatile CountDownLatch hold = new CountDownLatch(0);
    static volatile CountDownLatch entered = new CountDownLatch(0);

    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#report", tenant = "'acme'", organization = "'sales'")
    public String send(Map<String, String> report, String key) throws Exception {
      entered.countDown();
      hold.await(5, TimeUnit.SECONDS);
      ProviderResponse r = GuardedCall.send(GuardedCall.context().newRequest("reports")
          .POST(GuardedCall.context().payloadPublisher()).header("Content-Type", "application/json").build());
      return new String(r.body(), StandardCharsets.UTF_8);
    }

    @GuardedIntegration(provider = "authority", action = "reports:send", idempotencyKey = "#key", tenant = "'acme'")
    public String sendWithoutScope(String key) {
      return "never";
    }
  }

  static class KeyedSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#report.get('key').trim()", payload = "#report", tenant = "'acme'", organization = "'sales'")
    public String send(Map<String, String> report) {
      return "sent";
    }
  }

  static class ApprovedSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#key", tenant = "'acme'", organization = "'sales'", approvalId = "#approval")
    public String send(String key, String approval) {
      return "sent";
    }
  }

  static class ResourceSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#key", tenant = "'acme'", organization = "'sales'", resourceType = "report",
        resourceId = "#reportId")
    public String send(String key, String reportId) {
      return "sent";
    }
  }

  static class TenantSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#key", tenant = "#tenant", organization = "#organization")
    public String send(@org.jspecify.annotations.Nullable String tenant,
        @org.jspecify.annotations.Nullable String organization, String key) {
      return "sent";
    }

    @com.algosure.spring.Authorize(action = "filings:read", resourceType = "filing", organization = "'sales'")
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#key", tenant = "#tenant", organization = "'sales'")
    public String sendAfterReading(@org.jspecify.annotations.Nullable String tenant, String key) {
      return "sent";
    }
  }

  static class VoidSender {
    @GuardedIntegration(provider = "authority", action = "reports:send")
    public void send() {}
  }

  static class MisspelledPayloadSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", idempotencyKey = "#key", payload = "#reprot",
        tenant = "'acme'")
    public String send(Map<String, String> report, String key) {
      return "sent";
    }
  }

  static class FutureSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", idempotencyKey = "#key", tenant = "'acme'")
    public java.util.concurrent.CompletableFuture<String> send(String key) {
      // the provider is called later, on another thread: nothing the guard could retry, time or validate
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("the provider failed");
      });
    }
  }

  static class StageSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", idempotencyKey = "#key", tenant = "'acme'")
    public java.util.concurrent.CompletionStage<String> send(String key) {
      return java.util.concurrent.CompletableFuture.completedFuture("not yet");
    }
  }

  static class FlowSender {
    @GuardedIntegration(provider = "authority", action = "reports:send", idempotencyKey = "#key", tenant = "'acme'")
    public java.util.concurrent.Flow.Publisher<String> send(String key) {
      return subscriber -> {};
    }
  }

  interface ReportApi {
    @GuardedIntegration(provider = "authority", action = "reports:send", consentScope = "GOVERNMENT_RECORDS",
        idempotencyKey = "#key", payload = "#report", tenant = "'acme'", organization = "'sales'")
    String send(Map<String, String> report, String key) throws Exception;
  }

  static class RenamingReportSender implements ReportApi {
    @Override
    public String send(Map<String, String> body, String idempotencyKey) throws Exception {
      ProviderResponse r = GuardedCall.send(GuardedCall.context().newRequest("reports")
          .POST(GuardedCall.context().payloadPublisher()).header("Content-Type", "application/json").build());
      return new String(r.body(), StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void start() {
    provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    provider.start();
    provider.stubFor(post(urlEqualTo("/reports")).willReturn(aResponse().withStatus(200).withBody("{\"receipt\":\"R-1\"}")));
    InMemoryConsentRegistry consents = ConsentRegistry.inMemory(Clock.systemUTC());
    consents.grant(TenantId.of("acme"), ConsentScope.GOVERNMENT_RECORDS, java.time.Instant.now().plus(Duration.ofDays(1)));
    runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, AlgosureAutoConfiguration.class,
            AlgosureIntegrationAutoConfiguration.class, AlgosureMetricsAutoConfiguration.class))
        .withUserConfiguration(AdapterFixtures.HostBeans.class)
        .withBean(Reports.class)
        .withBean(ConsentRegistry.class, () -> consents)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withPropertyValues(AdapterFixtures.CATALOG,
            "algosure.providers.authority.endpoint=http://127.0.0.1:" + provider.port() + "/",
            "algosure.providers.authority.allow-loopback-http=true",
            "algosure.providers.authority.actions=reports:send",
            "algosure.providers.authority.consent-scope=GOVERNMENT_RECORDS",
            "algosure.providers.authority.retry.initial-backoff=10ms",
            "algosure.providers.authority.retry.max-backoff=20ms");
  }

  @AfterEach
  void stop() {
    provider.stop();
    SecurityContextHolder.clearContext();
    RequestContextHolder.resetRequestAttributes();
    Reports.hold = new CountDownLatch(0);
    Reports.entered = new CountDownLatch(0);
  }

  private static String send(AssertableApplicationContext context, String who, Map<String, String> report, String key) {
    return as(user(who), () -> {
      try {
        return context.getBean(Reports.class).send(report, key);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static IntegrationOutcome<?> refused(Runnable call) {
    try {
      call.run();
    } catch (IntegrationOutcomeException e) {
      return e.outcome();
    }
    throw new AssertionError("the call was not refused");
  }

  /**
   * Regression: through a class-based proxy (Spring Boot's default) the call was intercepted as the implementation's
   * method, whose names are not the interface's: {@code #key} and {@code #report} read null, so the call went without
   * its payload (and a fingerprint without it, under which another report with the same key would replay this one).
   */
  @Test
  void sendWhenAClassBasedProxyCallsAnImplementationThatRenamesTheParametersThenTheInterfacesNamesAreRead() {
    runner.withBean(ReportApi.class, RenamingReportSender::new).run(context -> {
      assertThat(as(user("alice"), () -> {
        try {
          return context.getBean(ReportApi.class).send(Map.of("q", "renamed"), "key-renamed");
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      })).isEqualTo("{\"receipt\":\"R-1\"}");
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")).withRequestBody(equalTo("{\"q\":\"renamed\"}")));
    });
  }

  @Test
  void sendWhenProviderAcceptsThenMethodValueIsReturnedAndKeyForwarded() {
    runner.run(context -> {
      assertThat(send(context, "alice", Map.of("q", "1"), "key-1")).isEqualTo("{\"receipt\":\"R-1\"}");
      assertThat(GuardedCall.lastOutcome()).hasValueSatisfying(o -> assertThat(o.kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED));
      // the caller's key scoped to the tenant, provider and action, as the guard forwards it
      String forwarded = new com.algosure.integration.spi.IdempotencyKey(com.algosure.authz.TenantId.of("acme"),
          com.algosure.integration.ProviderId.of("authority"), "reports:send", "key-1").providerKey();
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")).withHeader("Idempotency-Key", equalTo(forwarded))
          .withRequestBody(equalTo("{\"q\":\"1\"}")));
    });
  }

  @Test
  void lastOutcomeWhenALaterRequestOnTheSameThreadMadeNoGuardedCallThenEmptyNotTheEarlierRequestsOutcome() {
    runner.run(context -> {
      // alice's request, on a pooled server thread
      RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
      send(context, "alice", Map.of("q", "alice's report"), "key-last-1");
      assertThat(GuardedCall.lastOutcome()).hasValueSatisfying(o -> assertThat(o.request().actor().orElseThrow().id()).isEqualTo("alice"));
      RequestContextHolder.resetRequestAttributes();
      // the next request the thread serves, bob's, makes no guarded call: it must not see alice's outcome (her request,
      // payload and the provider's answer)
      RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(new MockHttpServletRequest()));
      assertThat(GuardedCall.lastOutcome()).isEmpty();
    });
  }

  @Test
  void sendWhenTheThreadCarriesAFinishedRequestsAttributesThenTheValueIsReturnedAndTheOutcomeKept() {
    runner.run(context -> {
      // a task handed the request's attributes (a TaskDecorator, an inheritable holder) that runs after the request
      ServletRequestAttributes finished = new ServletRequestAttributes(new MockHttpServletRequest());
      finished.requestCompleted();
      RequestContextHolder.setRequestAttributes(finished);
      assertThat(send(context, "alice", Map.of("q", "late"), "key-late-1")).isEqualTo("{\"receipt\":\"R-1\"}");
      assertThat(GuardedCall.lastOutcome()).hasValueSatisfying(o -> assertThat(o.kind()).isEqualTo(IntegrationOutcome.Kind.ACCEPTED));
    });
  }

  @Test
  void sendWhenSameKeyAndPayloadAgainThenFirstValueReplayedWithoutSecondCall() {
    runner.run(context -> {
      send(context, "alice", Map.of("q", "1"), "key-2");
      assertThat(send(context, "alice", Map.of("q", "1"), "key-2")).isEqualTo("{\"receipt\":\"R-1\"}");
      assertThat(GuardedCall.lastOutcome()).hasValueSatisfying(o -> assertThat(o.kind()).isEqualTo(IntegrationOutcome.Kind.DUPLICATE));
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenSameKeyWithAnotherPayloadThenRejectedAndNothingSent() {
    runner.run(context -> {
      send(context, "alice", Map.of("q", "1"), "key-3");
      IntegrationOutcome<?> o = refused(() -> send(context, "alice", Map.of("q", "2"), "key-3"));
      assertThat(o.reason()).isEqualTo(OutcomeReason.IDEMPOTENCY_KEY_REUSED);
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenSameKeyWhileFirstStillRunningThenDuplicateInProgressAndOneCall() throws Exception {
    runner.run(context -> {
      Reports.hold = new CountDownLatch(1);
      Reports.entered = new CountDownLatch(1);
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> send(context, "alice", Map.of("q", "1"), "key-4"));
      assertThat(Reports.entered.await(5, TimeUnit.SECONDS)).isTrue();
      IntegrationOutcome<?> o = refused(() -> send(context, "alice", Map.of("q", "1"), "key-4"));
      Reports.hold.countDown();
      assertThat(o.reason()).isEqualTo(OutcomeReason.DUPLICATE_IN_PROGRESS);
      assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("{\"receipt\":\"R-1\"}");
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenProviderAnswers429WithLongRetryAfterThenRateLimited() {
    provider.stubFor(post(urlEqualTo("/reports")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "120")));
    runner.run(context -> {
      IntegrationOutcome<?> o = refused(() -> send(context, "alice", Map.of("q", "1"), "key-5"));
      assertThat(o).isInstanceOfSatisfying(IntegrationOutcome.RateLimited.class,
          r -> assertThat(r.retryAfter()).isAfter(java.time.Instant.now().plusSeconds(100)));
      // the provider's 429 is told apart from our own limit in the metrics
      assertThat(context.getBean(MeterRegistry.class).get(AlgosureMetrics.INTEGRATION_OUTCOMES)
          .tags("provider", "authority", "outcome", "RATE_LIMITED", "reason", "PROVIDER_RATE_LIMITED").timer().count())
          .isEqualTo(1);
    });
  }

  @Test
  void sendWhenProviderKeepsFailingThenRetriedWithinBoundAndFailedAndCounted() {
    provider.stubFor(post(urlEqualTo("/reports")).willReturn(aResponse().withStatus(503)));
    runner.run(context -> {
      IntegrationOutcome<?> o = refused(() -> send(context, "alice", Map.of("q", "1"), "key-6"));
      assertThat(o.kind()).isEqualTo(IntegrationOutcome.Kind.FAILED);
      provider.verify(3, postRequestedFor(urlEqualTo("/reports")));
      MeterRegistry meters = context.getBean(MeterRegistry.class);
      assertThat(meters.get(AlgosureMetrics.INTEGRATION_RETRIES).tags("provider", "authority", "outcome", "FAILED")
          .summary().totalAmount()).isEqualTo(2);
    });
  }

  @Test
  void sendWhenActorHoldsNoRoleThenDeniedWithTheDecisionAndNothingSent() {
    runner.run(context -> {
      IntegrationOutcome<?> o = refused(() -> send(context, "bob", Map.of("q", "1"), "key-7"));
      assertThat(o).isInstanceOf(IntegrationOutcome.Denied.class);
      assertThat(((IntegrationOutcome.Denied<?>) o).decision()).hasValueSatisfying(dec -> assertThat(dec.effect()).isEqualTo(Effect.DENY));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheGuardsDecisionPointDeniesThenTheDecisionIsCountedOnceInTheDecisionsMetric() {
    runner.run(context -> {
      refused(() -> send(context, "bob", Map.of("q", "1"), "key-7-counted"));
      // the guard asked the decision point itself, not through AlgosureAuthorizer: the denial of an outbound call
      // belongs on the dashboard with every other decision, once
      assertThat(context.getBean(MeterRegistry.class).find(AlgosureMetrics.DECISIONS).timers())
          .extracting(t -> t.getId().getTag("effect"), Timer::count)
          .containsExactly(tuple("DENY", 1L));
    });
  }

  @Test
  void sendWhenTenantHasNoConsentThenDeniedAndNothingSent() {
    runner.withBean("noConsents", ConsentRegistry.class, ConsentRegistry::none,
            bd -> bd.setPrimary(true))
        .run(context -> {
          IntegrationOutcome<?> o = refused(() -> send(context, "alice", Map.of("q", "1"), "key-8"));
          assertThat(o.reason()).isEqualTo(OutcomeReason.CONSENT_MISSING);
          provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
        });
  }

  @Test
  void sendWhenRequestHeaderAndOrganizationExpressionDifferThenRefusedAndNothingSent() {
    namingInRequest("support");
    headers().run(context -> {
      assertThatThrownBy(() -> send(context, "alice", Map.of("q", "1"), "key-9"))
          .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> assertThat(e.source())
              .isEqualTo("organization named by the request and by @GuardedIntegration(organization)"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  /** Regression: the 400 for a conflicting organization on a guarded call left no audit record. */
  @Test
  void sendWhenRequestHeaderAndOrganizationExpressionDifferThenTheRefusalIsAuditedUnderTheProblemId() {
    namingInRequest("support");
    headers().run(context -> {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> send(context, "alice", Map.of("q", "1"), "key-9a"));
      assertThat(t).isInstanceOf(InvalidRequestContextException.class);
      String id = ((InvalidRequestContextException) t).problemId().orElseThrow();
      assertThat(context.getBean(com.algosure.audit.InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(id);
        assertThat(ev.type()).isEqualTo(com.algosure.audit.AuditEventType.AUTHORIZATION_DECISION);
        assertThat(ev.outcome()).isEqualTo("DENY");
        assertThat(ev.reasons()).containsExactly("REQUEST_INVALID");
        assertThat(ev.actorId()).hasValue("alice");
        assertThat(ev.action()).hasValue("reports:send");
        assertThat(ev.details()).containsEntry("refusedBy", "request-context")
            .containsEntry("source", "organization named by the request and by @GuardedIntegration(organization)");
      });
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheIdempotencyKeyIsNotAValidKeyThenTheRefusalIsAuditedWithoutTheKey() {
    runner.run(context -> {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(
          () -> send(context, "alice", Map.of("q", "1"), "key\nwith-a-line-break"));
      assertThat(t).isInstanceOf(InvalidRequestContextException.class);
      assertThat(context.getBean(com.algosure.audit.InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(((InvalidRequestContextException) t).problemId().orElseThrow());
        assertThat(ev.details()).containsEntry("source", "@GuardedIntegration(idempotencyKey)");
        assertThat(ev.toString()).doesNotContain("line-break");
      });
    });
  }

  /**
   * Regression: a guarded call's refusal was recorded with the actor, action and source only: no provider, and not the
   * tenant, organization or resource the call had already resolved to valid ids (the @Authorize path records those).
   */
  @Test
  void sendWhenTheIdempotencyKeyIsNotAValidKeyThenTheRefusalRecordsTheProviderTenantOrganizationAndResource() {
    runner.withBean(ResourceSender.class).run(context -> {
      InvalidRequestContextException e = refusedContext(() -> as(user("alice"),
          () -> context.getBean(ResourceSender.class).send("key\nwith-a-line-break", "r-1")));
      assertThat(context.getBean(com.algosure.audit.InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
        assertThat(ev.provider()).hasValue("authority");
        assertThat(ev.action()).hasValue("reports:send");
        assertThat(ev.tenant()).hasValue("acme");
        assertThat(ev.organization()).hasValue("sales");
        assertThat(ev.resource()).hasValue("report/r-1");
        assertThat(ev.details()).containsEntry("source", "@GuardedIntegration(idempotencyKey)");
        assertThat(ev.toString()).doesNotContain("line-break");
      });
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  /** The tenant an expression gives is recorded only where it is a valid id: never the caller's raw text. */
  @Test
  void sendWhenTheTenantExpressionGivesAnInvalidIdThenTheRefusalRecordsTheProviderButNotTheText() {
    runner.withBean(TenantSender.class).run(context -> {
      InvalidRequestContextException e = refusedContext(() -> as(user("alice"),
          () -> context.getBean(TenantSender.class).send("acme\u202e<script>", "sales", "k-bad-tenant")));
      assertThat(e.source()).isEqualTo("tenant");
      assertThat(context.getBean(com.algosure.audit.InMemoryAuditSink.class).events()).singleElement().satisfies(ev -> {
        assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
        assertThat(ev.provider()).hasValue("authority");
        assertThat(ev.action()).hasValue("reports:send");
        assertThat(ev.tenant()).isEmpty();
        assertThat(ev.toString()).doesNotContain("script").doesNotContain("\u202e");
      });
    });
  }

  /**
   * A method under both @Authorize and @GuardedIntegration: the decision point permits, then the guarded call's context
   * is refused. The refusal is recorded once, under the id the exception carries, with the permitting decision's tenant
   * not taken in place of the one the expression failed to give.
   */
  @Test
  void sendWhenAnAuthorizedMethodsGuardedCallIsRefusedThenTheRefusalIsRecordedOnce() {
    runner.withBean(TenantSender.class).run(context -> {
      InvalidRequestContextException e = refusedContext(
          () -> as(user("alice"), () -> context.getBean(TenantSender.class).sendAfterReading(null, "k-once")));
      assertThat(context.getBean(com.algosure.audit.InMemoryAuditSink.class).events())
          .filteredOn(ev -> ev.reasons().contains("REQUEST_INVALID")).singleElement().satisfies(ev -> {
            assertThat(ev.id()).isEqualTo(e.problemId().orElseThrow());
            assertThat(ev.provider()).hasValue("authority");
            assertThat(ev.tenant()).isEmpty();
            assertThat(ev.details()).containsEntry("source", "@GuardedIntegration(tenant)");
          });
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
  void sendWhenTheRefusalCannotBeAuditedThenStillRefusedUnderAProblemIdAndNothingSent(
      org.springframework.boot.test.system.CapturedOutput output) {
    runner.withBean("failingAuditSink", com.algosure.audit.AuditSink.class, () -> event -> {
      throw new IllegalStateException("audit store down");
    }, b -> b.setPrimary(true)).run(context -> {
      InvalidRequestContextException e = refusedContext(
          () -> send(context, "alice", Map.of("q", "1"), "key\nwith-a-line-break"));
      assertThat(e.problemId()).isPresent();
      assertThat(output).contains("audit of refused request context " + e.problemId().get() + " failed");
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  private static InvalidRequestContextException refusedContext(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(InvalidRequestContextException.class);
    return (InvalidRequestContextException) t;
  }

  @Test
  void sendWhenRequestHeaderAndOrganizationExpressionAgreeThenAccepted() {
    namingInRequest("sales");
    headers().run(context -> assertThat(send(context, "alice", Map.of("q", "1"), "key-10")).isEqualTo("{\"receipt\":\"R-1\"}"));
  }

  /** The runner with the request context read from headers, as the web auto-configuration declares it. */
  private ApplicationContextRunner headers() {
    return runner.withBean(RequestContextResolver.class,
        () -> new HeaderRequestContextResolver("X-Organization-Id", null, "X-Approval-Id", "X-Correlation-Id"));
  }

  private static void namingInRequest(String organization) {
    MockHttpServletRequest http = new MockHttpServletRequest("POST", "/reports");
    http.addHeader("X-Organization-Id", organization);
    RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(http));
  }

  @Test
  void sendWhenIdempotencyKeyExpressionFailsOnTheArgumentsThenRefusedAndNothingSent() {
    runner.withBean(KeyedSender.class).run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(KeyedSender.class).send(Map.of("q", "1"))))
          .isInstanceOfSatisfying(InvalidRequestContextException.class,
              e -> assertThat(e.source()).isEqualTo("@GuardedIntegration(idempotencyKey)"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheIdempotencyKeyIsNotAValidKeyThenRefusedAsABadRequestAndNothingSent() {
    // the key comes from the caller (a header, say): 300 characters, or a control character, is bad input, not a 500
    for (String bad : new String[] {"k".repeat(300), "key\nwith-a-line-break"}) {
      runner.run(context -> {
        assertThatThrownBy(() -> send(context, "alice", Map.of("q", "1"), bad))
            .isInstanceOfSatisfying(InvalidRequestContextException.class,
                e -> assertThat(e.source()).isEqualTo("@GuardedIntegration(idempotencyKey)"));
        provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
      });
    }
  }

  /** Regression: the approvalId expression's value was taken as it came, where the X-Approval-Id header is refused. */
  @Test
  void sendWhenTheApprovalIdExpressionGivesAnInvalidIdThenRefusedAsTheHeaderIsAndNothingSent() {
    for (String bad : new String[] {"", "a".repeat(5_000), "appr\u0000oval"}) {
      runner.withBean(ApprovedSender.class).run(context -> {
        assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(ApprovedSender.class).send("k-approval", bad)))
            .isInstanceOfSatisfying(InvalidRequestContextException.class, e -> {
              assertThat(e.source()).isEqualTo("@GuardedIntegration(approvalId)");
              assertThat(e.getMessage()).contains("not a valid approval id").doesNotContain("aaaa").doesNotContain("\u0000");
            });
        provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
      });
    }
  }

  /** Regression: an approval id a host's own RequestContextResolver gave was sent on as it came, unlike the header's. */
  /** Regression: a host resolver's invalid correlation id made the guarded call fail with an IllegalArgumentException. */
  @Test
  void sendWhenAHostsResolverGivesAnInvalidCorrelationIdThenItIsDroppedAndTheCallIsMade() {
    runner.withBean(RequestContextResolver.class, () -> new RequestContextResolver() {
      @Override
      public Optional<com.algosure.authz.OrganizationId> activeOrganization() {
        return Optional.empty();
      }

      @Override
      public Optional<String> approvalId() {
        return Optional.empty();
      }

      @Override
      public Optional<String> correlationId() {
        return Optional.of("corr id with spaces");
      }
    }).run(context -> {
      assertThat(send(context, "alice", Map.of("q", "1"), "k-resolver-correlation")).isEqualTo("{\"receipt\":\"R-1\"}");
      provider.verify(1, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenAHostsResolverGivesAnInvalidApprovalIdThenRefusedAsTheHeaderIsAndNothingSent() {
    runner.withBean(RequestContextResolver.class, () -> new RequestContextResolver() {
      @Override
      public Optional<com.algosure.authz.OrganizationId> activeOrganization() {
        return Optional.empty();
      }

      @Override
      public Optional<String> approvalId() {
        return Optional.of("appr\u0000oval");
      }

      @Override
      public Optional<String> correlationId() {
        return Optional.empty();
      }
    }).run(context -> {
      assertThatThrownBy(() -> send(context, "alice", Map.of("q", "1"), "k-resolver-approval"))
          .isInstanceOfSatisfying(InvalidRequestContextException.class,
              e -> assertThat(e.getMessage()).contains("not a valid approval id").doesNotContain("\u0000"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheResourceIdExpressionGivesNoIdThenRefusedNotDecidedOnTheWholeCollection() {
    runner.withBean(ResourceSender.class).run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(ResourceSender.class).send("k-no-id", null)))
          .isInstanceOfSatisfying(InvalidRequestContextException.class,
              e -> assertThat(e.source()).isEqualTo("@GuardedIntegration(resourceId)"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheTenantExpressionGivesNoneThenRefusedNotSentForTheCallersOwnTenant() {
    // inside alice's @Authorize decision (in her own tenant, acme, which has the consent and where she may send), a
    // tenant the expression does not give was taken from that decision: the call would have been accepted
    runner.withBean(TenantSender.class).run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(TenantSender.class).sendAfterReading(null, "k-t")))
          .isInstanceOfSatisfying(InvalidRequestContextException.class,
              e -> assertThat(e.source()).isEqualTo("@GuardedIntegration(tenant)"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenTheOrganizationExpressionGivesNoneThenRefusedNotSentForTheRequestHeadersOrganization() {
    namingInRequest("sales");
    headers().withBean(TenantSender.class).run(context -> {
      assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(TenantSender.class).send("acme", null, "k-o")))
          .isInstanceOfSatisfying(InvalidRequestContextException.class,
              e -> assertThat(e.source()).isEqualTo("@GuardedIntegration(organization)"));
      provider.verify(0, postRequestedFor(urlEqualTo("/reports")));
    });
  }

  @Test
  void sendWhenAnnotationAndConfigurationDisagreeOnConsentThenConfigurationError() {
    runner.run(context -> assertThatThrownBy(() -> as(user("alice"), () -> context.getBean(Reports.class).sendWithoutScope("k")))
        .isInstanceOf(InvalidAlgosureConfigurationException.class)
        .hasMessageContaining("declares consent scope none but provider 'authority' is configured with GOVERNMENT_RECORDS"));
  }

  /**
   * Regression: a method returning a future (or a publisher) was taken as the provider's accepted answer the moment it
   * returned, before the provider was called: no retry, timeout or validation of its answer, an ACCEPTED outcome
   * audited and replayed for a call that then failed.
   */
  @ParameterizedTest
  @ValueSource(classes = {FutureSender.class, StageSender.class, FlowSender.class})
  void startWhenGuardedMethodReturnsAnAnswerStillToComeThenFailsNamingTheMethod(Class<?> sender) {
    runner.withBean(sender).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("@GuardedIntegration on " + sender.getName() + "#send: the method returns a "
            + sender.getMethod("send", String.class).getReturnType().getSimpleName() + ", an answer still to come"));
  }

  /** Regression: a misspelled payload variable was null, so the payload was neither sent nor fingerprinted. */
  @Test
  void startWhenThePayloadExpressionReadsAVariableThatIsNoParameterThenFailsNamingIt() {
    runner.withBean(MisspelledPayloadSender.class).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("@GuardedIntegration(payload) on " + MisspelledPayloadSender.class.getName()
            + "#send: '#reprot' reads #reprot, which is no parameter of the method"));
  }

  @Test
  void startWhenGuardedMethodReturnsNothingThenFailsNamingTheMethod() {
    runner.withBean(VoidSender.class).run(context -> assertThat(context).getFailure()
        .hasStackTraceContaining("@GuardedIntegration on " + VoidSender.class.getName() + "#send: the method returns nothing"));
  }
}
